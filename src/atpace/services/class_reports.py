"""Class reports: mastery growth per week, the skills where most students are stuck, CSV exports.

The rules (docs/reports.md says the same for teachers):

- Weeks start on Monday 00:00 UTC. The series runs from the week of the class's first evidence (its active
  students, the course's skills) to the current week, at most the last :data:`MAX_WEEKS` weeks.
- A skill counts as mastered for a student at the end of a week when the newest Evidence row for that
  student and skill before the next Monday 00:00 UTC (and not after now) has ``p_after`` at or above the
  course's mastery threshold. A skill mastered and later lost stops counting from the week it was lost.
  Teachers' pauses and locks are not applied here (the heatmap's Mastered column applies them).
- The class value of a week is the mean over the class's active students (those without evidence count 0).
- Growth over the last :data:`GROWTH_WEEKS` weeks: the count now minus the count at the end of the week
  four weeks before the current one (before the series starts: the count carried in, 0 for a new class).
- The series is computed with a bounded number of queries whatever the class size or the number of weeks:
  one windowed query loads, for every (student, skill, week), the newest ``p_after`` of that week (and of
  everything before the first week); the weeks are then carried forward in Python.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from atpace.engine import policy
from atpace.errors import InvalidInput
from atpace.services import audit
from atpace.services.access import class_course, get_class
from atpace.services.assignments.dates import LatestWork, effective_due, work_state
from atpace.services.auth import Actor
from atpace.services.courses import CourseGraph, load_graph
from atpace.services.reports import class_heatmap
from atpace.services.today import stuck_by_student
from atpace.store.tables import (
    Assignment,
    AssignmentCheckpoint,
    AssignmentCompletion,
    AssignmentExtension,
    AssignmentRecipient,
    Classroom,
    Enrollment,
    Evidence,
    Feedback,
    RubricCriterion,
    Submission,
    User,
    utcnow,
)

MAX_WEEKS = 26
GROWTH_WEEKS = 4
WEEK = timedelta(days=7)


# --- Mastery growth ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    start: datetime  # Monday 00:00 UTC
    end: datetime  # the next Monday 00:00 UTC (exclusive)


@dataclass(frozen=True)
class StudentGrowth:
    student_id: int
    name: str
    counts: list[int]  # skills mastered at the end of each week of the report
    baseline: int  # skills mastered before the first week (0 unless the series was cut to MAX_WEEKS)

    @property
    def current(self) -> int:
        return self.counts[-1] if self.counts else self.baseline

    @property
    def growth(self) -> int:
        """Skills gained (negative: lost) over the last GROWTH_WEEKS weeks."""
        before = self.counts[-GROWTH_WEEKS - 1] if len(self.counts) > GROWTH_WEEKS else self.baseline
        return self.current - before


@dataclass(frozen=True)
class StuckStudent:
    student_id: int
    name: str
    kind: str
    text: str
    since: datetime | None


@dataclass(frozen=True)
class StuckSkill:
    skill_key: str
    skill_name: str
    students: list[StuckStudent]
    share: float  # of the class's active students

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass(frozen=True)
class ClassReport:
    class_id: int
    class_name: str
    course_title: str
    threshold: float
    skill_count: int
    weeks: list[Week]
    class_mean: list[float]  # mean mastered skills per student, per week
    students: list[StudentGrowth]  # by name
    stuck: list[StuckSkill]  # most stuck students first
    generated_at: datetime

    @property
    def student_count(self) -> int:
        return len(self.students)


def monday_of(moment: datetime) -> datetime:
    """The Monday 00:00 UTC starting the week of ``moment`` (a UTC-aware datetime)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use UTC-aware timestamps")
    day = moment.astimezone(UTC).date()
    start = day - timedelta(days=day.weekday())
    return datetime(start.year, start.month, start.day, tzinfo=UTC)


def report_weeks(first: datetime | None, now: datetime) -> list[Week]:
    """The weeks from the one holding ``first`` (the first evidence) to the current one, at most MAX_WEEKS."""
    if first is None:
        return []
    current = monday_of(now)
    start = max(monday_of(min(first, now)), current - (MAX_WEEKS - 1) * WEEK)
    count = (current - start) // WEEK + 1
    return [Week(start + n * WEEK, start + (n + 1) * WEEK) for n in range(count)]


def carry_forward(
    rows: Iterable[tuple[int, int, int, float]],
    student_ids: Sequence[int],
    week_count: int,
    rule: policy.MasteryRule,
) -> dict[int, tuple[int, list[int]]]:
    """Mastered counts per student and week from (student, skill, week, newest p_after of that week) rows.

    Week -1 holds the state before the first week. Returns {student: (baseline, [count per week])}.
    """
    by_week: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for student_id, skill_id, week, p_after in rows:
        by_week[week].append((student_id, skill_id, p_after))
    mastered: dict[int, set[int]] = {student_id: set() for student_id in student_ids}

    def apply(week: int) -> None:
        for student_id, skill_id, p_after in by_week.get(week, ()):
            skills = mastered.get(student_id)
            if skills is None:
                continue
            if rule.is_mastered(p_after):
                skills.add(skill_id)
            else:
                skills.discard(skill_id)

    apply(-1)
    result: dict[int, tuple[int, list[int]]] = {
        student_id: (len(skills), []) for student_id, skills in mastered.items()
    }
    for week in range(week_count):
        apply(week)
        for student_id, skills in mastered.items():
            result[student_id][1].append(len(skills))
    return result


def _active_students(session: Session, classroom: Classroom) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.class_id == classroom.id, User.is_active.is_(True))
            .order_by(User.display_name, User.id)
        ).all()
    )


def _growth(
    session: Session, students: Sequence[User], graph: CourseGraph, rule: policy.MasteryRule, now: datetime
) -> tuple[list[Week], list[StudentGrowth]]:
    student_ids = [s.id for s in students]
    skill_ids = [skill.id for skill in graph.skills.values()]
    if not student_ids or not skill_ids:
        return [], [StudentGrowth(s.id, s.display_name, [], 0) for s in students]
    scope = (
        Evidence.student_id.in_(student_ids),
        Evidence.skill_id.in_(skill_ids),
        Evidence.created_at <= now,
    )
    first = session.scalar(select(func.min(Evidence.created_at)).where(*scope))
    weeks = report_weeks(first, now)
    if not weeks:
        return [], [StudentGrowth(s.id, s.display_name, [], 0) for s in students]
    # Week index of each row: -1 before the first week, then 0.. (the last week is open-ended up to now).
    week = case(*[(Evidence.created_at < w.start, n - 1) for n, w in enumerate(weeks)], else_=len(weeks) - 1)
    ranked = (
        select(
            Evidence.student_id,
            Evidence.skill_id,
            week.label("week"),
            Evidence.p_after,
            func.row_number()
            .over(
                partition_by=(Evidence.student_id, Evidence.skill_id, week),
                order_by=(Evidence.created_at.desc(), Evidence.id.desc()),
            )
            .label("rank"),
        )
        .where(*scope)
        .subquery()
    )
    rows = [
        (int(student_id), int(skill_id), int(week_index), float(p_after))
        for student_id, skill_id, week_index, p_after in session.execute(
            select(ranked.c.student_id, ranked.c.skill_id, ranked.c.week, ranked.c.p_after).where(
                ranked.c.rank == 1
            )
        )
    ]
    counts = carry_forward(rows, student_ids, len(weeks), rule)
    return weeks, [StudentGrowth(s.id, s.display_name, counts[s.id][1], counts[s.id][0]) for s in students]


def _stuck(session: Session, students: Sequence[User], graph: CourseGraph, now: datetime) -> list[StuckSkill]:
    names = {s.id: s.display_name for s in students}
    by_skill: dict[str, list[StuckStudent]] = defaultdict(list)
    for student_id, reasons in stuck_by_student(session, list(names), graph, now).items():
        if student_id not in names:
            continue
        for key, reason in reasons.items():
            if key in graph.skills:
                by_skill[key].append(
                    StuckStudent(student_id, names[student_id], reason.kind, reason.text, reason.since)
                )
    order = {key: n for n, key in enumerate(graph.skills)}
    total = len(students)
    stuck = [
        StuckSkill(
            key,
            graph.skills[key].name,
            sorted(group, key=lambda s: (s.name.lower(), s.student_id)),
            len(group) / total if total else 0.0,
        )
        for key, group in by_skill.items()
    ]
    stuck.sort(key=lambda s: (-s.count, order[s.skill_key]))
    return stuck


def class_report(session: Session, actor: Actor, class_id: int, now: datetime | None = None) -> ClassReport:
    """Weekly mastery growth of the class and of each active student, and the skills where students are
    stuck (the rule of ``atpace.services.today``). Teachers and co-teachers of the class, and admins."""
    now = now or utcnow()
    if now.tzinfo is None:
        raise InvalidInput("now", "give a UTC-aware time")
    classroom = get_class(session, actor, class_id)
    course = class_course(classroom)
    graph = load_graph(session, course)
    rule = policy.MasteryRule(course.mastery_threshold)
    students = _active_students(session, classroom)
    weeks, growth = _growth(session, students, graph, rule, now)
    class_mean = [
        sum(g.counts[n] for g in growth) / len(growth) if growth else 0.0 for n in range(len(weeks))
    ]
    return ClassReport(
        class_id=classroom.id,
        class_name=classroom.name,
        course_title=course.title,
        threshold=rule.threshold,
        skill_count=len(graph.skills),
        weeks=weeks,
        class_mean=class_mean,
        students=growth,
        stuck=_stuck(session, students, graph, now),
        generated_at=now,
    )


# --- CSV exports ------------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvExport:
    filename: str  # safe: ASCII letters, digits, dots and hyphens only
    text: str  # UTF-8 text with a byte order mark (spreadsheets then read accents right) and a header row

    @property
    def content(self) -> bytes:
        return self.text.encode("utf-8")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return "\ufeff" + out.getvalue()


def export_filename(class_name: str, class_id: int, what: str, now: datetime) -> str:
    """``<class name as ASCII words>-<what>-<YYYY-MM-DD>.csv``; never a path, a quote or a control character."""
    ascii_name = unicodedata.normalize("NFKD", class_name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return f"{slug or f'class-{class_id}'}-{what}-{now.astimezone(UTC):%Y-%m-%d}.csv"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def heatmap_csv(session: Session, actor: Actor, class_id: int, now: datetime | None = None) -> CsvExport:
    """One row per active student: id, name, mastered count, average, then for each skill (course order)
    P(learned) rounded to 2 decimals (empty: never practised) and the skill's state on the student's map."""
    now = now or utcnow()
    heatmap = class_heatmap(session, actor, class_id, "name")
    header = ["student_id", "student", "mastered", "average"]
    for key, _name in heatmap.skills:
        header += [key, f"{key} state"]
    rows = []
    for row in heatmap.rows:
        cells: list[object] = [row.student_id, row.student_name, row.mastered_count, f"{row.average:.2f}"]
        for key, _name in heatmap.skills:
            p = row.mastery[key]
            cells += ["" if p is None else f"{p:.2f}", row.states[key]]
        rows.append(cells)
    _audit_export(session, actor, "export.heatmap", heatmap.class_id, len(rows))
    return CsvExport(
        export_filename(heatmap.class_name, heatmap.class_id, "heatmap", now), _csv(header, rows)
    )


def _audit_export(session: Session, actor: Actor, action: str, class_id: int, rows: int) -> None:
    audit.record(
        session, school_id=actor.school_id, actor_id=actor.user_id, action=action,
        subject=("class", class_id), detail={"rows": rows},
    )  # fmt: skip


GRADES_HEADER = (
    "student_id", "student", "assignment_id", "assignment", "kind", "step", "step_title", "due",
    "effective_due", "submitted_at", "late", "version", "status", "points_earned", "points_possible",
    "feedback",
)  # fmt: skip


def _points(criteria: Sequence[RubricCriterion]) -> float:
    return sum(max((float(level.get("points", 0)) for level in c.levels), default=0.0) for c in criteria)


def _earned(scores: Sequence[Any], criteria: dict[int, RubricCriterion]) -> float:
    total = 0.0
    for score in scores:
        if not isinstance(score, dict):
            continue
        criterion_id, level = score.get("criterion_id"), score.get("level")
        criterion = criteria.get(criterion_id) if isinstance(criterion_id, int) else None
        if criterion is not None and isinstance(level, int) and 0 <= level < len(criterion.levels):
            total += float(criterion.levels[level].get("points", 0))
    return total


def grades_csv(session: Session, actor: Actor, class_id: int, now: datetime | None = None) -> CsvExport:
    """One row per student x assignment (a project also gets one row per checkpoint): the dates, the newest
    version submitted, whether it was late, where the work stands, rubric points and the feedback decision.
    Archived assignments and deactivated students are left out."""
    now = now or utcnow()
    classroom = get_class(session, actor, class_id)
    students = _active_students(session, classroom)
    names = {s.id: s.display_name for s in students}
    assignments = session.scalars(
        select(Assignment)
        .where(Assignment.class_id == classroom.id, Assignment.archived_at.is_(None))
        .order_by(Assignment.due_at.is_(None), Assignment.due_at, Assignment.open_at, Assignment.id)
    ).all()
    ids = [a.id for a in assignments]
    recipients: dict[int, set[int]] = defaultdict(set)
    for assignment_id, student_id in session.execute(
        select(AssignmentRecipient.assignment_id, AssignmentRecipient.student_id).where(
            AssignmentRecipient.assignment_id.in_(ids)
        )
    ):
        recipients[assignment_id].add(student_id)
    extensions = {
        (e.assignment_id, e.student_id): e.due_at
        for e in session.scalars(
            select(AssignmentExtension).where(AssignmentExtension.assignment_id.in_(ids))
        )
    }
    checkpoints: dict[int, list[AssignmentCheckpoint]] = defaultdict(list)
    for checkpoint in session.scalars(
        select(AssignmentCheckpoint)
        .where(AssignmentCheckpoint.assignment_id.in_(ids))
        .order_by(AssignmentCheckpoint.position)
    ):
        checkpoints[checkpoint.assignment_id].append(checkpoint)
    completions = {
        (c.assignment_id, c.student_id): c.completed_at
        for c in session.scalars(
            select(AssignmentCompletion).where(AssignmentCompletion.assignment_id.in_(ids))
        )
    }
    newest_version = (
        select(
            Submission.assignment_id,
            Submission.student_id,
            Submission.step,
            func.max(Submission.version).label("version"),
        )
        .where(Submission.assignment_id.in_(ids))
        .group_by(Submission.assignment_id, Submission.student_id, Submission.step)
        .subquery()
    )
    latest: dict[tuple[int, int, int], tuple[Submission, Feedback | None]] = {
        (sub.assignment_id, sub.student_id, sub.step): (sub, feedback)
        for sub, feedback in session.execute(
            select(Submission, Feedback)
            .join(
                newest_version,
                (newest_version.c.assignment_id == Submission.assignment_id)
                & (newest_version.c.student_id == Submission.student_id)
                & (newest_version.c.step == Submission.step)
                & (newest_version.c.version == Submission.version),
            )
            .outerjoin(Feedback, Feedback.submission_id == Submission.id)
        )
    }
    rubric_ids = {a.rubric_id for a in assignments if a.rubric_id is not None}
    criteria: dict[int, list[RubricCriterion]] = defaultdict(list)
    for criterion in session.scalars(
        select(RubricCriterion)
        .where(RubricCriterion.rubric_id.in_(rubric_ids))
        .order_by(RubricCriterion.rubric_id, RubricCriterion.position)
    ):
        criteria[criterion.rubric_id].append(criterion)

    rows: list[list[object]] = []
    for student in students:
        for assignment in assignments:
            if assignment.target != "class" and student.id not in recipients[assignment.id]:
                continue
            rubric = criteria.get(assignment.rubric_id or 0, [])
            by_id = {c.id: c for c in rubric}
            possible = _number(_points(rubric)) if assignment.rubric_id is not None else ""
            extended = extensions.get((assignment.id, student.id))
            steps: list[tuple[int, str, datetime | None, datetime | None]] = [
                (0, "", assignment.due_at, effective_due(assignment.due_at, extended))
            ]
            steps += [(c.position, c.title, c.due_at, c.due_at) for c in checkpoints[assignment.id]]
            for step, step_title, due, own_due in steps:
                found = latest.get((assignment.id, student.id, step))
                completed_at = completions.get((assignment.id, student.id)) if step == 0 else None
                submitted_at: datetime | None = None
                late: bool | None = None
                version: int | str = ""
                earned = decision = ""
                if found is not None:
                    submission, feedback = found
                    submitted_at, late, version = submission.submitted_at, submission.late, submission.version
                    if feedback is not None:
                        decision = feedback.decision
                        if assignment.rubric_id is not None:
                            earned = _number(_earned(feedback.scores, by_id))
                elif completed_at is not None:
                    submitted_at, late = completed_at, own_due is not None and completed_at > own_due
                state = work_state(
                    now,
                    assignment.open_at,
                    own_due,
                    LatestWork(found[0].status, found[0].late) if found is not None else None,
                    completed=completed_at is not None,
                )
                rows.append(
                    [
                        student.id, names[student.id], assignment.id, assignment.title, assignment.kind,
                        step, step_title, due, own_due, submitted_at, late, version, state, earned, possible,
                        decision,
                    ]
                )  # fmt: skip
    _audit_export(session, actor, "export.grades", classroom.id, len(rows))
    return CsvExport(export_filename(classroom.name, classroom.id, "grades", now), _csv(GRADES_HEADER, rows))

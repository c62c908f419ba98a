"""The teacher's "Today" page of a class: who needs me now, and why (docs/teacher.md, docs/policy.md).

Each line names a student, the reasons in the teacher's words and the actions that fit. The decisions
(stuck, inactive, ready for a mastery check) come from :class:`atpace.engine.policy.AttentionRule`; this
module loads their inputs in a fixed number of queries, whatever the size of the class:

- the newest answers per (student, skill) of the last 14 days, with the student's mastery, in ONE query
  (PostgreSQL: a LATERAL join over the (student, skill, time) index, ten index entries per pair practised
  lately; SQLite: a window function over the horizon's answers);
- the class's learner states, once: each student's last practice and the suggested groups' input;
- the class's work (atpace.services.assignments.status) and the suggested groups (atpace.services.groups).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import quote

from sqlalchemy import Select, func, select, true
from sqlalchemy.orm import Session

from atpace.engine import policy
from atpace.engine.policy import AnswerRecord, AttentionRule, StuckReason
from atpace.errors import InvalidInput
from atpace.services import limits, messages
from atpace.services.access import class_course, get_class, get_class_student
from atpace.services.assignments.dates import waits_for_student
from atpace.services.assignments.status import WorkLine, class_work
from atpace.services.auth import Actor
from atpace.services.courses import CourseGraph, load_graph
from atpace.services.groups import ClassState, class_state, suggest_for_class
from atpace.store.tables import Attempt, Classroom, Enrollment, LearnerState, Message, User, utcnow

__all__ = [
    "Action",
    "AttentionRule",
    "GroupLine",
    "Reason",
    "StuckReason",
    "Today",
    "TodayLine",
    "TodaySection",
    "class_today",
    "comment_student",
    "stuck_by_student",
]

ActionKind = Literal["link", "comment"]
ReasonKind = Literal["stuck", "grade", "work", "inactive", "check"]

# Sections from the most urgent down. A student who needs the teacher for several reasons appears once,
# in the section of their most urgent reason, with the other reasons on the same line. "grade" is the
# teacher's own queue (submissions to give feedback on), listed per student apart from the rest.
SECTION_ORDER: tuple[ReasonKind, ...] = ("stuck", "grade", "work", "inactive", "check")
SECTION_TITLES: dict[ReasonKind, str] = {
    "stuck": "Stuck",
    "grade": "Waiting for your feedback",
    "work": "Work waiting for the student",
    "inactive": "Not practising",
    "check": "Ready for a mastery check",
}
SECTION_HINTS: dict[ReasonKind, str] = {
    "stuck": "Several wrong answers in a row, or many answers without mastery moving, on a skill not yet "
    "mastered (last 14 days). Sit with them, or pull students stuck on the same skill into a group.",
    "grade": "Submitted work that has no feedback yet.",
    "work": "Overdue work, or work you returned for revision that the student has not resubmitted.",
    "inactive": "No practice answer for some days, or none yet. A short comment often brings them back.",
    "check": "Close to mastery with a run of right answers: a quick check may confirm it.",
}
STUDENT_PRIORITY: tuple[ReasonKind, ...] = ("stuck", "work", "inactive", "check")
GROUP_LINKS_MAX = 3  # "form a group" links per stuck student: one per skill, the newest first


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    kind: ActionKind = "link"  # "comment": a small form that posts a comment to the student (url)


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    text: str  # a sentence in the teacher's words, naming the skill or the work
    skill_key: str | None = None
    assignment_id: int | None = None


@dataclass(frozen=True)
class TodayLine:
    student_id: int
    student_name: str
    reasons: tuple[Reason, ...]  # the most urgent first
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class TodaySection:
    key: ReasonKind
    title: str
    hint: str
    lines: tuple[TodayLine, ...]


@dataclass(frozen=True)
class GroupLine:
    """A group the data suggests, with the link that forms it."""

    name: str
    kind: str
    skill_key: str
    skill_name: str
    student_ids: tuple[int, ...]
    student_names: tuple[str, ...]
    activity: str
    action: Action


@dataclass(frozen=True)
class Today:
    class_id: int
    class_name: str
    course_title: str
    at: datetime
    student_count: int
    sections: tuple[TodaySection, ...]  # only those with lines, most urgent first
    groups: tuple[GroupLine, ...]
    rule: AttentionRule = field(default_factory=AttentionRule)

    @property
    def line_count(self) -> int:
        return sum(len(s.lines) for s in self.sections)


# --- recent answers and the stuck rule -------------------------------------------------------------------


@dataclass(frozen=True)
class SkillAnswers:
    """A student's newest answers on one skill (oldest first) and their current mastery."""

    answers: tuple[AnswerRecord, ...]
    p_learned: float | None


def recent_answers(
    session: Session, student_ids: Sequence[int], graph: CourseGraph, now: datetime, rule: AttentionRule
) -> dict[int, dict[str, SkillAnswers]]:
    """The newest ``rule.answers_needed()`` answers per (student, skill) within the rule's horizon, with the
    student's mastery, in one query whose cost follows the answers it returns, not the class's history."""
    skill_keys = {skill.id: key for key, skill in graph.skills.items()}
    if not student_ids or not skill_keys:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        query = _recent_by_lateral(student_ids, list(skill_keys), now, rule)
    else:
        query = _recent_by_window(student_ids, list(skill_keys), now, rule)
    answers: dict[tuple[int, int], list[AnswerRecord]] = defaultdict(list)
    mastery: dict[tuple[int, int], float | None] = {}
    for student_id, skill_id, correct, before, after, at, p_learned in session.execute(query):
        answers[student_id, skill_id].append(AnswerRecord(bool(correct), before, after, at))
        mastery[student_id, skill_id] = p_learned
    result: dict[int, dict[str, SkillAnswers]] = defaultdict(dict)
    for (student_id, skill_id), records in answers.items():
        result[student_id][skill_keys[skill_id]] = SkillAnswers(tuple(records), mastery[student_id, skill_id])
    return dict(result)


def _recent_by_lateral(
    student_ids: Sequence[int], skill_ids: Sequence[int], now: datetime, rule: AttentionRule
) -> Select[int, int, bool, float, float, datetime, float | None]:
    """PostgreSQL: the (student, skill) pairs practised within the horizon (their learner state's last
    answer says so), and for each its newest answers read backwards from the (student, skill, time) index,
    so a class with a year of answers costs what a class with a week does."""
    since = rule.since(now)
    newest = (
        select(Attempt.correct, Attempt.mastery_before, Attempt.mastery_after, Attempt.created_at, Attempt.id)
        .where(
            Attempt.student_id == LearnerState.student_id,
            Attempt.skill_id == LearnerState.skill_id,
            Attempt.created_at >= since,
            Attempt.created_at <= now,
        )
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(rule.answers_needed())
        .lateral("newest")
    )
    return (
        select(
            LearnerState.student_id,
            LearnerState.skill_id,
            newest.c.correct,
            newest.c.mastery_before,
            newest.c.mastery_after,
            newest.c.created_at,
            LearnerState.p_learned,
        )
        .select_from(LearnerState)
        .join(newest, true())
        .where(
            LearnerState.student_id.in_(student_ids),
            LearnerState.skill_id.in_(skill_ids),
            LearnerState.last_attempt_at >= since,
        )
        .order_by(LearnerState.student_id, LearnerState.skill_id, newest.c.created_at, newest.c.id)
    )


def _recent_by_window(
    student_ids: Sequence[int], skill_ids: Sequence[int], now: datetime, rule: AttentionRule
) -> Select[int, int, bool, float, float, datetime, float | None]:
    """SQLite (no LATERAL): rank the horizon's answers per (student, skill) with a window function; the
    (student, time) index bounds the rows read."""
    ranked = (
        select(
            Attempt.student_id,
            Attempt.skill_id,
            Attempt.correct,
            Attempt.mastery_before,
            Attempt.mastery_after,
            Attempt.created_at,
            func.row_number()
            .over(
                partition_by=(Attempt.student_id, Attempt.skill_id),
                order_by=(Attempt.created_at.desc(), Attempt.id.desc()),
            )
            .label("rank"),
        )
        .where(
            Attempt.student_id.in_(student_ids),
            Attempt.created_at >= rule.since(now),
            Attempt.created_at <= now,
            Attempt.skill_id.in_(skill_ids),
        )
        .subquery()
    )
    return (
        select(
            ranked.c.student_id,
            ranked.c.skill_id,
            ranked.c.correct,
            ranked.c.mastery_before,
            ranked.c.mastery_after,
            ranked.c.created_at,
            LearnerState.p_learned,
        )
        .outerjoin(
            LearnerState,
            (LearnerState.student_id == ranked.c.student_id) & (LearnerState.skill_id == ranked.c.skill_id),
        )
        .where(ranked.c.rank <= rule.answers_needed())
        .order_by(ranked.c.student_id, ranked.c.skill_id, ranked.c.rank.desc())  # oldest first
    )


def stuck_by_student(
    session: Session,
    student_ids: Sequence[int],
    graph: CourseGraph,
    now: datetime,
    rule: AttentionRule = AttentionRule(),  # frozen, so one shared default is safe
) -> dict[int, dict[str, StuckReason]]:
    """Student id -> skill key -> why they are stuck on it (one query; students stuck nowhere are left out)."""
    return _stuck(recent_answers(session, student_ids, graph, now, rule), graph, now, rule)


def _stuck(
    recent: dict[int, dict[str, SkillAnswers]], graph: CourseGraph, now: datetime, rule: AttentionRule
) -> dict[int, dict[str, StuckReason]]:
    mastery = policy.MasteryRule(graph.course.mastery_threshold)
    result: dict[int, dict[str, StuckReason]] = {}
    for student_id, skills in recent.items():
        stuck = {}
        for key in graph.skills:  # course order, so the page lists skills as the course does
            if key not in skills:
                continue
            seen = skills[key]
            mastered = seen.p_learned is not None and mastery.is_mastered(seen.p_learned)
            reason = rule.stuck(seen.answers, mastered, now)
            if reason is not None:
                stuck[key] = reason
        if stuck:
            result[student_id] = stuck
    return result


def _ready_for_check(
    recent: dict[int, dict[str, SkillAnswers]], graph: CourseGraph, rule: AttentionRule
) -> dict[int, dict[str, policy.CheckReadiness]]:
    threshold = graph.course.mastery_threshold
    result: dict[int, dict[str, policy.CheckReadiness]] = {}
    for student_id, skills in recent.items():
        ready = {}
        for key in graph.skills:
            seen = skills.get(key)
            if seen is None or seen.p_learned is None:
                continue
            readiness = rule.ready_for_check(seen.answers, seen.p_learned, threshold)
            if readiness is not None:
                ready[key] = readiness
        if ready:
            result[student_id] = ready
    return result


# --- the Today page ------------------------------------------------------------------------------------------


@dataclass
class _Pending:
    """What is known about one student while the page is assembled."""

    name: str
    reasons: dict[ReasonKind, list[Reason]] = field(default_factory=lambda: defaultdict(list))
    actions: list[Action] = field(default_factory=list)

    def add(self, reason: Reason, *actions: Action) -> None:
        self.reasons[reason.kind].append(reason)
        for action in actions:
            if all(a.url != action.url or a.kind != action.kind for a in self.actions):
                self.actions.append(action)


def class_today(session: Session, actor: Actor, class_id: int, now: datetime | None = None) -> Today:
    """Who needs the teacher now in this class, each with reasons and the actions that fit."""
    classroom = get_class(session, actor, class_id)
    course = class_course(classroom)
    graph = load_graph(session, course)
    moment = now or utcnow()
    if moment.tzinfo is None:
        raise ValueError("class_today needs a timezone-aware time")
    rule = AttentionRule()
    students = _class_students(session, classroom.id)
    # One read of the class's learner states serves the groups and each student's last practice.
    state = class_state(session, classroom, students=students, with_last_practice=True)
    names = {s.id: s.display_name for s in students}
    ids = list(names)
    recent = recent_answers(session, ids, graph, moment, rule)
    pending = {student_id: _Pending(name) for student_id, name in names.items()}
    links = _Links(classroom.id)
    _add_stuck(pending, _stuck(recent, graph, moment, rule), graph, links)
    _add_inactive(pending, state.last_practice, moment, rule, links)
    _add_ready(pending, _ready_for_check(recent, graph, rule), graph, links)
    grading = _add_work(pending, class_work(session, classroom.id, moment, students=students), links)
    return Today(
        class_id=classroom.id,
        class_name=classroom.name,
        course_title=course.title,
        at=moment,
        student_count=len(students),
        sections=_sections(pending, grading, names),
        groups=_groups(session, classroom, state, links),
        rule=rule,
    )


def _class_students(session: Session, class_id: int) -> Sequence[User]:
    return session.scalars(
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.class_id == class_id, User.is_active.is_(True))  # deactivated: not on Today
        .order_by(User.display_name)
    ).all()


@dataclass(frozen=True)
class _Links:
    class_id: int

    def student(self, student_id: int, name: str) -> Action:
        return Action(f"Open {name}", f"/classes/{self.class_id}/students/{student_id}")

    def group(self, skill_key: str, skill_name: str) -> Action:
        url = f"/classes/{self.class_id}/groups?skills={quote(skill_key, safe='')}"
        return Action(f"Form a group on {skill_name}", url)

    def groups(self) -> str:
        return f"/classes/{self.class_id}/groups"

    def assign(self, student_id: int, skill_key: str, skill_name: str) -> Action:
        """The assignment form, filled in with practice on this skill for this student."""
        url = (
            f"/classes/{self.class_id}/assignments?student={student_id}&skill={quote(skill_key, safe='')}#new"
        )
        return Action(f"Assign practice on {skill_name}", url)

    def comment(self, student_id: int) -> Action:
        return Action("Send a comment", f"/classes/{self.class_id}/students/{student_id}/comment", "comment")

    @staticmethod
    def grade(assignment_id: int, student_id: int, title: str) -> Action:
        return Action(f"Give feedback on {title}", f"/assignments/{assignment_id}/grade?student={student_id}")


def _add_stuck(
    pending: dict[int, _Pending],
    stuck: dict[int, dict[str, StuckReason]],
    graph: CourseGraph,
    links: _Links,
) -> None:
    for student_id, skills in stuck.items():
        person = pending[student_id]
        # The skills where the student got stuck most recently come first: the freshest need.
        newest_first = sorted(skills.items(), key=lambda item: item[1].since, reverse=True)
        for position, (key, reason) in enumerate(newest_first):
            name = graph.skills[key].name
            actions = [links.student(student_id, person.name)]
            if position < GROUP_LINKS_MAX:
                actions.append(links.group(key, name))
                actions.append(links.assign(student_id, key, name))
            person.add(Reason("stuck", f"Stuck on {name}: {reason.text}", skill_key=key), *actions)


def _add_inactive(
    pending: dict[int, _Pending],
    last: dict[int, datetime],
    now: datetime,
    rule: AttentionRule,
    links: _Links,
) -> None:
    for student_id, person in pending.items():
        days = rule.inactive_for(last.get(student_id), now)
        if days is None:
            continue
        text = "Has not practised yet" if days < 0 else f"No practice for {days} days"
        person.add(
            Reason("inactive", text), links.student(student_id, person.name), links.comment(student_id)
        )


def _add_ready(
    pending: dict[int, _Pending],
    ready: dict[int, dict[str, policy.CheckReadiness]],
    graph: CourseGraph,
    links: _Links,
) -> None:
    for student_id, skills in ready.items():
        person = pending[student_id]
        for key, readiness in skills.items():
            text = f"Ready for a mastery check on {graph.skills[key].name}: {readiness.text}"
            person.add(Reason("check", text, skill_key=key), links.student(student_id, person.name))


def _add_work(
    pending: dict[int, _Pending], work: Iterable[WorkLine], links: _Links
) -> dict[int, list[tuple[Reason, Action]]]:
    """Work waiting for a student goes on their line; work waiting for the teacher is returned apart."""
    grading: dict[int, list[tuple[Reason, Action]]] = defaultdict(list)
    for line in work:
        person = pending.get(line.student_id)
        if person is None:  # a student who left the class or was deactivated
            continue
        if line.waiting_for_teacher and line.submission_id is not None:
            late = " (late)" if line.late else ""
            reason = Reason(
                "grade", f"{line.assignment_title}: submitted{late}", assignment_id=line.assignment_id
            )
            grading[line.student_id].append(
                (reason, links.grade(line.assignment_id, line.student_id, line.assignment_title))
            )
        elif waits_for_student(line.state):
            text = f"{line.assignment_title}: {_work_text(line)}"
            person.add(
                Reason("work", text, assignment_id=line.assignment_id),
                links.student(line.student_id, person.name),
                links.comment(line.student_id),
            )
    return grading


def _work_text(line: WorkLine) -> str:
    if line.state == "returned":
        return "returned for revision, not resubmitted yet"
    due = f", was due {line.due:%a %d %b}" if line.due is not None else ""
    return f"overdue{due}"


def _sections(
    pending: dict[int, _Pending], grading: dict[int, list[tuple[Reason, Action]]], names: dict[int, str]
) -> tuple[TodaySection, ...]:
    lines: dict[ReasonKind, list[TodayLine]] = defaultdict(list)
    for student_id, person in pending.items():  # in name order
        kinds = [kind for kind in STUDENT_PRIORITY if person.reasons.get(kind)]
        if not kinds:
            continue
        reasons = tuple(r for kind in kinds for r in person.reasons[kind])
        lines[kinds[0]].append(TodayLine(student_id, person.name, reasons, tuple(person.actions)))
    for student_id in names:  # the teacher's queue, in name order too
        if grading.get(student_id):
            entries = grading[student_id]
            lines["grade"].append(
                TodayLine(
                    student_id,
                    names[student_id],
                    tuple(reason for reason, _ in entries),
                    tuple(action for _, action in entries),
                )
            )
    return tuple(
        TodaySection(kind, SECTION_TITLES[kind], SECTION_HINTS[kind], tuple(lines[kind]))
        for kind in SECTION_ORDER
        if lines.get(kind)
    )


def _groups(
    session: Session, classroom: Classroom, state: ClassState, links: _Links
) -> tuple[GroupLine, ...]:
    """The groups atpace suggests on the skills the class is working on now. The groups page suggests the
    same ones by default, so "Form this group" opens it to edit and save them."""
    suggestion = suggest_for_class(session, classroom, state=state)
    return tuple(
        GroupLine(
            name=group.name,
            kind=group.kind,
            skill_key=group.skill_key,
            skill_name=group.skill_name,
            student_ids=tuple(group.student_ids),
            student_names=tuple(group.student_names),
            activity=group.activity.text,
            action=Action("Form this group", links.groups()),
        )
        for group in suggestion.groups
    )


# --- a comment to a student ---------------------------------------------------------------------------------


def comment_student(session: Session, actor: Actor, class_id: int, student_id: int, text: str) -> Message:
    """A teacher's comment to a student of the class; it reaches the student in Messages."""
    classroom, student = get_class_student(session, actor, class_id, student_id)
    body = text.strip()
    if not body:
        raise InvalidInput("text", "write a comment first")
    if len(body) > limits.COMMENT_MAX:
        raise InvalidInput("text", f"a comment is at most {limits.COMMENT_MAX} characters")
    message = messages.notify(
        session,
        school_id=classroom.school_id,
        recipient_id=student.id,
        author_id=actor.user_id,
        kind="comment",
        subject=f"A comment from {actor.display_name}",
        body=body,
        link="/learn",
    )
    session.flush()
    return message

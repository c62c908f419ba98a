"""Grading: a teacher's feedback on a submission, with the assignment's rubric, and what it does to mastery.

- Who: the teachers and co-teachers of the assignment's class, and the school's admins (another school's
  submission is missing, 404).
- What: feedback goes on the newest version of a student's work (per assignment and project step), once;
  a second save, or a save on an older version, is a 409 that says why. The submission row is locked
  (``FOR UPDATE``) first, so of two teachers saving at once one wins and the other is told.
- "graded" needs a level on every criterion of the rubric; "returned" (for revision) needs something to
  revise by (a comment, overall or on a criterion) and lets the student submit a new version.
- Evidence: each level given on a criterion aligned to a skill of the class's course is evidence of kind
  "rubric" for that skill, recorded through the one path (``atpace.services.evidence``): the level's
  credit (0 for the lowest, 1 for the highest, evenly spaced) moves P(learned) by the engine's rule.
  :func:`preview_feedback` computes the same numbers without writing, for the page to show first.
- The student is told in the app (messages, kind "feedback" or "returned").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.engine import policy
from atpace.engine.evidence import level_credit, observe_credit
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services import audit, limits, messages, xapi
from atpace.services.access import get_class
from atpace.services.auth import Actor
from atpace.services.courses import CourseGraph, load_graph
from atpace.services.evidence import Ledger, Observation, lock_student
from atpace.services.lti import grades as lti_grades
from atpace.services.progress import load_overrides, load_parameters
from atpace.services.rubrics import RubricView, rubric_view
from atpace.store.tables import (
    Assignment,
    AssignmentCheckpoint,
    Classroom,
    Feedback,
    Rubric,
    RubricCriterion,
    Skill,
    StoredFile,
    Submission,
    SubmissionFile,
    User,
    utcnow,
)

DECISIONS = ("graded", "returned")
DECISION_LABELS = {"graded": "Feedback given", "returned": "Returned for revision"}


class ScoreInput(NamedTuple):
    """A level (index into the criterion's levels, 0 = lowest; None: no level) and a comment."""

    criterion_id: int
    level: int | None
    comment: str = ""


# Feedback as the student and the teacher read it


@dataclass(frozen=True)
class CriterionFeedback:
    title: str
    level_title: str | None  # None: no level given (returned for revision without one)
    level_description: str
    points: float | None
    max_points: float
    comment: str
    skill_name: str | None
    level: int | None = None
    level_count: int = 0


@dataclass(frozen=True)
class FeedbackView:
    submission_id: int
    decision: str
    comment: str
    teacher_name: str
    created_at: datetime
    criteria: tuple[CriterionFeedback, ...]

    @property
    def decision_label(self) -> str:
        return DECISION_LABELS.get(self.decision, self.decision)

    @property
    def points(self) -> float | None:
        given = [c.points for c in self.criteria if c.points is not None]
        return sum(given) if given else None

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.criteria)


def feedback_views(session: Session, submission_ids: Sequence[int]) -> dict[int, FeedbackView]:
    """The feedback on these submissions, by submission id (no access check: the caller has checked)."""
    if not submission_ids:
        return {}
    rows = session.execute(
        select(Feedback, User.display_name)
        .outerjoin(User, User.id == Feedback.teacher_id)
        .where(Feedback.submission_id.in_(list(submission_ids)))
    ).all()
    criterion_ids = {int(s["criterion_id"]) for feedback, _ in rows for s in feedback.scores}
    criteria = {
        c.id: c for c in session.scalars(select(RubricCriterion).where(RubricCriterion.id.in_(criterion_ids)))
    }
    skill_ids = {c.skill_id for c in criteria.values() if c.skill_id is not None}
    skill_names = dict(session.execute(select(Skill.id, Skill.name).where(Skill.id.in_(skill_ids))).all())
    views: dict[int, FeedbackView] = {}
    for feedback, teacher in rows:
        views[feedback.submission_id] = FeedbackView(
            feedback.submission_id, feedback.decision, feedback.comment, teacher or "",
            feedback.created_at, criterion_lines(feedback.scores, criteria, skill_names),
        )  # fmt: skip
    return views


def criterion_lines(
    scores: Sequence[Mapping[str, Any]], criteria: Mapping[int, RubricCriterion], skill_names: Mapping[int, str]
) -> tuple[CriterionFeedback, ...]:
    """Stored rubric scores as the lines the feedback view shows, in the rubric's criterion order (a score
    whose criterion is gone is left out: a rubric is frozen once used)."""
    lines: list[tuple[tuple[int, int], CriterionFeedback]] = []
    for score in scores:
        criterion = criteria.get(int(score["criterion_id"]))
        if criterion is None:
            continue
        levels = criterion.levels
        level = score.get("level")
        chosen = levels[level] if isinstance(level, int) and 0 <= level < len(levels) else None
        lines.append(
            (
                (criterion.position, criterion.id),
                CriterionFeedback(
                    title=criterion.title,
                    level_title=str(chosen["title"]) if chosen else None,
                    level_description=str(chosen.get("description", "")) if chosen else "",
                    points=float(chosen.get("points", 0)) if chosen else None,
                    max_points=max((float(lv.get("points", 0)) for lv in levels), default=0.0),
                    comment=str(score.get("comment", "")),
                    skill_name=skill_names.get(criterion.skill_id) if criterion.skill_id else None,
                    level=level if chosen else None,
                    level_count=len(levels),
                ),
            )
        )
    return tuple(line for _, line in sorted(lines, key=lambda pair: pair[0]))


# The mastery effect (preview and save compute it the same way)


@dataclass(frozen=True)
class SkillEffect:
    skill_key: str
    skill_name: str
    criteria: tuple[str, ...]  # titles of the criteria that bear on it
    before: float
    after: float
    threshold: float

    @property
    def mastered_before(self) -> bool:
        return policy.MasteryRule(self.threshold).is_mastered(self.before)

    @property
    def mastered_after(self) -> bool:
        return policy.MasteryRule(self.threshold).is_mastered(self.after)

    @property
    def mastered_now(self) -> bool:
        return self.mastered_after and not self.mastered_before

    @property
    def mastery_lost(self) -> bool:
        return self.mastered_before and not self.mastered_after

    @property
    def label(self) -> str:
        return f"{self.skill_name}: {round(100 * self.before)}% → {round(100 * self.after)}%"


@dataclass(frozen=True)
class MasteryPreview:
    skills: tuple[SkillEffect, ...]
    not_counted: tuple[str, ...]  # why an aligned criterion is no evidence here (another course, no course)


@dataclass(frozen=True)
class _Aligned:
    criterion: RubricCriterion
    skill_key: str
    credit: float


@dataclass
class _Context:
    """A submission with what grading it needs, access checked."""

    submission: Submission
    assignment: Assignment
    classroom: Classroom
    student: User
    criteria: list[RubricCriterion]


def _context(session: Session, actor: Actor, submission_id: int, *, lock: bool = False) -> _Context:
    submission = session.get(Submission, submission_id)
    if submission is None or submission.school_id != actor.school_id:
        raise NotFound(f"submission {submission_id} not found")
    assignment = session.get(Assignment, submission.assignment_id)
    if assignment is None:
        raise NotFound(f"submission {submission_id} not found")
    classroom = get_class(session, actor, assignment.class_id)
    if lock:
        # Two teachers saving at once: the second waits here and then finds the first one's feedback.
        locked = session.scalar(
            select(Submission)
            .where(Submission.id == submission_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert locked is not None
        submission = locked
    student = session.get(User, submission.student_id)
    if student is None:
        raise NotFound(f"submission {submission_id} not found")
    return _Context(submission, assignment, classroom, student, _criteria(session, assignment))


def _criteria(session: Session, assignment: Assignment) -> list[RubricCriterion]:
    if assignment.rubric_id is None:
        return []
    return list(
        session.scalars(
            select(RubricCriterion)
            .where(RubricCriterion.rubric_id == assignment.rubric_id)
            .order_by(RubricCriterion.position, RubricCriterion.id)
        )
    )


def _checked_scores(
    criteria: list[RubricCriterion],
    scores: Sequence[ScoreInput | tuple[int, int | None, str]],
    *,
    every: bool,
) -> dict[int, ScoreInput]:
    """The scores by criterion id, each checked; ``every``: each criterion needs a level."""
    by_id = {c.id: c for c in criteria}
    if scores and not criteria:
        raise InvalidInput("scores", "this assignment has no rubric: give an overall comment only")
    checked: dict[int, ScoreInput] = {}
    for raw in scores:
        score = ScoreInput(*raw)
        criterion = by_id.get(score.criterion_id)
        if criterion is None:
            raise InvalidInput(
                "scores", f"criterion {score.criterion_id} is not part of this assignment's rubric"
            )
        if score.criterion_id in checked:
            raise InvalidInput(f"scores.{criterion.id}", f"“{criterion.title}” is scored twice")
        count = len(criterion.levels)
        if score.level is not None and not 0 <= score.level < count:
            raise InvalidInput(
                f"scores.{criterion.id}", f"“{criterion.title}” has levels 0 to {count - 1} (0 is the lowest)"
            )
        comment = score.comment.strip()
        if len(comment) > limits.COMMENT_MAX:
            raise InvalidInput(
                f"scores.{criterion.id}.comment",
                f"the comment on “{criterion.title}” is too long ({limits.COMMENT_MAX} characters at most)",
            )
        checked[criterion.id] = ScoreInput(criterion.id, score.level, comment)
    if every:
        for criterion in criteria:
            if checked.get(criterion.id, ScoreInput(criterion.id, None)).level is None:
                raise InvalidInput(
                    f"scores.{criterion.id}",
                    f"choose a level for “{criterion.title}”: feedback is saved as graded only with a level "
                    "on every criterion (or return the work for revision)",
                )
    return checked


def _aligned(
    session: Session, context: _Context, scores: dict[int, ScoreInput]
) -> tuple[CourseGraph | None, list[_Aligned], list[str]]:
    """The levels that are evidence: on criteria aligned to a skill of the class's course."""
    wanted = [
        c for c in context.criteria if c.skill_id is not None and scores.get(c.id, (0, None))[1] is not None
    ]
    if not wanted:
        return None, [], []
    course = context.classroom.course
    if course is None:
        return None, [], [f"{c.title}: {context.classroom.name} has no course yet" for c in wanted]
    graph = load_graph(session, course)
    by_id = graph.skill_by_id()
    aligned: list[_Aligned] = []
    not_counted: list[str] = []
    for criterion in wanted:
        skill = by_id.get(criterion.skill_id or 0)
        if skill is None:
            not_counted.append(f"{criterion.title}: its skill is not in {course.title}, the class's course")
            continue
        level = scores[criterion.id].level
        assert level is not None
        aligned.append(_Aligned(criterion, skill.key, level_credit(level, len(criterion.levels))))
    return graph, aligned, not_counted


def _effects(
    graph: CourseGraph, aligned: list[_Aligned], before: dict[str, float], after: dict[str, float]
) -> tuple[SkillEffect, ...]:
    order: list[str] = []
    titles: dict[str, list[str]] = {}
    for piece in aligned:
        if piece.skill_key not in titles:
            order.append(piece.skill_key)
            titles[piece.skill_key] = []
        titles[piece.skill_key].append(piece.criterion.title)
    threshold = graph.course.mastery_threshold
    return tuple(
        SkillEffect(key, graph.skills[key].name, tuple(titles[key]), before[key], after[key], threshold)
        for key in order
    )


def preview_feedback(
    session: Session,
    actor: Actor,
    submission_id: int,
    scores: Sequence[ScoreInput | tuple[int, int | None, str]],
) -> MasteryPreview:
    """What saving these levels would do to the student's mastery, skill by skill (nothing is written)."""
    context = _context(session, actor, submission_id)
    checked = _checked_scores(context.criteria, scores, every=False)
    graph, aligned, not_counted = _aligned(session, context, checked)
    if graph is None:
        return MasteryPreview((), tuple(not_counted))
    params = load_parameters(session, graph.course.id)
    ledger = Ledger.load(session, context.student, graph, params)
    before = {piece.skill_key: ledger.p_learned(piece.skill_key) for piece in aligned}
    after = dict(before)
    for piece in aligned:  # in criterion order, as the ledger records them
        after[piece.skill_key] = observe_credit(
            after[piece.skill_key], piece.credit, params.for_skill(piece.skill_key)
        )
    return MasteryPreview(_effects(graph, aligned, before, after), tuple(not_counted))


@dataclass(frozen=True)
class SavedFeedback:
    feedback_id: int
    submission_id: int
    assignment_id: int
    student_id: int
    decision: str
    effects: tuple[SkillEffect, ...]
    next_submission_id: int | None  # the next submission of the assignment waiting for feedback


def save_feedback(
    session: Session,
    actor: Actor,
    submission_id: int,
    scores: Sequence[ScoreInput | tuple[int, int | None, str]],
    comment: str,
    decision: str,
    *,
    now: datetime | None = None,
) -> SavedFeedback:
    """Save a teacher's feedback on the newest version of a student's work (see the module's rules)."""
    context = _context(session, actor, submission_id, lock=True)
    submission, assignment = context.submission, context.assignment
    if decision not in DECISIONS:
        raise InvalidInput("decision", "decision must be “graded” or “returned” (for revision)")
    comment = comment.strip()
    if len(comment) > limits.TEXT_MAX:
        raise InvalidInput("comment", f"the comment is too long ({limits.TEXT_MAX} characters at most)")
    if "\x00" in comment:
        raise InvalidInput("comment", "the comment must not contain NUL characters")
    if context.classroom.archived_at is not None:
        raise Conflict(f"{context.classroom.name} is archived: its work is read-only")
    _check_open_for_feedback(session, context)
    checked = _checked_scores(context.criteria, scores, every=decision == "graded")
    if not context.criteria and not comment:
        raise InvalidInput(
            "comment", "write a comment: this assignment has no rubric, so the comment is the feedback"
        )
    if decision == "returned" and not comment and not any(s.comment for s in checked.values()):
        raise InvalidInput("comment", "say what to revise: write a comment before returning the work")
    moment = now or utcnow()
    feedback = Feedback(
        school_id=submission.school_id, submission_id=submission.id, teacher_id=actor.user_id,
        decision=decision, comment=comment, created_at=moment,
        scores=[
            {"criterion_id": c.id, "level": checked[c.id].level, "comment": checked[c.id].comment}
            for c in context.criteria if c.id in checked
        ],
    )  # fmt: skip
    session.add(feedback)
    submission.status = decision
    session.flush()
    effects = _record_evidence(session, context, checked, feedback.id, moment)
    xapi.work_graded(session, assignment, submission, feedback, context.criteria)  # the outbox (LRS)
    lti_grades.work_graded(session, assignment, submission, feedback, context.criteria)  # LMS gradebook (LTI)
    audit.record(
        session, school_id=submission.school_id, actor_id=actor.user_id, action=f"feedback.{decision}",
        subject=("user", submission.student_id),
        detail={
            "feedback_id": feedback.id, "submission_id": submission.id, "assignment_id": assignment.id,
            "class_id": context.classroom.id, "levels": {str(c): s.level for c, s in checked.items()},
        },
    )  # fmt: skip
    what = "Feedback on" if decision == "graded" else "Returned for revision:"
    messages.notify(
        session, school_id=submission.school_id, recipient_id=submission.student_id, author_id=actor.user_id,
        kind="feedback" if decision == "graded" else "returned", subject=f"{what} {assignment.title}",
        body=comment or ("Your teacher scored your work with the rubric." if decision == "graded"
                         else "Your teacher returned your work for revision."),
        link=f"/work/{assignment.id}", assignment_id=assignment.id,
    )  # fmt: skip
    session.flush()
    waiting = [e for e in _queue(session, assignment) if e.waiting]
    return SavedFeedback(
        feedback.id, submission.id, assignment.id, submission.student_id, decision, effects,
        waiting[0].submission_id if waiting else None,
    )  # fmt: skip


def _check_open_for_feedback(session: Session, context: _Context) -> None:
    submission = context.submission
    given = session.execute(
        select(Feedback.id, User.display_name)
        .outerjoin(User, User.id == Feedback.teacher_id)
        .where(Feedback.submission_id == submission.id)
    ).first()
    if given is not None:
        who = f" from {given[1]}" if given[1] else ""
        raise Conflict(
            f"version {submission.version} of {context.student.display_name}'s work already has feedback{who}: "
            "feedback is given once per version",
            field="submission_id",
        )
    newest = session.scalar(
        select(func.max(Submission.version)).where(
            Submission.assignment_id == submission.assignment_id,
            Submission.student_id == submission.student_id,
            Submission.step == submission.step,
        )
    )
    if newest is not None and newest > submission.version:
        raise Conflict(
            f"this is version {submission.version}, but {context.student.display_name} has since submitted "
            f"version {newest}: give feedback on the newest version",
            field="submission_id",
        )


def _record_evidence(
    session: Session, context: _Context, checked: dict[int, ScoreInput], feedback_id: int, moment: datetime
) -> tuple[SkillEffect, ...]:
    graph, aligned, _ = _aligned(session, context, checked)
    if graph is None or not aligned:
        return ()
    student = context.student
    lock_student(session, student.id)  # the one path: one writer of this student's learner state at a time
    ledger = Ledger.load(session, student, graph, load_parameters(session, graph.course.id))
    before = {piece.skill_key: ledger.p_learned(piece.skill_key) for piece in aligned}
    ledger.record(
        "rubric",
        [Observation(p.skill_key, correct=p.credit >= 0.5, credit=p.credit) for p in aligned],
        moment,
        overrides=load_overrides(session, student.id, graph),
        feedback_id=feedback_id,
    )
    after = {key: ledger.p_learned(key) for key in before}
    return _effects(graph, aligned, before, after)


# The grading page: the queue of submissions and one student's work


@dataclass(frozen=True)
class QueueEntry:
    submission_id: int  # the newest version
    student_id: int
    student_name: str
    step: int  # 0, or the project checkpoint's position
    step_title: str
    version: int
    submitted_at: datetime
    late: bool
    status: str
    waiting: bool  # no feedback yet


def _assignment(session: Session, actor: Actor, assignment_id: int) -> tuple[Assignment, Classroom]:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or assignment.school_id != actor.school_id:
        raise NotFound(f"assignment {assignment_id} not found")
    return assignment, get_class(session, actor, assignment.class_id)


def grading_queue(session: Session, actor: Actor, assignment_id: int) -> list[QueueEntry]:
    """The newest version of each student's work (per step): those waiting for feedback first, oldest
    first, then the others by student name."""
    assignment, _ = _assignment(session, actor, assignment_id)
    return _queue(session, assignment)


def _queue(session: Session, assignment: Assignment) -> list[QueueEntry]:
    newest = (
        select(
            Submission.student_id,
            Submission.step,
            func.max(Submission.version).label("version"),
        )
        .where(Submission.assignment_id == assignment.id)
        .group_by(Submission.student_id, Submission.step)
        .subquery()
    )
    rows = session.execute(
        select(Submission, User.display_name, Feedback.id)
        .join(
            newest,
            (newest.c.student_id == Submission.student_id)
            & (newest.c.step == Submission.step)
            & (newest.c.version == Submission.version),
        )
        .join(User, User.id == Submission.student_id)
        .outerjoin(Feedback, Feedback.submission_id == Submission.id)
        .where(Submission.assignment_id == assignment.id)
    ).all()
    steps = dict(
        session.execute(
            select(AssignmentCheckpoint.position, AssignmentCheckpoint.title).where(
                AssignmentCheckpoint.assignment_id == assignment.id
            )
        ).all()
    )
    entries = [
        QueueEntry(
            s.id,
            s.student_id,
            name,
            s.step,
            steps.get(s.step, "") if s.step else "",
            s.version,
            s.submitted_at,
            s.late,
            s.status,
            feedback_id is None,
        )
        for s, name, feedback_id in rows
    ]
    waiting = sorted((e for e in entries if e.waiting), key=lambda e: (e.submitted_at, e.submission_id))
    others = sorted(
        (e for e in entries if not e.waiting), key=lambda e: (e.student_name.lower(), e.step, e.student_id)
    )
    return waiting + others


@dataclass(frozen=True)
class FileLink:
    id: int
    name: str
    size: int
    media_type: str


@dataclass(frozen=True)
class VersionView:
    submission_id: int
    version: int
    body: str
    submitted_at: datetime
    late: bool
    status: str
    files: tuple[FileLink, ...]
    feedback: FeedbackView | None


@dataclass(frozen=True)
class SkillNow:
    key: str
    name: str
    p_learned: float
    mastered: bool


@dataclass(frozen=True)
class GradingView:
    assignment_id: int
    title: str
    instructions: str
    class_id: int
    class_name: str
    due_at: datetime | None
    rubric: RubricView | None
    queue: tuple[QueueEntry, ...]
    current: QueueEntry | None
    previous: QueueEntry | None
    next: QueueEntry | None
    versions: tuple[VersionView, ...]  # the current student's work on this step, newest first
    mastery_now: tuple[SkillNow, ...]  # the current student's P(learned) on the rubric's aligned skills
    threshold: float

    @property
    def waiting_count(self) -> int:
        return sum(1 for e in self.queue if e.waiting)

    @property
    def position(self) -> int:
        """1-based place of the current entry in the queue (0: none)."""
        return self.queue.index(self.current) + 1 if self.current else 0

    @property
    def gradable(self) -> bool:
        """The newest version shown has no feedback yet: the form is offered."""
        return self.current is not None and self.current.waiting


def grading_view(
    session: Session, actor: Actor, assignment_id: int, student_id: int | None = None, step: int | None = None
) -> GradingView:
    """One student's work on the assignment with the queue around it (the first waiting one by default)."""
    assignment, classroom = _assignment(session, actor, assignment_id)
    queue = _queue(session, assignment)
    current: QueueEntry | None = None
    if student_id is not None:
        mine = [e for e in queue if e.student_id == student_id and (step is None or e.step == step)]
        if not mine:
            raise NotFound(f"no work from student {student_id} on this assignment")
        current = next((e for e in mine if e.waiting), mine[0])
    elif queue:
        current = queue[0]
    index = queue.index(current) if current else -1
    previous = queue[index - 1] if current and index > 0 else None
    following = queue[index + 1] if current and index + 1 < len(queue) else None
    rubric = session.get(Rubric, assignment.rubric_id) if assignment.rubric_id else None
    versions: tuple[VersionView, ...] = ()
    mastery_now: tuple[SkillNow, ...] = ()
    if current is not None:
        versions = _versions(session, assignment.id, current.student_id, current.step)
        mastery_now = _mastery_now(session, classroom, current.student_id, _criteria(session, assignment))
    course = classroom.course
    return GradingView(
        assignment.id, assignment.title, assignment.instructions, classroom.id, classroom.name,
        assignment.due_at, rubric_view(session, rubric) if rubric else None, tuple(queue), current,
        previous, following, versions, mastery_now,
        course.mastery_threshold if course else policy.MasteryRule().threshold,
    )  # fmt: skip


def _versions(session: Session, assignment_id: int, student_id: int, step: int) -> tuple[VersionView, ...]:
    submissions = session.scalars(
        select(Submission)
        .where(
            Submission.assignment_id == assignment_id,
            Submission.student_id == student_id,
            Submission.step == step,
        )
        .order_by(Submission.version.desc())
    ).all()
    ids = [s.id for s in submissions]
    files: dict[int, list[FileLink]] = {i: [] for i in ids}
    for submission_id, stored in session.execute(
        select(SubmissionFile.submission_id, StoredFile)
        .join(StoredFile, StoredFile.id == SubmissionFile.file_id)
        .where(SubmissionFile.submission_id.in_(ids))
        .order_by(StoredFile.name, StoredFile.id)
    ):
        files[submission_id].append(FileLink(stored.id, stored.name, stored.size, stored.media_type))
    feedback = feedback_views(session, ids)
    return tuple(
        VersionView(
            s.id, s.version, s.body, s.submitted_at, s.late, s.status, tuple(files[s.id]), feedback.get(s.id)
        )
        for s in submissions
    )


def _mastery_now(
    session: Session, classroom: Classroom, student_id: int, criteria: list[RubricCriterion]
) -> tuple[SkillNow, ...]:
    course = classroom.course
    skill_ids = {c.skill_id for c in criteria if c.skill_id is not None}
    student = session.get(User, student_id)
    if course is None or not skill_ids or student is None:
        return ()
    graph = load_graph(session, course)
    by_id = graph.skill_by_id()
    ledger = Ledger.load(session, student, graph, load_parameters(session, course.id))
    rule = policy.MasteryRule(course.mastery_threshold)
    keys = [
        by_id[i].key
        for i in sorted(skill_ids, key=lambda i: by_id[i].position if i in by_id else 0)
        if i in by_id
    ]
    return tuple(
        SkillNow(key, graph.skills[key].name, ledger.p_learned(key), rule.is_mastered(ledger.p_learned(key)))
        for key in keys
    )


@dataclass(frozen=True)
class SubmissionPlace:
    submission_id: int
    assignment_id: int
    student_id: int
    step: int


def submission_place(session: Session, actor: Actor, submission_id: int) -> SubmissionPlace:
    """Where a submission sits (its assignment, student and step), if the actor may grade it."""
    context = _context(session, actor, submission_id)
    s = context.submission
    return SubmissionPlace(s.id, s.assignment_id, s.student_id, s.step)

"""The one path into learner state: record evidence about a student's skills and say what changed.

Every piece of evidence (a practice answer, a placement estimate, earlier practice brought in) goes
through :class:`Ledger`: it updates P(learned) by the kind's rule (``atpace.engine.evidence``), the
attempt counters, the FSRS review memory, decides mastery with the course's ``MasteryRule``, and writes
one ``Evidence`` row per skill, all in the caller's transaction. Nothing else writes ``LearnerState``
or ``ReviewMemory``.

Concurrency: :func:`lock_student` takes the student's row lock (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite write transactions are serialised by ``BEGIN IMMEDIATE``), so two requests carrying
evidence for one student run one after the other and neither loses the other's update.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.engine import policy
from atpace.engine.bkt_online import SkillParameters
from atpace.engine.evidence import KIND_INFO, EvidenceKind, observe, observe_credit
from atpace.services.courses import CourseGraph
from atpace.services.lti import grades as lti_grades
from atpace.services.progress import StudentProgress, unconfirmed_skills
from atpace.services.xapi import outbox as xapi_outbox
from atpace.store.tables import Evidence, LearnerState, ReviewMemory, User

CONFIDENCE_WORDS: dict[int, policy.Confidence] = {1: "low", 2: "low", 3: "medium", 4: "high"}


def lock_student(session: Session, student_id: int) -> None:
    """Serialise evidence for one student until the transaction ends (no-op lock on SQLite)."""
    session.execute(select(User.id).where(User.id == student_id).with_for_update())


@dataclass(frozen=True)
class Observation:
    """A scored response bearing on one skill."""

    skill_key: str
    correct: bool
    difficulty: float = 0.0  # the item's, on the logit scale
    item_id: int | None = None
    credit: float | None = None  # graded evidence (a rubric level) in [0, 1]; ``correct`` is credit >= 0.5


@dataclass(frozen=True)
class Estimate:
    """A direct estimate of P(learned) for one skill (placement)."""

    skill_key: str
    p_learned: float


@dataclass(frozen=True)
class SkillChange:
    skill_key: str
    before: float
    after: float
    mastered_now: bool  # crossed the threshold upwards with this evidence
    mastery_lost: bool  # fell below it


@dataclass(frozen=True)
class EvidenceResult:
    kind: EvidenceKind
    changes: dict[str, SkillChange]
    newly_ready: tuple[str, ...]  # keys of skills that became ready to learn

    @property
    def label(self) -> str:
        return KIND_INFO[self.kind].label


@dataclass
class Ledger:
    """A student's learner state in one course, loaded once, advanced by evidence, written as it goes."""

    session: Session
    student: User
    graph: CourseGraph
    params: SkillParameters
    states: dict[str, LearnerState] = field(default_factory=dict)
    reviews: dict[str, ReviewMemory] = field(default_factory=dict)
    # skills whose mastery waits for a class's required check: not mastered for the frontier
    unconfirmed: frozenset[str] = frozenset()

    @classmethod
    def load(cls, session: Session, student: User, graph: CourseGraph, params: SkillParameters) -> Ledger:
        by_id = graph.skill_by_id()
        states = {
            by_id[row.skill_id].key: row
            for row in session.scalars(
                select(LearnerState).where(
                    LearnerState.student_id == student.id, LearnerState.skill_id.in_(by_id)
                )
            )
        }
        reviews = {
            by_id[row.skill_id].key: row
            for row in session.scalars(
                select(ReviewMemory).where(
                    ReviewMemory.student_id == student.id, ReviewMemory.skill_id.in_(by_id)
                )
            )
        }
        unconfirmed = unconfirmed_skills(session, [student.id], graph)[student.id]
        return cls(session, student, graph, params, states, reviews, unconfirmed)

    @classmethod
    def from_progress(cls, session: Session, progress: StudentProgress, params: SkillParameters) -> Ledger:
        """The ledger of the learner state ``student_progress`` just read in this transaction (after the
        caller's :func:`lock_student`): the same rows, not read a second time."""
        return cls(
            session, progress.student, progress.course_graph, params, dict(progress.state_rows),
            dict(progress.review_rows), progress.unconfirmed,
        )  # fmt: skip

    @property
    def rule(self) -> policy.MasteryRule:
        return policy.MasteryRule(self.graph.course.mastery_threshold)

    def mastery(self) -> dict[str, float]:
        return {key: row.p_learned for key, row in self.states.items()}

    def p_learned(self, skill_key: str) -> float:
        row = self.states.get(skill_key)
        return row.p_learned if row is not None else self.params.for_skill(skill_key).prior

    def record(
        self,
        kind: EvidenceKind,
        evidence: Iterable[Observation] | Iterable[Estimate],
        moment: datetime,
        *,
        overrides: Iterable[policy.Override] = (),
        confidence: int | None = None,
        hints_used: int = 0,
        attach: Callable[[Mapping[str, SkillChange]], int | None] | None = None,
        feedback_id: int | None = None,
    ) -> EvidenceResult:
        """Apply one piece of evidence (one or more skills); ``attach`` stores the event's own row (an
        attempt) once the changes are known and returns its id for the evidence rows."""
        info = KIND_INFO[kind]
        overrides = list(overrides)
        mastery_before = self.mastery()
        changes: dict[str, SkillChange] = {}
        rows: list[Evidence] = []
        for piece in evidence:
            key = piece.skill_key
            if key not in self.graph.skills:
                raise ValueError(f"skill {key!r} is not in course {self.graph.course.key!r}")
            if isinstance(piece, Estimate):
                if info.observed:
                    raise ValueError(f"{kind} evidence is a scored answer, not an estimate")
                if key in self.states:
                    continue  # practised skills keep what practice showed
                change = self._estimate(key, piece.p_learned, moment)
                item_id, correct = None, None
            else:
                if not info.observed:
                    raise ValueError(f"{kind} evidence is an estimate, not a scored answer")
                change = self._observe(key, piece, moment, info.counts_as_attempt)
                if info.may_review:
                    self._review(key, change, piece.correct, moment, confidence, hints_used)
                item_id, correct = piece.item_id, piece.correct
            credit = piece.credit if isinstance(piece, Observation) else None
            changes[key] = change
            rows.append(
                Evidence(
                    school_id=self.student.school_id, student_id=self.student.id,
                    skill_id=self.graph.skills[key].id, kind=kind, item_id=item_id, correct=correct,
                    p_before=change.before, p_after=change.after, created_at=moment,
                    feedback_id=feedback_id, credit=credit,
                )
            )  # fmt: skip
        attempt_id = attach(changes) if attach is not None else None
        for row in rows:
            row.attempt_id = attempt_id
        self.session.add_all(rows)
        # the outbox's statements (answered, mastered, lost mastery), when the school has an LRS
        xapi_outbox.evidence_recorded(self.session, self.student, self.graph, kind, changes, attempt_id, moment)
        # the LMS gradebook columns of linked skills (LTI Assignment and Grade Services), when any
        lti_grades.mastery_changed(
            self.session, self.student.id, self.student.school_id,
            {self.graph.skills[k].id: c.after for k, c in changes.items() if c.after != c.before},
        )  # fmt: skip
        newly_ready: tuple[str, ...] = ()
        # The frontier follows the mastered set only, so it is worked out again only when that changed.
        if any(c.mastered_now or c.mastery_lost for c in changes.values()):
            ready_before = set(self._progress(mastery_before, overrides).frontier)
            ready_after = self._progress(self.mastery(), overrides).frontier
            newly_ready = tuple(k for k in ready_after if k not in ready_before)
        return EvidenceResult(kind, changes, newly_ready)

    def _progress(self, mastery: dict[str, float], overrides: list[policy.Override]) -> policy.Progress:
        return policy.progress(self.graph.graph, mastery, self.rule, overrides, self.unconfirmed)

    def _state(self, key: str) -> LearnerState:
        row = self.states.get(key)
        if row is None:
            row = LearnerState(
                school_id=self.student.school_id, student_id=self.student.id,
                skill_id=self.graph.skills[key].id, p_learned=self.params.for_skill(key).prior,
                attempts=0, correct=0,
            )  # fmt: skip
            self.session.add(row)
            self.states[key] = row
        return row

    def _change(self, key: str, before: float, row: LearnerState, moment: datetime) -> SkillChange:
        was, now = self.rule.is_mastered(before), self.rule.is_mastered(row.p_learned)
        if now and row.mastered_at is None:
            row.mastered_at = moment
        return SkillChange(key, before, row.p_learned, now and not was, was and not now)

    def _observe(self, key: str, piece: Observation, moment: datetime, counts: bool) -> SkillChange:
        row = self._state(key)
        before = row.p_learned
        params = self.params.for_skill(key)
        if piece.credit is not None:
            row.p_learned = observe_credit(before, piece.credit, params)
        else:
            row.p_learned = observe(before, piece.correct, params, piece.difficulty)
        if counts:
            row.attempts += 1
            row.correct += int(piece.correct)
            # never backwards (evidence may arrive out of order): Today reads recent answers only on skills
            # whose last answer falls within its horizon
            if row.last_attempt_at is None or moment > row.last_attempt_at:
                row.last_attempt_at = moment
        return self._change(key, before, row, moment)

    def _estimate(self, key: str, p_learned: float, moment: datetime) -> SkillChange:
        if not 0.0 <= p_learned <= 1.0:
            raise ValueError(f"estimate for {key!r} is {p_learned!r}, not a probability")
        row = self._state(key)
        before = row.p_learned
        row.p_learned = p_learned
        change = self._change(key, before, row, moment)
        if self.rule.is_mastered(p_learned):
            self._start_review(key, moment)
        return change

    def _review(
        self,
        key: str,
        change: SkillChange,
        correct: bool,
        moment: datetime,
        confidence: int | None,
        hints_used: int,
    ) -> None:
        """A newly mastered skill gets a fresh FSRS memory; an answer on a mastered skill may be a review."""
        if change.mastered_now:  # mastered, or mastered again after falling back
            self._start_review(key, moment)
            return
        row = self.reviews.get(key)
        if row is None or not self.rule.is_mastered(change.before):
            return
        memory = policy.ReviewState.from_json(row.state)
        if not memory.counts_as_review(correct, moment):
            return  # practice between reviews does not stretch the interval
        words = CONFIDENCE_WORDS.get(confidence) if confidence else None
        state, _ = memory.record(correct, moment, words, hints_used > 0)
        row.state, row.due_at, row.updated_at = state.to_json(), state.card.due, moment

    def _start_review(self, key: str, moment: datetime) -> None:
        state, _ = policy.ReviewState.start(key, moment)
        row = self.reviews.get(key)
        if row is None:
            row = ReviewMemory(
                school_id=self.student.school_id, student_id=self.student.id,
                skill_id=self.graph.skills[key].id, state="", due_at=moment,
            )  # fmt: skip
            self.session.add(row)
            self.reviews[key] = row
        row.state, row.due_at, row.updated_at = state.to_json(), state.card.due, moment

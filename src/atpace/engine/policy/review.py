"""Spaced review of mastered skills, scheduled by FSRS (the ``fsrs`` library; not re-implemented here).

Each mastered skill gets one FSRS card. Mastery counts as a first "Good" review; every later review
answer maps to an FSRS rating from its correctness and the student's confidence. The scheduler runs
without learning steps (a mastered skill has already been practised that day) and without fuzzing, so
the same answers at the same times give the same schedule. States serialise to JSON (the fsrs Card).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, get_args

from fsrs import Card, Rating, ReviewLog, Scheduler

from atpace.engine.policy._time import utc_problem

__all__ = [
    "CONFIDENCE_LEVELS",
    "Confidence",
    "DueReview",
    "ReviewPolicy",
    "ReviewState",
    "due_reviews",
    "rating_for",
    "review_slot",
]

Confidence = Literal["low", "medium", "high"]
SITTING = timedelta(hours=3)  # answers closer together than this are one practice sitting (a session)
CONFIDENCE_LEVELS: tuple[Confidence, ...] = get_args(Confidence)


def rating_for(correct: bool, confidence: Confidence | None = None, used_hint: bool = False) -> Rating:
    """FSRS rating of one review answer.

    wrong -> Again; right with a hint or low confidence -> Hard; right -> Good; right and sure -> Easy.
    """
    if confidence is not None and confidence not in CONFIDENCE_LEVELS:
        raise ValueError(f"invalid confidence {confidence!r}: must be one of {', '.join(CONFIDENCE_LEVELS)}")
    if not correct:
        return Rating.Again
    if used_hint or confidence == "low":
        return Rating.Hard
    if confidence == "high":
        return Rating.Easy
    return Rating.Good


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    """FSRS settings for skill reviews."""

    desired_retention: float = 0.9
    maximum_interval_days: int = 365

    def __post_init__(self) -> None:
        problems = []
        if not 0.7 <= self.desired_retention <= 0.99:
            problems.append(f"desired_retention={self.desired_retention!r} must be in [0.7, 0.99]")
        if not (isinstance(self.maximum_interval_days, int) and self.maximum_interval_days >= 1):
            problems.append(
                f"maximum_interval_days={self.maximum_interval_days!r} must be a positive integer"
            )
        if problems:
            raise ValueError("invalid review policy: " + "; ".join(problems))

    def scheduler(self) -> Scheduler:
        return Scheduler(
            desired_retention=self.desired_retention,
            learning_steps=(),
            relearning_steps=(),
            maximum_interval=self.maximum_interval_days,
            enable_fuzzing=False,
        )


def _card_id(skill_key: str) -> int:
    # fsrs wants an integer id; a stable hash of the skill key avoids its clock-based default.
    return zlib.crc32(skill_key.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class ReviewState:
    """One skill's FSRS memory state for one student."""

    skill_key: str
    card: Card

    @classmethod
    def start(
        cls, skill_key: str, mastered_at: datetime, policy: ReviewPolicy = ReviewPolicy()
    ) -> tuple[ReviewState, ReviewLog]:
        """State for a skill just mastered: mastery counts as a "Good" first review at ``mastered_at``."""
        _check_time("mastered_at", mastered_at)
        card = Card(card_id=_card_id(skill_key), due=mastered_at)
        new_card, log = policy.scheduler().review_card(card, Rating.Good, mastered_at)
        return cls(skill_key, new_card), log

    def record(
        self,
        correct: bool,
        at: datetime,
        confidence: Confidence | None = None,
        used_hint: bool = False,
        policy: ReviewPolicy = ReviewPolicy(),
    ) -> tuple[ReviewState, ReviewLog]:
        """New state after one review answer at ``at``; this state is left unchanged."""
        _check_time("at", at)
        rating = rating_for(correct, confidence, used_hint)
        new_card, log = policy.scheduler().review_card(self.card, rating, at)
        return ReviewState(self.skill_key, new_card), log

    def counts_as_review(self, correct: bool, at: datetime, sitting: timedelta = SITTING) -> bool:
        """Whether an answer on the mastered skill at ``at`` is an FSRS review.

        A review when the card is due, or when the answer is wrong (forgetting shows before the due
        date); never a second one within ``sitting`` of the last, so that a run of right answers in one
        sitting is not read as many successful reviews spaced apart.
        """
        _check_time("at", at)
        last = self.card.last_review
        if last is not None and at - last < sitting:
            return False
        return not correct or self.is_due(at)

    def recall(self, now: datetime, policy: ReviewPolicy = ReviewPolicy()) -> float:
        """FSRS retrievability: predicted probability of recalling the skill at ``now``."""
        _check_time("now", now)
        return float(policy.scheduler().get_card_retrievability(self.card, now))

    def is_due(self, now: datetime) -> bool:
        _check_time("now", now)
        return self.card.due <= now

    def to_json(self) -> str:
        return json.dumps({"skill_key": self.skill_key, "card": self.card.to_dict()})

    @classmethod
    def from_json(cls, text: str) -> ReviewState:
        data: dict[str, Any] = json.loads(text)
        if not isinstance(data, dict) or "skill_key" not in data or "card" not in data:
            raise ValueError("not a review state: expected an object with skill_key and card")
        return cls(str(data["skill_key"]), Card.from_dict(data["card"]))


@dataclass(frozen=True, slots=True)
class DueReview:
    skill_key: str
    due: datetime
    last_practised: datetime | None
    days_since: int  # whole days since the last review or mastery
    recall: float  # predicted recall now, 0..1

    @property
    def ago(self) -> str:
        """The days since, as a student reads them: "today", "1 day ago", "12 days ago"."""
        if self.days_since == 0:
            return "today"
        return "1 day ago" if self.days_since == 1 else f"{self.days_since} days ago"


def due_reviews(
    states: Iterable[ReviewState] | Mapping[str, ReviewState],
    now: datetime,
    policy: ReviewPolicy = ReviewPolicy(),
) -> list[DueReview]:
    """Reviews due at ``now``, lowest predicted recall first (ties: earliest due, then skill key)."""
    _check_time("now", now)
    items = states.values() if isinstance(states, Mapping) else states
    scheduler = policy.scheduler()
    due = []
    for state in items:
        if state.card.due > now:
            continue
        last = state.card.last_review
        due.append(
            DueReview(
                skill_key=state.skill_key,
                due=state.card.due,
                last_practised=last,
                days_since=(now - last).days if last else 0,
                recall=float(scheduler.get_card_retrievability(state.card, now)),
            )
        )
    return sorted(due, key=lambda d: (d.recall, d.due, d.skill_key))


def _check_time(name: str, value: datetime) -> None:
    problem = utc_problem(name, value)
    if problem:
        raise ValueError(problem)


def review_slot(items_since_review: int, due: Sequence[DueReview], every: int = 4) -> DueReview | None:
    """Mix due reviews into practice: after ``every`` practice items, the most urgent due review."""
    if not (isinstance(every, int) and every >= 1) or items_since_review < 0:
        raise ValueError(
            f"invalid review slot input: every={every!r} must be >= 1, items_since_review={items_since_review!r} >= 0"
        )
    if due and items_since_review >= every:
        return due[0]
    return None

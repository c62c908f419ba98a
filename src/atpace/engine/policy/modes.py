"""Practice modes: standard, challenge (flying through) and support (struggling), with target success.

The target is the predicted probability of a right answer that item selection aims for. The starting
point is the "85% rule" (Wilson, Shenhav, Straccia & Cohen 2019, *Nature Communications* 10:4646): for
gradient-based learners the error rate that maximises learning is about 15.87%. Desirable-difficulties
work (Bjork 1994) argues for harder practice for students who succeed easily, and the worked-example
effect (Sweller & Cooper 1985) for showing solutions first to students who struggle. The defaults below
were then chosen with the learner simulator (docs/policy.md, "Decisions and why", modes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

__all__ = ["DEFAULT_TARGETS", "MODES", "Mode", "ModeConfig", "ModeDecision", "choose_mode"]

Mode = Literal["standard", "challenge", "support"]
MODES: tuple[Mode, ...] = get_args(Mode)
DEFAULT_TARGETS: Mapping[Mode, float] = {"standard": 0.8, "challenge": 0.7, "support": 0.9}


@dataclass(frozen=True, slots=True)
class ModeConfig:
    """When the mode switches, and each mode's target success probability."""

    targets: Mapping[Mode, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    window: int = 5  # recent answers looked at
    min_attempts: int = 3  # fewer answers than this: standard
    challenge_streak: int = 5  # this many right in a row: challenge
    support_streak: int = 3  # this many wrong in a row: support
    support_accuracy: float = 0.4  # at most this share right in the window: support

    def __post_init__(self) -> None:
        problems = [f"targets[{m!r}] is missing" for m in MODES if m not in self.targets]
        problems += [
            f"targets[{m!r}]={t!r} must be in (0, 1)" for m, t in self.targets.items() if not 0.0 < t < 1.0
        ]
        problems += [f"unknown mode {m!r} in targets" for m in self.targets if m not in MODES]
        if not problems and not (
            self.targets["challenge"] <= self.targets["standard"] <= self.targets["support"]
        ):
            problems.append("targets must satisfy challenge <= standard <= support")
        for name in ("window", "min_attempts", "challenge_streak", "support_streak"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value >= 1):
                problems.append(f"{name}={value!r} must be a positive integer")
        if not problems and max(self.challenge_streak, self.support_streak, self.min_attempts) > self.window:
            problems.append("challenge_streak, support_streak and min_attempts must not exceed window")
        if not 0.0 <= self.support_accuracy < 1.0:
            problems.append(f"support_accuracy={self.support_accuracy!r} must be in [0, 1)")
        if problems:
            raise ValueError("invalid mode config: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class ModeDecision:
    mode: Mode
    target: float  # predicted success that item selection aims for
    set_by: Literal["teacher", "recent answers"]
    reason: str  # plain language, shown to the student
    worked_example_first: bool  # support: show hints and a worked example before the item


def choose_mode(
    recent_attempts: Sequence[bool],
    teacher_override: Mode | None = None,
    config: ModeConfig = ModeConfig(),
    teacher_reason: str = "",
) -> ModeDecision:
    """Mode from the student's recent answers (oldest first, True = right) unless the teacher set one.

    ``teacher_reason`` is the teacher's own words for their setting; the student sees them.
    """
    if teacher_override is not None:
        if teacher_override not in MODES:
            raise ValueError(
                f"invalid teacher_override {teacher_override!r}: must be one of {', '.join(MODES)}"
            )
        reason = f"{teacher_override.capitalize()} mode: set by your teacher"
        if teacher_reason.strip():
            reason += f" ({teacher_reason.strip()})"
        return _decision(teacher_override, config, "teacher", reason)
    recent = [bool(a) for a in recent_attempts[-config.window :]]
    if len(recent) < config.min_attempts:
        return _decision(
            "standard", config, "recent answers", "Standard mode: not enough answers yet to adapt"
        )
    wrong_streak = _streak(recent, False)
    right_streak = _streak(recent, True)
    accuracy = sum(recent) / len(recent)
    if wrong_streak >= config.support_streak:
        reason = f"Support mode: {wrong_streak} answers in a row were not right, so {SUPPORT_OFFER}"
        return _decision("support", config, "recent answers", reason)
    if accuracy <= config.support_accuracy:
        right = sum(recent)
        reason = (
            f"Support mode: {right} of your last {len(recent)} answers {'was' if right == 1 else 'were'} "
            f"right, so {SUPPORT_OFFER}"
        )
        return _decision("support", config, "recent answers", reason)
    if right_streak >= config.challenge_streak:
        reason = f"Challenge mode: {right_streak} right answers in a row, so the questions get harder"
        return _decision("challenge", config, "recent answers", reason)
    return _decision("standard", config, "recent answers", "Standard mode: questions matched to your level")


SUPPORT_OFFER = "the questions get easier and a worked example comes first (hints whenever you ask)"


def _streak(answers: Sequence[bool], value: bool) -> int:
    count = 0
    for answer in reversed(answers):
        if answer != value:
            break
        count += 1
    return count


def _decision(
    mode: Mode, config: ModeConfig, set_by: Literal["teacher", "recent answers"], reason: str
) -> ModeDecision:
    return ModeDecision(mode, config.targets[mode], set_by, reason, worked_example_first=mode == "support")

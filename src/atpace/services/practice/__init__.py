"""Adaptive practice: serve an item (items), check an answer and record its evidence (answering), hints,
and the practice mode in force (modes)."""

from atpace.services.practice.answering import (
    AnswerInput,
    AnswerOutcome,
    submit_answer,
    validate_answer_input,
)
from atpace.services.practice.hints import hint, hints_shown
from atpace.services.practice.items import PracticeItem, next_item, next_item_by_id
from atpace.services.practice.modes import practice_mode

__all__ = [
    "AnswerInput",
    "AnswerOutcome",
    "PracticeItem",
    "hint",
    "hints_shown",
    "next_item",
    "next_item_by_id",
    "practice_mode",
    "submit_answer",
    "validate_answer_input",
]

"""Leveled texts (docs/readings.md): readings in versions of different complexity with comprehension
questions, students' reading levels, answers as evidence for reading skills."""

from atpace.services.readings.authoring import (
    QuestionInput,
    ReadingInput,
    VersionInput,
    create,
    reading_input,
    skill_choices,
    update,
)
from atpace.services.readings.catalog import (
    ReadingDetail,
    ReadingSummary,
    as_input,
    course_choices,
    reading_detail,
    school_readings,
    staff_classes,
)
from atpace.services.readings.levels import ClassLevels, StudentLevel, class_levels, set_level
from atpace.services.readings.reader import (
    AnswerOutcome,
    ReadingCard,
    ReadingPage,
    answer,
    list_readings,
    reading_page,
)

__all__ = [
    "AnswerOutcome",
    "ClassLevels",
    "QuestionInput",
    "ReadingCard",
    "ReadingDetail",
    "ReadingInput",
    "ReadingPage",
    "ReadingSummary",
    "StudentLevel",
    "VersionInput",
    "answer",
    "as_input",
    "class_levels",
    "course_choices",
    "create",
    "list_readings",
    "reading_detail",
    "reading_input",
    "reading_page",
    "school_readings",
    "set_level",
    "skill_choices",
    "staff_classes",
    "update",
]

"""Course content: the fractions course, its items, and answer checking (pure Python)."""

from atpace.content.answers import CheckResult, MalformedAnswer, check_answer, parse_rational
from atpace.content.fractions import FRACTIONS_COURSE
from atpace.content.spec import AnswerSpec, CourseSpec, ItemKind, ItemSpec, SkillSpec, TemplateSpec

__all__ = [
    "FRACTIONS_COURSE",
    "AnswerSpec",
    "CheckResult",
    "CourseSpec",
    "ItemKind",
    "ItemSpec",
    "MalformedAnswer",
    "SkillSpec",
    "TemplateSpec",
    "check_answer",
    "parse_rational",
]

"""Course content: course packages (courses as data), answer specs and answer checking (pure Python).

``FRACTIONS_COURSE`` is the fractions course read from its package (``courses/fractions/``) on first
use; the Python templates that build that package are imported at build time only.
"""

from typing import TYPE_CHECKING

from atpace.content.answers import CheckResult, MalformedAnswer, check_answer, parse_rational
from atpace.content.package import (
    PackageError,
    builtin_courses,
    load_builtin_course,
    read_package,
    validate_package,
    write_package,
)
from atpace.content.spec import (
    AnswerSpec,
    CourseSpec,
    ItemKind,
    ItemSpec,
    SkillSpec,
    Standard,
    TemplateSpec,
)

if TYPE_CHECKING:
    FRACTIONS_COURSE: CourseSpec

__all__ = [
    "FRACTIONS_COURSE",
    "AnswerSpec",
    "CheckResult",
    "CourseSpec",
    "ItemKind",
    "ItemSpec",
    "MalformedAnswer",
    "PackageError",
    "SkillSpec",
    "Standard",
    "TemplateSpec",
    "builtin_courses",
    "check_answer",
    "load_builtin_course",
    "parse_rational",
    "read_package",
    "validate_package",
    "write_package",
]


def __getattr__(name: str) -> CourseSpec:
    """``FRACTIONS_COURSE`` is read on first use, so importing atpace.content stays cheap."""
    if name == "FRACTIONS_COURSE":
        return load_builtin_course("fractions")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

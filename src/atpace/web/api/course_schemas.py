"""Request and response models of the course editor's and the standards' JSON API (requests refuse unknown
fields). Limits: atpace.services.courses for skills and atpace.services.course_editor for items, the same as
in course packages (docs/course-package.md), so that every edited course can be exported."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from atpace.services import course_editor as _editor
from atpace.services import courses as _courses
from atpace.services import limits
from atpace.web.api.schemas import Request
from atpace.web.inputs import MAX_ID, no_nul


class EditorErrorOut(BaseModel):
    detail: str = Field(description="what went wrong, as a sentence to show")
    field: str | None = Field(default=None, description="the input at fault, when one is")


ERROR_WORDS = {
    401: "not signed in",
    403: "signed in, but not allowed (another school's course or framework is 404)",
    404: "no such course, skill, item or standard in your school",
    409: "clashes with what is stored (the detail says what)",
    422: "invalid input; `field` names it",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the error answers a route gives."""
    return {code: {"model": EditorErrorOut, "description": ERROR_WORDS[code]} for code in codes}


class StandardOut(BaseModel):
    code: str
    statement: str
    framework_identifier: str = Field(description="the CASE CFDocument identifier, when known")
    item_identifier: str = Field(description="the CASE CFItem identifier, when known")
    uri: str


class CourseSummaryOut(BaseModel):
    id: int
    key: str
    title: str
    description: str
    version: str
    mastery_threshold: float
    skills: int
    items: int = Field(description="current item versions")
    classes: list[str] = Field(description="the classes that use the course")


class CourseCreatedOut(BaseModel):
    id: int
    key: str
    title: str
    skills: int


class PackageProblemsOut(EditorErrorOut):
    problems: list[str] = Field(description="every problem, each naming its file and place")


class CourseSkillOut(BaseModel):
    key: str
    name: str
    description: str
    grade: int | None
    prerequisites: list[str]
    standards: list[StandardOut]
    items: int = Field(description="current items that practise the skill")


class CourseSkillsOut(BaseModel):
    course_id: int
    title: str
    mastery_threshold: float
    skills: list[CourseSkillOut]


class SkillCreateRequest(Request):
    key: str = Field(
        min_length=1, max_length=_courses.SKILL_KEY_MAX, pattern=f"^{_courses.SKILL_KEY.pattern}$"
    )
    name: str = Field(min_length=1, max_length=_courses.SKILL_NAME_MAX)
    description: str = Field(default="", max_length=_courses.SKILL_DESCRIPTION_MAX)
    grade: int | None = Field(default=None, ge=_courses.GRADE_RANGE[0], le=_courses.GRADE_RANGE[1])


class SkillUpdateRequest(Request):
    name: str = Field(min_length=1, max_length=_courses.SKILL_NAME_MAX)
    description: str = Field(default="", max_length=_courses.SKILL_DESCRIPTION_MAX)
    grade: int | None = Field(default=None, ge=_courses.GRADE_RANGE[0], le=_courses.GRADE_RANGE[1])


ChoiceText = Annotated[str, Field(min_length=1, max_length=_editor.CHOICE_MAX), AfterValidator(no_nul)]
LongText = Annotated[str, Field(min_length=1, max_length=_editor.TEXT_MAX), AfterValidator(no_nul)]
SkillKey = Annotated[str, Field(min_length=1, max_length=limits.KEY_MAX), AfterValidator(no_nul)]
ItemKind = Literal[
    "multiple_choice", "numeric", "fraction", "short_text", "multiple_select", "ordering", "open_response"
]


class AnswerIn(Request):
    """How a response is checked (docs/course-package.md lists which kind uses which field)."""

    kind: ItemKind
    correct: str = Field(
        default="",
        max_length=_editor.CORRECT_MAX,
        description="the answer; for multiple_select and ordering it may be left empty (the correct choices "
        "joined by '; '); for multiple_choice a letter names a choice",
    )
    choices: list[ChoiceText] = Field(default_factory=list, max_length=_editor.CHOICES_MAX)
    correct_choices: list[ChoiceText] = Field(default_factory=list, max_length=_editor.CHOICES_MAX)
    alternatives: list[ChoiceText] = Field(default_factory=list, max_length=_editor.ALTERNATIVES_MAX)
    patterns: list[ChoiceText] = Field(default_factory=list, max_length=_editor.PATTERNS_MAX)
    allow_decimal: bool = False
    allow_mixed: bool = True
    require_simplest: bool = False
    case_sensitive: bool = False


class ItemEditRequest(Request):
    prompt: str = Field(min_length=1, max_length=_editor.PROMPT_MAX)
    answer: AnswerIn
    skill_keys: list[SkillKey] = Field(min_length=1, max_length=20)
    hints: list[LongText] = Field(default_factory=list, max_length=_editor.HINTS_MAX)
    worked_solution: list[LongText] = Field(default_factory=list, max_length=_editor.STEPS_MAX)
    difficulty: float = Field(default=0.0, ge=_editor.DIFFICULTY_MIN, le=_editor.DIFFICULTY_MAX)


class ItemVersionOut(BaseModel):
    id: int
    key: str
    version: int
    is_current: bool
    kind: str
    prompt: str
    answer: dict[str, Any]
    hints: list[str]
    worked_solution: list[str]
    difficulty: float
    skill_keys: list[str]
    answered: int = Field(description="attempts on this version")


class ItemVersionsOut(BaseModel):
    key: str
    current: ItemVersionOut
    versions: list[ItemVersionOut] = Field(description="newest first")


class ItemSavedOut(BaseModel):
    item: ItemVersionOut
    new_version: bool = Field(description="false: changed in place, as nobody had answered it")
    kept_answers: int = Field(description="answers that stay on the older versions")
    newer_meanwhile: bool = Field(description="another editor saved a version after this one was read")


class TryRequest(Request):
    answer: AnswerIn
    response: str = Field(max_length=limits.RESPONSE_MAX)


class TryOut(BaseModel):
    status: Literal["correct", "incorrect", "malformed"] = Field(
        description="malformed: not an answer at all (a student is asked again, not marked wrong)"
    )
    correct: bool
    message: str = Field(description="what the student would read")
    normalized: str | None


class ImportProblemOut(BaseModel):
    source: str
    line: int | None
    where: str
    message: str


class SkippedOut(BaseModel):
    source: str
    line: int | None
    identifier: str
    interaction: str = Field(description="the source format's question type")
    reason: str


class ItemImportOut(BaseModel):
    format: str
    ok: bool = Field(description="false: the file has problems and nothing was imported")
    applied: bool = Field(description="true: the items were written (not a dry run, no problems)")
    created: list[str]
    versioned: list[str] = Field(description="existing keys that get (or got) a new version")
    unchanged: list[str]
    problems: list[ImportProblemOut]
    skipped: list[SkippedOut]
    warnings: list[ImportProblemOut]


class ItemImportRefusedOut(EditorErrorOut):
    report: ItemImportOut = Field(description="every problem, skipped question and warning of the file")


class FrameworkImportOut(BaseModel):
    framework_id: int
    title: str
    items: int
    associations: int
    created: bool = Field(description="false: an earlier import of the same framework was replaced")
    warnings: list[str]


class FrameworkOut(BaseModel):
    id: int
    identifier: str
    title: str
    creator: str
    version: str
    items: int


class OutlineEntryOut(BaseModel):
    id: int = Field(description="the standard's id, for aligning a skill to it")
    identifier: str
    code: str
    statement: str
    item_type: str
    depth: int


class OutlineOut(BaseModel):
    framework: FrameworkOut
    items: list[OutlineEntryOut]


class CourseFromFrameworkRequest(Request):
    item_identifiers: list[Annotated[str, Field(min_length=1, max_length=255), AfterValidator(no_nul)]] = (
        Field(min_length=1, max_length=5000, description="the CFItem identifiers that become skills")
    )
    key: str = Field(min_length=1, max_length=64, pattern=f"^{_courses.SKILL_KEY.pattern}$")
    title: str = Field(min_length=1, max_length=200)
    mastery_threshold: float = Field(default=0.95, ge=0.5, lt=1.0)


class AlignRequest(Request):
    standard_item_id: int = Field(ge=1, le=MAX_ID, description="an id from GET /api/standards/{framework_id}")

"""Request and response models of the JSON API. Requests refuse unknown fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from atpace.services import limits
from atpace.web.inputs import MAX_ID, no_nul


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        """No NUL in any text field (PostgreSQL cannot store it)."""
        return no_nul(value) if isinstance(value, str) else value


class TokenRequest(Request):
    email: str = Field(min_length=3, max_length=limits.EMAIL_MAX)
    password: str = Field(min_length=1, max_length=limits.PASSWORD_MAX)
    name: str = Field(default="api", max_length=limits.NAME_MAX)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class MeOut(BaseModel):
    id: int
    email: str
    display_name: str
    role: str
    school_id: int


class SkillOut(BaseModel):
    key: str
    name: str
    description: str
    mastery: float | None
    attempts: int
    correct: int
    state: str = Field(
        description="mastered, ready, in-progress, locked (prerequisites missing) or held (by a teacher)"
    )
    prerequisites: list[str]
    override: str | None = Field(description="the teacher's lock or unlock in force, with who and why")


class RecommendationOut(BaseModel):
    kind: str = Field(description="placement, continue, review or new (placement has an empty skill_key)")
    skill_key: str
    skill_name: str
    reason: str


class ProgressOut(BaseModel):
    student_id: int
    student_name: str
    course_id: int
    course_title: str
    mastery_threshold: float
    skills: list[SkillOut]
    ready: list[str]
    recommendation: RecommendationOut | None
    recommendations: list[RecommendationOut] = Field(
        description="every open activity, best first, each with its reason"
    )


class NextItemRequest(Request):
    skill_key: str | None = Field(default=None, max_length=limits.KEY_MAX)
    exclude_item_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=limits.EXCLUDE_MAX
    )


class WorkedExampleOut(BaseModel):
    prompt: str
    steps: list[str]


class ItemOut(BaseModel):
    item_id: int
    skill_key: str
    skill_name: str
    kind: str
    prompt: str
    choices: list[str]
    hint_count: int
    mastery: float
    reason: str
    mode: str = Field(description="standard, challenge or support")
    mode_reason: str
    target: float = Field(description="the predicted success item selection aimed for")
    predicted_success: float
    worked_example: WorkedExampleOut | None = Field(
        description="support mode: a solved example to study first"
    )


class HintOut(BaseModel):
    number: int
    hint: str
    hint_count: int


class AttemptRequest(Request):
    item_id: int = Field(ge=1, le=MAX_ID)
    response: str = Field(max_length=limits.RESPONSE_MAX)
    client_attempt_id: str = Field(min_length=1, max_length=limits.KEY_MAX)
    skill_key: str | None = Field(default=None, max_length=limits.KEY_MAX)
    duration_ms: int | None = Field(default=None, ge=0, le=limits.DURATION_MAX_MS)
    hints_used: int = Field(default=0, ge=0, le=limits.HINTS_MAX)
    confidence: int | None = Field(default=None, ge=limits.CONFIDENCE_MIN, le=limits.CONFIDENCE_MAX)


class AttemptOut(BaseModel):
    attempt_id: int
    correct: bool
    message: str
    correct_answer: str
    worked_solution: list[str]
    skill_key: str
    skill_name: str
    prompt: str
    response: str
    mastery_before: float
    mastery_after: float
    mastered_now: bool
    newly_ready: list[str]
    replayed: bool


class ClassOut(BaseModel):
    id: int
    name: str
    course_title: str
    student_count: int


class HeatmapRowOut(BaseModel):
    student_id: int
    student_name: str
    mastery: dict[str, float | None]
    states: dict[str, str] = Field(
        description="per skill, as the student's map shows it: mastered, ready, in-progress, locked or held"
    )
    mastered_count: int = Field(description="skills in state mastered (a skill a teacher paused is not)")
    average: float
    stuck: dict[str, str] = Field(
        default_factory=dict,
        description="skill key -> why the student is stuck on it, e.g. 'missed the last 4 answers in a row' "
        "(docs/policy.md, 'Who needs me now'); skills where the student is not stuck are absent",
    )


class HeatmapOut(BaseModel):
    class_id: int
    class_name: str
    course_title: str
    mastery_threshold: float
    skills: list[dict[str, str]]
    rows: list[HeatmapRowOut]
    sort: str
    descending: bool


class AttemptViewOut(BaseModel):
    id: int
    created_at: datetime
    skill_name: str
    prompt: str
    response: str
    correct: bool
    hints_used: int
    confidence: int | None
    duration_ms: int | None
    mastery_before: float
    mastery_after: float


class EvidenceOut(BaseModel):
    id: int
    created_at: datetime
    kind: str = Field(description="practice, history or placement (atpace.engine.evidence)")
    label: str = Field(description="the kind's name as teachers see it, e.g. 'Practice answer'")
    effect: str = Field(description="how this kind moves mastery, in a teacher's words")
    skill_name: str
    correct: bool | None = Field(description="the answer's result; null for an estimate (placement)")
    mastery_before: float
    mastery_after: float


class PrerequisiteRequest(Request):
    skill_key: str = Field(min_length=1, max_length=limits.KEY_MAX)
    prerequisite_key: str = Field(min_length=1, max_length=limits.KEY_MAX)


class CourseGraphOut(BaseModel):
    course_id: int
    title: str
    skills: list[dict[str, str]]
    prerequisites: dict[str, list[str]]


class OverrideRequest(Request):
    skill_key: str = Field(min_length=1, max_length=limits.KEY_MAX)
    action: Literal["lock", "unlock", "clear"] = Field(
        description="lock (pause), unlock (start before the prerequisites), clear (follow mastery again)"
    )
    reason: str = Field(min_length=1, max_length=limits.REASON_MAX)


class OverrideOut(BaseModel):
    id: int
    skill_key: str
    action: str
    reason: str
    decided_by: str
    created_at: datetime


class ModeRequest(Request):
    mode: Literal["standard", "challenge", "support"] | None = Field(
        description="null lets the student's recent answers decide"
    )
    reason: str = Field(default="", max_length=limits.REASON_MAX)


class ModeOut(BaseModel):
    mode: str
    set_by: str
    reason: str
    target: float


class PlacementItemOut(BaseModel):
    item_id: int
    kind: str
    prompt: str
    choices: list[str]


class PlacementOut(BaseModel):
    started: bool
    finished: bool
    items_used: int
    max_items: int
    item: PlacementItemOut | None = Field(description="the question to answer next, while running")
    placed_mastered: list[str] = Field(
        description="skills counted as mastered from the placement (when finished)"
    )
    stop_reason: str | None


class PlacementAnswerRequest(Request):
    item_id: int = Field(ge=1, le=MAX_ID)
    response: str = Field(max_length=limits.RESPONSE_MAX)

"""Request and response models of the strategy library API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from atpace.services import limits, strategies
from atpace.web.api.schemas import Request
from atpace.web.inputs import MAX_ID

SkillId = Annotated[int, Field(ge=1, le=MAX_ID)]
Need = Annotated[str, Field(max_length=strategies.NEED_MAX)]


class StrategyRequest(Request):
    title: str = Field(min_length=1, max_length=limits.TITLE_MAX)
    description: str = Field(default="", max_length=limits.TEXT_MAX)
    grade_band: str = Field(
        default="", max_length=strategies.GRADE_BAND_MAX, description='a grade ("4", "K") or a range ("3-5")'
    )
    needs: list[Need] = Field(
        default_factory=list, max_length=strategies.NEEDS_MAX,
        description='the needs it serves, in your words ("struggling readers", "extension")',
    )  # fmt: skip
    skill_ids: list[SkillId] = Field(
        default_factory=list, max_length=strategies.SKILLS_MAX, description="skills of the school's courses"
    )


class CommentRequest(Request):
    body: str = Field(min_length=1, max_length=limits.COMMENT_MAX)


class UseRequest(Request):
    used_on: date = Field(description="the day it was used; not in the future")
    group_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="a group of one of your classes")
    class_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="or a whole class (no group)")
    note: str = Field(default="", max_length=strategies.NOTE_MAX)


class LinkRequest(Request):
    title: str = Field(default="", max_length=limits.TITLE_MAX)
    url: str = Field(min_length=1, max_length=limits.URL_MAX, description="an http:// or https:// address")


class SkillOut(BaseModel):
    id: int
    key: str
    name: str
    course_title: str


class MaterialOut(BaseModel):
    id: int
    title: str
    kind: str = Field(description="link or file")
    url: str = Field(description="the link's address, or the file's download address")
    file_name: str = ""
    media_type: str = ""
    size: int = 0


class CommentOut(BaseModel):
    id: int
    author: str
    body: str
    created_at: datetime


class MeasurementOut(BaseModel):
    skills: list[str] = Field(description="the focus skills measured")
    members: int
    before: float = Field(description="mean P(learned) over members and focus skills at the use date")
    after: float = Field(description="the same two weeks later (so far, while final is false)")
    change: float
    final: bool = Field(description="false: the two weeks have not passed; after and change are so far")
    after_on: date = Field(description="the day of the two-week measurement")
    mastered: int = Field(description="members who mastered every focus skill in the window")


class UseOut(BaseModel):
    id: int
    teacher: str
    class_id: int | None
    class_name: str
    group_id: int | None
    group_name: str
    used_on: date
    note: str
    created_at: datetime
    measurement: MeasurementOut | None
    unmeasured: str = Field(description="why there is no measurement, when there is none")


class StrategySummaryOut(BaseModel):
    id: int
    title: str
    grade_band: str
    needs: list[str]
    skills: list[SkillOut]
    author: str
    updated_at: datetime
    use_count: int
    measured_uses: int = Field(description="uses with a group whose two weeks have passed")
    average_change: float | None = Field(description="mean change of mastery over the measured uses")
    comment_count: int
    material_count: int


class StrategyListOut(BaseModel):
    strategies: list[StrategySummaryOut]


class StrategyOut(StrategySummaryOut):
    description: str
    materials: list[MaterialOut]
    comments: list[CommentOut]
    uses: list[UseOut]
    can_edit: bool

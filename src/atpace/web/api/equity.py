"""JSON API of the equity report (issue 12; docs/equity.md): the same numbers as the pages, small groups
suppressed (a hidden group has ``hidden`` set and no numbers), and the school's subgroup settings
(administrators only)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from atpace.services import equity
from atpace.services.school.common import require_admin
from atpace.web.api.school_schemas import errors
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text

router = APIRouter(tags=["equity"])
ERRORS = errors(401, 403, 404, 422)


class MeasuresOut(BaseModel):
    students: int
    mastered_median: float = Field(description="skills mastered in the period per student: median")
    mastered_mean: float
    practice_minutes_median: float = Field(
        description="sum of recorded answer durations, minutes per student"
    )
    practice_minutes_mean: float
    overrides_mean: float = Field(description="teacher overrides (lock, unlock, clear) per student")
    comments_mean: float = Field(description="teachers' comments sent to the student, per student")
    groups_mean: float = Field(description="times added to a teacher's group, per student")


class GroupOut(BaseModel):
    value: str
    label: str
    hidden: Literal["", "small", "complement"] = Field(
        description='"small": fewer than 10 students; "complement": hidden so that a small group cannot be '
        "worked out by subtraction; empty: shown"
    )
    note: str
    measures: MeasuresOut | None


class CategoryOut(BaseModel):
    category: str
    label: str
    groups: list[GroupOut]


class EquityOut(BaseModel):
    scope: Literal["school", "class"]
    class_id: int | None
    class_name: str | None
    since: date
    until: date
    min_group: int
    total: MeasuresOut
    categories: list[CategoryOut]


def report_out(report: equity.EquityReport) -> EquityOut:
    return EquityOut(
        scope=report.scope, class_id=report.class_id, class_name=report.class_name, since=report.period.since,
        until=report.period.until, min_group=report.min_group,
        total=MeasuresOut.model_validate(report.total, from_attributes=True),
        categories=[
            CategoryOut(
                category=c.category.key, label=c.category.label,
                groups=[
                    GroupOut(
                        value=g.value, label=g.label, hidden=g.hidden, note=g.note,
                        measures=MeasuresOut.model_validate(g.measures, from_attributes=True)
                        if g.measures else None,
                    )
                    for g in c.groups
                ],
            )
            for c in report.categories
        ],
    )  # fmt: skip


@router.get("/equity", response_model=EquityOut, responses=ERRORS)
def equity_report(
    actor: ActorDep,
    session: SessionDep,
    class_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="one class (its teachers); absent: the school (admins)"),
    ] = None,
    since: Annotated[date | None, Query(description="first UTC day (default: 8 weeks before until)")] = None,
    until: Annotated[date | None, Query(description="last UTC day included (default: today)")] = None,
) -> EquityOut:
    """Mastery growth, practice time and teacher attention per subgroup; groups under 10 students hidden."""
    when = equity.period(since, until)
    if class_id is None:
        return report_out(equity.school_report(session, actor, when))
    return report_out(equity.class_report(session, actor, class_id, when))


class CategoryChoice(BaseModel):
    key: str
    label: str
    values: list[str]
    from_oneroster: bool
    chosen: bool


class CategoriesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    categories: list[Annotated[str, Field(max_length=32), Text]] = Field(max_length=20)


def _categories(session: SessionDep, school_id: int) -> list[CategoryChoice]:
    keys = {c.key for c in equity.chosen(session, school_id)}
    return [
        CategoryChoice(key=c.key, label=c.label, values=list(c.codes), from_oneroster=c.from_oneroster,
                       chosen=c.key in keys)
        for c in equity.CATEGORIES
    ]  # fmt: skip


@router.get("/equity/categories", response_model=list[CategoryChoice], responses=ERRORS)
def categories(actor: ActorDep, session: SessionDep) -> list[CategoryChoice]:
    """The categories a school may record, and which it does (administrators only)."""
    require_admin(actor)
    return _categories(session, actor.school_id)


@router.put("/equity/categories", response_model=list[CategoryChoice], responses=ERRORS)
def choose_categories(actor: ActorDep, session: SessionDep, body: CategoriesIn) -> list[CategoryChoice]:
    """Record exactly these categories (a category left out loses the values administrators set for it)."""
    equity.set_categories(session, actor, body.categories)
    return _categories(session, actor.school_id)


class ValueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Annotated[str, Field(max_length=64, description="a value of the category; empty: clear"), Text]


class ValueOut(BaseModel):
    category: str
    value: str
    label: str
    source: Literal["admin", "oneroster"] | None


@router.put(
    "/equity/students/{student_id}/subgroups/{category}",
    response_model=ValueOut,
    responses=errors(401, 403, 404, 409, 422),
)
def set_value(
    student_id: PathId,
    category: Annotated[str, Path(max_length=32), Text],
    actor: ActorDep,
    session: SessionDep,
    body: ValueIn,
) -> ValueOut:
    """Set (or clear, with an empty value) a student's value in a category the school records."""
    found = equity.set_value(session, actor, student_id, category, body.value)
    return ValueOut(
        category=found.category.key,
        value=found.recorded.value,
        label=found.label,
        source=found.recorded.source,
    )

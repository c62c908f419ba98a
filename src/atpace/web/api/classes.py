from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from atpace.services import limits, reports
from atpace.web.api.schemas import ClassOut, HeatmapOut, HeatmapRowOut
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text

router = APIRouter(tags=["classes"])


@router.get("/classes", response_model=list[ClassOut])
def list_classes(actor: ActorDep, session: SessionDep) -> list[ClassOut]:
    """Classes the actor teaches (teacher), is enrolled in (student) or all of the school (admin)."""
    return [ClassOut.model_validate(c, from_attributes=True) for c in reports.classes_for(session, actor)]


@router.get("/classes/{class_id}/heatmap", response_model=HeatmapOut)
def heatmap(
    class_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    sort: Annotated[
        str, Query(max_length=limits.KEY_MAX, description="name, average, mastered or a skill key"), Text
    ] = "name",
    desc: bool = False,
) -> HeatmapOut:
    data = reports.class_heatmap(session, actor, class_id, sort, desc)
    return HeatmapOut(
        class_id=data.class_id, class_name=data.class_name, course_title=data.course_title,
        mastery_threshold=data.threshold, skills=[{"key": k, "name": n} for k, n in data.skills],
        rows=[HeatmapRowOut.model_validate(r, from_attributes=True) for r in data.rows],
        sort=data.sort, descending=data.descending,
    )  # fmt: skip

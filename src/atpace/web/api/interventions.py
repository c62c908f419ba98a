from __future__ import annotations

from fastapi import APIRouter

from atpace.services import interventions
from atpace.services.access import get_student
from atpace.services.practice import practice_mode
from atpace.web.api.schemas import ModeOut, ModeRequest, OverrideOut, OverrideRequest
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId

router = APIRouter(tags=["teacher decisions"])


@router.post("/students/{student_id}/overrides", response_model=OverrideOut, status_code=201)
def add_override(
    student_id: PathId, body: OverrideRequest, actor: ActorDep, session: SessionDep
) -> OverrideOut:
    """Lock or unlock a skill for a student, saying why (the student's teachers and school admins)."""
    row = interventions.set_override(session, actor, student_id, body.skill_key, body.action, body.reason)
    return OverrideOut(
        id=row.id, skill_key=body.skill_key, action=row.action, reason=row.reason,
        decided_by=row.decided_by.display_name, created_at=row.created_at,
    )  # fmt: skip


@router.put("/students/{student_id}/mode", response_model=ModeOut)
def put_mode(student_id: PathId, body: ModeRequest, actor: ActorDep, session: SessionDep) -> ModeOut:
    """Fix the student's practice mode, or send `mode: null` to let recent answers decide again."""
    interventions.set_mode(session, actor, student_id, body.mode, body.reason)
    decision = practice_mode(session, get_student(session, actor, student_id))
    return ModeOut(mode=decision.mode, set_by=decision.set_by, reason=decision.reason, target=decision.target)

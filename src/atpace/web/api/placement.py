from __future__ import annotations

from fastapi import APIRouter

from atpace.services import placement
from atpace.web.api.schemas import PlacementAnswerRequest, PlacementItemOut, PlacementOut
from atpace.web.deps import ActorDep, SessionDep

router = APIRouter(tags=["placement"])


def placement_out(status: placement.PlacementStatus) -> PlacementOut:
    item = status.item
    return PlacementOut(
        started=status.started, finished=status.finished, items_used=status.items_used,
        max_items=status.max_items, placed_mastered=list(status.placed_mastered), stop_reason=status.stop_reason,
        item=PlacementItemOut(item_id=item.item_id, kind=item.kind, prompt=item.prompt, choices=list(item.choices))
        if item else None,
    )  # fmt: skip


@router.get("/placement", response_model=PlacementOut)
def get_placement(actor: ActorDep, session: SessionDep) -> PlacementOut:
    """The student's placement diagnostic: not started, running (with the question) or finished."""
    return placement_out(placement.status(session, actor))


@router.post("/placement", response_model=PlacementOut, status_code=201)
def start_placement(actor: ActorDep, session: SessionDep) -> PlacementOut:
    """Start the adaptive placement diagnostic (once per student)."""
    return placement_out(placement.start(session, actor))


@router.post("/placement/answers", response_model=PlacementOut)
def answer_placement(body: PlacementAnswerRequest, actor: ActorDep, session: SessionDep) -> PlacementOut:
    """Answer the question on screen; no feedback. When the test stops, starting mastery is set."""
    return placement_out(placement.answer(session, actor, body.item_id, body.response))

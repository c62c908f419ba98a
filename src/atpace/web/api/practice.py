from __future__ import annotations

from fastapi import APIRouter, Path

from atpace.services import practice
from atpace.web.api.schemas import (
    AttemptOut,
    AttemptRequest,
    HintOut,
    ItemOut,
    NextItemRequest,
    WorkedExampleOut,
)
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId

router = APIRouter(tags=["practice"])


def item_out(item: practice.PracticeItem) -> ItemOut:
    example = item.worked_example
    return ItemOut(
        item_id=item.item_id, skill_key=item.skill_key, skill_name=item.skill_name, kind=item.kind,
        prompt=item.prompt, choices=list(item.choices), hint_count=item.hint_count, mastery=item.mastery,
        reason=item.reason, mode=item.mode, mode_reason=item.mode_reason, target=item.target,
        predicted_success=item.predicted_success,
        worked_example=WorkedExampleOut(prompt=example[0], steps=list(example[1])) if example else None,
    )  # fmt: skip


def outcome_out(outcome: practice.AnswerOutcome) -> AttemptOut:
    return AttemptOut(
        attempt_id=outcome.attempt_id, correct=outcome.correct, message=outcome.message,
        correct_answer=outcome.correct_answer, worked_solution=list(outcome.worked_solution),
        skill_key=outcome.skill_key, skill_name=outcome.skill_name, prompt=outcome.prompt,
        response=outcome.response, mastery_before=outcome.mastery_before,
        mastery_after=outcome.mastery_after, mastered_now=outcome.mastered_now,
        newly_ready=list(outcome.newly_ready), replayed=outcome.replayed,
    )  # fmt: skip


@router.post("/practice/next", response_model=ItemOut)
def next_item(body: NextItemRequest, actor: ActorDep, session: SessionDep) -> ItemOut:
    """The next item: on `skill_key` if given (it must be ready), else on the recommended skill."""
    return item_out(practice.next_item(session, actor, body.skill_key, frozenset(body.exclude_item_ids)))


@router.get("/items/{item_id}/hints/{number}", response_model=HintOut)
def get_hint(
    item_id: PathId, actor: ActorDep, session: SessionDep, number: int = Path(ge=1, le=20)
) -> HintOut:
    text, count = practice.hint(session, actor, item_id, number)
    return HintOut(number=number, hint=text, hint_count=count)


@router.post("/attempts", response_model=AttemptOut, status_code=201)
def submit_attempt(body: AttemptRequest, actor: ActorDep, session: SessionDep) -> AttemptOut:
    """Answer an item. Repeating a `client_attempt_id` stores nothing new and returns the first result."""
    return outcome_out(practice.submit_answer(session, actor, practice.AnswerInput(**body.model_dump())))

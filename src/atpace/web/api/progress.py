from __future__ import annotations

from fastapi import APIRouter, Query

from atpace.services import reports
from atpace.services.progress import StudentProgress
from atpace.web.api.schemas import AttemptViewOut, EvidenceOut, ProgressOut, RecommendationOut, SkillOut
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId

router = APIRouter(tags=["progress"])


def progress_out(progress: StudentProgress) -> ProgressOut:
    recs = [RecommendationOut.model_validate(r, from_attributes=True) for r in progress.recommendations]
    return ProgressOut(
        student_id=progress.student.id,
        student_name=progress.student.display_name,
        course_id=progress.course.id,
        course_title=progress.course.title,
        mastery_threshold=progress.course.mastery_threshold,
        skills=[
            SkillOut(
                key=s.key,
                name=s.name,
                description=s.description,
                mastery=s.mastery,
                attempts=s.attempts,
                correct=s.correct,
                state=s.state,
                prerequisites=list(s.prerequisites),
                override=s.override,
            )
            for s in progress.skills.values()
        ],
        ready=progress.ready,
        recommendation=next((r for r in recs if r.kind != "placement"), None),
        recommendations=recs,
    )


@router.get("/students/me/progress", response_model=ProgressOut)
def my_progress(actor: ActorDep, session: SessionDep) -> ProgressOut:
    """The acting student's knowledge map: mastery per skill, ready skills and the recommendation."""
    return progress_out(reports.progress_of(session, actor, actor.user_id))


@router.get("/students/{student_id}/progress", response_model=ProgressOut)
def student_progress(student_id: PathId, actor: ActorDep, session: SessionDep) -> ProgressOut:
    return progress_out(reports.progress_of(session, actor, student_id))


@router.get("/students/{student_id}/attempts", response_model=list[AttemptViewOut])
def student_attempts(
    student_id: PathId, actor: ActorDep, session: SessionDep, limit: int = Query(20, ge=1, le=200)
) -> list[AttemptViewOut]:
    return [
        AttemptViewOut.model_validate(a, from_attributes=True)
        for a in reports.recent_attempts(session, actor, student_id, limit)
    ]


@router.get("/students/{student_id}/evidence", response_model=list[EvidenceOut])
def student_evidence(
    student_id: PathId, actor: ActorDep, session: SessionDep, limit: int = Query(20, ge=1, le=200)
) -> list[EvidenceOut]:
    """How the student's mastery moved, newest first: each piece of evidence, its kind and its effect."""
    return [
        EvidenceOut.model_validate(e, from_attributes=True)
        for e in reports.recent_evidence(session, actor, student_id, limit)
    ]

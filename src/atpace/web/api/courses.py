from __future__ import annotations

from fastapi import APIRouter

from atpace.services import courses
from atpace.services.access import get_course
from atpace.services.courses import CourseGraph
from atpace.web.api.schemas import CourseGraphOut, PrerequisiteRequest
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId

router = APIRouter(tags=["courses"])


def graph_out(graph: CourseGraph) -> CourseGraphOut:
    return CourseGraphOut(
        course_id=graph.course.id,
        title=graph.course.title,
        skills=[{"key": s.key, "name": s.name, "description": s.description} for s in graph.skills.values()],
        prerequisites={k: sorted(v) for k, v in graph.graph.prerequisites.items()},
    )


@router.get("/courses/{course_id}", response_model=CourseGraphOut)
def course_graph(course_id: PathId, actor: ActorDep, session: SessionDep) -> CourseGraphOut:
    return graph_out(courses.load_graph(session, get_course(session, actor, course_id)))


@router.post("/courses/{course_id}/prerequisites", response_model=CourseGraphOut, status_code=201)
def add_prerequisite(
    course_id: PathId, body: PrerequisiteRequest, actor: ActorDep, session: SessionDep
) -> CourseGraphOut:
    """Add a prerequisite edge (teachers and admins). A cycle is refused with 422 naming it."""
    return graph_out(
        courses.add_prerequisite(session, actor, course_id, body.skill_key, body.prerequisite_key)
    )

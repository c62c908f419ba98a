"""Shared makers for the choice board and project tests (service tests and the authorization matrix)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.services.choices import boards, projects
from atpace.store.tables import Rubric, RubricCriterion, Skill, utcnow
from tests.service.authz_grading import LEVELS
from tests.service.conftest import World, actor_of


@dataclass(frozen=True)
class RubricIds:
    rubric_id: int
    aligned_id: int  # aligned to the first skill of the course
    plain_id: int  # aligned to no skill
    skill_key: str
    skill_id: int


def skills_of(session: Session, course_id: int) -> list[Skill]:
    return list(session.scalars(select(Skill).where(Skill.course_id == course_id).order_by(Skill.position)))


def make_rubric(session: Session, world: World, *, skill_position: int = 0) -> RubricIds:
    skill = skills_of(session, world.course_id)[skill_position]
    rubric = Rubric(school_id=world.school_id, title="Show what you know", created_by_id=world.teacher_id)
    session.add(rubric)
    session.flush()
    aligned = RubricCriterion(
        rubric_id=rubric.id, position=0, title="Explains it", skill_id=skill.id, levels=LEVELS
    )
    plain = RubricCriterion(rubric_id=rubric.id, position=1, title="Presentation", levels=LEVELS[:2])
    session.add_all([aligned, plain])
    session.flush()
    return RubricIds(rubric.id, aligned.id, plain.id, skill.key, skill.id)


def make_board(
    session: Session, world: World, rubric: RubricIds, *, title: str = "Fractions: show it"
) -> boards.BoardView:
    teacher = actor_of(session, world.teacher_id)
    data = boards.BoardInput(
        title=title, skill_keys=[rubric.skill_key], rubric_id=rubric.rubric_id,
        due_on=utcnow().date() + timedelta(days=7),
        options=[
            boards.OptionInput("check"), boards.OptionInput("explanation", "Explain it in writing"),
            boards.OptionInput("product"), boards.OptionInput("conference"),
        ],
    )  # fmt: skip
    return boards.create_board(session, teacher, world.class_id, data)


def option_of(view: boards.BoardView, kind: str) -> int:
    return next(o.id for o in view.options if o.kind == kind)


def proposal(
    skill_key: str, *, start: date | None = None, title: str = "Fractions in music"
) -> projects.ProposalInput:
    day = start or utcnow().date() + timedelta(days=3)
    return projects.ProposalInput(
        title, "How do note lengths add up to a bar?", [skill_key],
        [projects.CheckpointInput("Research notes", day), projects.CheckpointInput("First draft", day + timedelta(7))],
    )  # fmt: skip


def make_project(
    session: Session, world: World, skill_key: str, *, student_id: int | None = None
) -> projects.ProjectView:
    student = actor_of(session, student_id or world.student_id)
    return projects.propose(session, student, proposal(skill_key))

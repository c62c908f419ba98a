"""Tables of choice boards and student projects (issue 11).

A choice board offers a class several ways to show mastery of some skills; each student picks one option
(``choice_picks``), hands in work for it when it takes work, and the teacher assesses it with the board's
rubric (``choice_assessments``). A project is a student's own proposal: every version of the proposal is
kept (``project_proposals``), the approved one's checkpoints become ``project_checkpoints`` (position 0 is
the final work), and the final rubric assessment is ``project_assessments``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from atpace.store.tables import Base, BigId, utcnow

OPTION_KINDS = ("check", "explanation", "product", "conference")
PICK_STATUSES = ("picked", "submitted", "assessed")
PROJECT_STATUSES = ("proposed", "changes_requested", "approved", "submitted", "assessed")
PROPOSAL_DECISIONS = ("approved", "changes")


class ChoiceBoard(Base):
    """Ways to show mastery of some skills (``skill_keys``, of the class's course), offered to one class."""

    __tablename__ = "choice_boards"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(BigId, ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    skill_keys: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rubric_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("rubrics.id", ondelete="RESTRICT"), default=None, index=True
    )
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChoiceOption(Base):
    """One way to show mastery on a board: a mastery check, a written explanation, a product, a conference."""

    __tablename__ = "choice_options"
    __table_args__ = (
        CheckConstraint("kind IN ('check', 'explanation', 'product', 'conference')", name="option_kind"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    board_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("choice_boards.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class ChoicePick(Base):
    """A student's pick on a board (one per student), and the work handed in for it (once)."""

    __tablename__ = "choice_picks"
    __table_args__ = (
        UniqueConstraint("board_id", "student_id", name="uq_choice_picks_board_student"),
        CheckConstraint("status IN ('picked', 'submitted', 'assessed')", name="pick_status"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    board_id: Mapped[int] = mapped_column(BigId, ForeignKey("choice_boards.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("choice_options.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="picked")
    picked_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)


class ChoicePickFile(Base):
    __tablename__ = "choice_pick_files"
    pick_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("choice_picks.id", ondelete="CASCADE"), primary_key=True
    )
    file_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("stored_files.id", ondelete="CASCADE"), primary_key=True
    )


class ChoiceAssessment(Base):
    """The teacher's rubric levels on a pick (``scores`` as in ``feedback.scores``) and what they did to
    mastery (``effects`` = [{"skill_key", "before", "after"}])."""

    __tablename__ = "choice_assessments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    pick_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("choice_picks.id", ondelete="CASCADE"), unique=True
    )
    teacher_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    rubric_id: Mapped[int] = mapped_column(BigId, ForeignKey("rubrics.id", ondelete="RESTRICT"), index=True)
    scores: Mapped[list[Any]] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    effects: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Project(Base):
    """A student's passion project in one of their classes; title, question and skills are the newest
    proposal's (``revision``)."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(
            "status IN ('proposed', 'changes_requested', 'approved', 'submitted', 'assessed')",
            name="project_status",
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(BigId, ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    skill_keys: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProjectProposal(Base):
    """One version of a proposal as the student sent it, and the teacher's decision on it (kept)."""

    __tablename__ = "project_proposals"
    __table_args__ = (
        UniqueConstraint("project_id", "version", name="uq_project_proposals_version"),
        CheckConstraint("decision IS NULL OR decision IN ('approved', 'changes')", name="proposal_decision"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    skill_keys: Mapped[list[Any]] = mapped_column(JSON, default=list)
    checkpoints: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"title", "due_on": "YYYY-MM-DD"}]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(16), default=None)
    decided_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    comment: Mapped[str] = mapped_column(Text, default="")


class ProjectCheckpoint(Base):
    """A checkpoint of an approved project (position 1..n; 0 is the final work): the student's work,
    handed in once, and the teacher's comment."""

    __tablename__ = "project_checkpoints"
    __table_args__ = (UniqueConstraint("project_id", "position", name="uq_project_checkpoints_position"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    body: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    commented_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    commented_at: Mapped[datetime | None] = mapped_column(default=None)


class ProjectCheckpointFile(Base):
    __tablename__ = "project_checkpoint_files"
    checkpoint_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("project_checkpoints.id", ondelete="CASCADE"), primary_key=True
    )
    file_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("stored_files.id", ondelete="CASCADE"), primary_key=True
    )


class ProjectAssessment(Base):
    """The final rubric assessment of a project (``scores`` as in ``feedback.scores``)."""

    __tablename__ = "project_assessments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    teacher_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    rubric_id: Mapped[int] = mapped_column(BigId, ForeignKey("rubrics.id", ondelete="RESTRICT"), index=True)
    scores: Mapped[list[Any]] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    effects: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

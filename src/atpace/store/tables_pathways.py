"""Tables of learning resources per skill and their use; mastery checks (issue 11)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from atpace.store.tables import Base, BigId, utcnow

CHECK_STATUSES = ("open", "passed", "failed")
RESOURCE_KINDS = ("worked_example", "reading", "video", "interactive", "peer_explanation")


class ClassCheckSetting(Base):
    """A class's choice that a skill counts as mastered only once a mastery check confirmed it."""

    __tablename__ = "class_check_settings"
    class_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    set_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MasteryCheck(Base):
    """One mastery check of a student on a skill: its fixed items, and once answered, passed or failed."""

    __tablename__ = "mastery_checks"
    __table_args__ = (CheckConstraint("status IN ('open', 'passed', 'failed')", name="check_status"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(BigId, ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(8), default="open")
    item_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)  # in the order asked
    mastery_start: Mapped[float] = mapped_column(Float)
    mastery_end: Mapped[float | None] = mapped_column(Float, default=None)
    right: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(String(300), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class MasteryCheckAnswer(Base):
    """One answer in a check; never changed. Idempotent on the client's attempt id, one answer per item."""

    __tablename__ = "mastery_check_answers"
    __table_args__ = (
        UniqueConstraint("check_id", "item_id", name="uq_mastery_check_answers_check_item"),
        UniqueConstraint("student_id", "client_attempt_id", name="uq_mastery_check_answers_student_client"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    check_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("mastery_checks.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(BigId, ForeignKey("items.id", ondelete="RESTRICT"), index=True)
    client_attempt_id: Mapped[str] = mapped_column(String(64))
    response: Mapped[str] = mapped_column(String(500))
    correct: Mapped[bool] = mapped_column(Boolean)
    mastery_before: Mapped[float] = mapped_column(Float)
    mastery_after: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LearningResource(Base):
    """One entry of a skill's playlist: a worked example, a reading, a video link, an interactive or
    manipulative, or a classmate's explanation. ``position`` orders the playlist."""

    __tablename__ = "learning_resources"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('worked_example', 'reading', 'video', 'interactive', 'peer_explanation')",
            name="resource_kind",
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(BigId, ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(BigId, ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ResourceUse(Base):
    """A student opened a resource (each opening is kept, with its time)."""

    __tablename__ = "resource_uses"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    resource_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("learning_resources.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    used_at: Mapped[datetime] = mapped_column(default=utcnow)

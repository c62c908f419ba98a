"""Tables of goals, self-ratings, reflections (issue 11).

Goals and journal entries are never deleted: a goal ends as met, missed or dropped and stays in the history.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from atpace.store.tables import Base, BigId, utcnow

GOAL_KINDS = ("skills", "time")
GOAL_STATUSES = ("active", "met", "missed", "dropped")
JOURNAL_CONTEXTS = ("practice", "work", "goal", "free")


class Goal(Base):
    """A student's goal: skills to master by a date, or minutes of practice per week until a date."""

    __tablename__ = "goals"
    __table_args__ = (
        CheckConstraint("kind IN ('skills', 'time')", name="kind"),
        CheckConstraint("status IN ('active', 'met', 'missed', 'dropped')", name="status"),
        CheckConstraint("minutes_per_week IS NULL OR minutes_per_week > 0", name="minutes_positive"),
        Index("ix_goals_student_created", "student_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(BigId, ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    minutes_per_week: Mapped[int | None] = mapped_column(Integer, default=None)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    cosigned_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    cosigned_at: Mapped[datetime | None] = mapped_column(default=None)


class GoalSkill(Base):
    __tablename__ = "goal_skills"
    goal_id: Mapped[int] = mapped_column(BigId, ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True
    )


class GoalComment(Base):
    __tablename__ = "goal_comments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int] = mapped_column(BigId, ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SelfRating(Base):
    """A student's "I can ..." rating of a skill; every rating is kept, the newest counts."""

    __tablename__ = "self_ratings"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 4", name="rating_range"),
        Index("ix_self_ratings_student_skill_time", "student_id", "skill_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(BigId, ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JournalEntry(Base):
    """A reflection: after practice, on returned work, at the end of a goal, or free."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        CheckConstraint("context IN ('practice', 'work', 'goal', 'free')", name="context"),
        # one end-of-period reflection per goal
        UniqueConstraint("goal_id"),
        Index("ix_journal_entries_student_created", "student_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    context: Mapped[str] = mapped_column(String(8))
    skill_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("skills.id", ondelete="SET NULL"), default=None
    )
    assignment_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("assignments.id", ondelete="SET NULL"), default=None, index=True
    )
    goal_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("goals.id", ondelete="CASCADE"), default=None
    )
    helped: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Tables of leveled texts, reading levels, comprehension answers (issue 11, docs/readings.md)."""

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


class Reading(Base):
    """One text of a course, written in two to five versions of different complexity."""

    __tablename__ = "readings"
    __table_args__ = (UniqueConstraint("course_id", "key", name="uq_readings_course_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(BigId, ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReadingVersion(Base):
    """One version of a reading, easiest first (``position`` 0); readability is worked out on save."""

    __tablename__ = "reading_versions"
    __table_args__ = (
        UniqueConstraint("reading_id", "position", name="uq_reading_versions_reading_position"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reading_id: Mapped[int] = mapped_column(BigId, ForeignKey("readings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    flesch_kincaid_grade: Mapped[float] = mapped_column(Float)
    dale_chall: Mapped[float] = mapped_column(Float)
    words: Mapped[int] = mapped_column(Integer)
    sentences: Mapped[int] = mapped_column(Integer)
    words_per_sentence: Mapped[float] = mapped_column(Float)
    letters_per_word: Mapped[float] = mapped_column(Float)
    estimated_grade: Mapped[float] = mapped_column(Float)
    grade_band: Mapped[str] = mapped_column(String(16))


class ReadingQuestion(Base):
    """A comprehension question on one version; ``answer`` is an answer spec (docs/course-package.md) of a
    multiple-choice or short-text item. An edited reading gets new question rows; answered ones stay."""

    __tablename__ = "reading_questions"
    __table_args__ = (CheckConstraint("kind IN ('multiple_choice', 'short_text')", name="question_kind"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    version_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("reading_versions.id", ondelete="SET NULL"), default=None, index=True
    )
    reading_id: Mapped[int] = mapped_column(BigId, ForeignKey("readings.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(BigId, ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    prompt: Mapped[str] = mapped_column(Text)
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReadingLevel(Base):
    """A student's reading level in one course (a grade): estimated from the texts finished since
    ``started_at`` around ``start_level`` (docs/readings.md), or set and locked by a teacher."""

    __tablename__ = "reading_levels"
    __table_args__ = (
        UniqueConstraint("student_id", "course_id", name="uq_reading_levels_student_course"),
        CheckConstraint("level >= 1 AND level <= 13", name="level_range"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(BigId, ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    level: Mapped[float] = mapped_column(Float)
    start_level: Mapped[float] = mapped_column(
        Float
    )  # the course grade, the student's, or a teacher's setting
    started_at: Mapped[datetime] = mapped_column(default=utcnow)  # texts finished from then on count
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    set_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )  # the teacher who last set or locked it (None: estimated)
    texts: Mapped[int] = mapped_column(Integer, default=0)  # finished texts that counted
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReadingAnswer(Base):
    """A student's answer to one comprehension question: the first one counts and is kept (one per
    question, so a repeated or concurrent answer returns the stored result)."""

    __tablename__ = "reading_answers"
    __table_args__ = (
        UniqueConstraint("student_id", "question_id", name="uq_reading_answers_student_question"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("reading_questions.id", ondelete="CASCADE"), index=True
    )
    response: Mapped[str] = mapped_column(String(500))
    correct: Mapped[bool] = mapped_column(Boolean)
    mastery_before: Mapped[float] = mapped_column(Float)
    mastery_after: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReadingResult(Base):
    """A finished version (every question answered): its score and what it did to the reading level."""

    __tablename__ = "reading_results"
    __table_args__ = (
        UniqueConstraint("student_id", "version_id", name="uq_reading_results_student_version"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reading_id: Mapped[int] = mapped_column(BigId, ForeignKey("readings.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("reading_versions.id", ondelete="SET NULL"), default=None, index=True
    )
    right_answers: Mapped[int] = mapped_column(Integer)
    questions: Mapped[int] = mapped_column(Integer)
    estimated_grade: Mapped[float] = mapped_column(Float)  # of the version read
    direction: Mapped[str] = mapped_column(String(8))  # at, up (read up), down (read down)
    counted: Mapped[bool] = mapped_column(Boolean)  # the first version of the reading finished: it counts
    level_before: Mapped[float] = mapped_column(Float)
    level_after: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

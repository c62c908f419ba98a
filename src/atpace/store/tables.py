"""SQLAlchemy 2 typed models. Every row of school data carries its school_id; nothing crosses schools."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from atpace.engine.policy.progression import MASTERY_THRESHOLD_RANGE

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Ids are 64-bit everywhere (the API accepts ids up to 2**63 - 1). On SQLite an INTEGER PRIMARY KEY is
# already 64-bit and must keep that exact type to stay the rowid (autoincrement).
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite stores no zone; we put UTC back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; atpace stores UTC-aware timestamps only")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        # PostgreSQL answers in the session's time zone, which need not be UTC.
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Role(enum.StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    ADMIN = "admin"  # school administrator


SOURCED_ID_MAX = 255  # OneRoster sourcedIds (external ids), kept as given


class School(Base):
    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sourced_id: Mapped[str | None] = mapped_column(String(SOURCED_ID_MAX), default=None, unique=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    # Login names are unique across the installation so that a login never has to name its school.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            native_enum=False,
            length=16,
            validate_strings=True,
            values_callable=lambda roles: [role.value for role in roles],
        )
    )
    password_hash: Mapped[str] = mapped_column(String(255))  # "" : no password (sign-in link or SSO only)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)  # False: deactivated, data kept
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(default=None)
    sourced_id: Mapped[str | None] = mapped_column(String(SOURCED_ID_MAX), default=None)
    given_name: Mapped[str] = mapped_column(String(120), default="")
    family_name: Mapped[str] = mapped_column(String(120), default="")
    grade: Mapped[str] = mapped_column(String(32), default="")  # e.g. "04" (OneRoster grades)

    school: Mapped[School] = relationship()

    __table_args__ = (UniqueConstraint("school_id", "sourced_id", name="uq_users_school_sourced_id"),)


class AuthToken(Base):
    """A browser session or an API bearer token; only a SHA-256 of the secret is stored."""

    __tablename__ = "auth_tokens"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "session" | "api"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship()


class Course(Base):
    __tablename__ = "courses"
    __table_args__ = (
        UniqueConstraint("school_id", "key"),
        # The engine's MasteryRule accepts exactly this range; both read one constant.
        CheckConstraint(
            f"mastery_threshold >= {MASTERY_THRESHOLD_RANGE[0]} AND mastery_threshold < {MASTERY_THRESHOLD_RANGE[1]}",
            name="threshold_range",
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    grades: Mapped[str] = mapped_column(String(32), default="")
    mastery_threshold: Mapped[float] = mapped_column(Float, default=0.95)
    version: Mapped[str] = mapped_column(String(64), default="")  # the course package's content version


class Skill(Base):
    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("course_id", "key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(BigId, ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    grade: Mapped[int | None] = mapped_column(Integer, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)


class SkillPrerequisite(Base):
    __tablename__ = "skill_prerequisites"
    __table_args__ = (CheckConstraint("skill_id <> prerequisite_id", name="not_self"),)
    skill_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True
    )
    prerequisite_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ItemTemplate(Base):
    __tablename__ = "item_templates"
    __table_args__ = (UniqueConstraint("course_id", "key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(BigId, ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")


class Item(Base):
    """One version of an item. An answered item is never changed in place: an edit adds the next version
    (same key, ``is_current`` moves to it) and every attempt keeps the version it answered."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("course_id", "key", "version", name="uq_items_course_key_version"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(BigId, ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("item_templates.id", ondelete="SET NULL"), default=None, index=True
    )
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    prompt: Mapped[str] = mapped_column(Text)
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    hints: Mapped[list[Any]] = mapped_column(JSON, default=list)
    worked_solution: Mapped[list[Any]] = mapped_column(JSON, default=list)
    difficulty: Mapped[float] = mapped_column(Float, default=0.0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime | None] = mapped_column(default=utcnow)  # None: made before versions


class ItemSkill(Base):
    __tablename__ = "item_skills"
    item_id: Mapped[int] = mapped_column(BigId, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Classroom(Base):
    __tablename__ = "classes"
    __table_args__ = (UniqueConstraint("school_id", "sourced_id", name="uq_classes_school_sourced_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    # None: no course chosen yet (a class imported from a roster waits for the admin's choice).
    course_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("courses.id", ondelete="RESTRICT"), index=True, default=None
    )
    name: Mapped[str] = mapped_column(String(120))
    archived_at: Mapped[datetime | None] = mapped_column(default=None)  # archived: read-only, kept
    join_code: Mapped[str | None] = mapped_column(String(16), default=None, unique=True)
    sourced_id: Mapped[str | None] = mapped_column(String(SOURCED_ID_MAX), default=None)
    class_code: Mapped[str] = mapped_column(String(64), default="")
    # The OneRoster course of an imported class: linking that course to an atpace course gives the class it.
    roster_course_sourced_id: Mapped[str] = mapped_column(String(SOURCED_ID_MAX), default="")
    created_at: Mapped[datetime | None] = mapped_column(default=utcnow)

    course: Mapped[Course | None] = relationship()


TEACHER_ROLES = ("teacher", "co-teacher")


class ClassTeacher(Base):
    __tablename__ = "class_teachers"
    __table_args__ = (CheckConstraint("role IN ('teacher', 'co-teacher')", name="role_kind"),)
    class_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="teacher")


class Enrollment(Base):
    __tablename__ = "enrollments"
    class_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    sourced_id: Mapped[str | None] = mapped_column(String(SOURCED_ID_MAX), default=None)
    created_at: Mapped[datetime | None] = mapped_column(default=utcnow)


class SignInLink(Base):
    """A one-time sign-in link (first sign-in of an imported user, or a password reset made by an admin).
    Only a SHA-256 of the secret is stored; the link works once, before it expires."""

    __tablename__ = "sign_in_links"
    __table_args__ = (CheckConstraint("purpose IN ('first-sign-in', 'password-reset')", name="purpose_kind"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class AcademicSession(Base):
    """A OneRoster academic session (school year, term, grading period), kept for classes and reports."""

    __tablename__ = "academic_sessions"
    __table_args__ = (
        UniqueConstraint("school_id", "sourced_id", name="uq_academic_sessions_school_sourced_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    sourced_id: Mapped[str] = mapped_column(String(SOURCED_ID_MAX))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # schoolYear, term, semester, gradingPeriod
    start_date: Mapped[str] = mapped_column(String(10), default="")  # ISO date
    end_date: Mapped[str] = mapped_column(String(10), default="")
    parent_sourced_id: Mapped[str] = mapped_column(String(SOURCED_ID_MAX), default="")
    school_year: Mapped[str] = mapped_column(String(8), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class RosterCourse(Base):
    """A OneRoster course (a catalogue entry such as "Grade 4 Math"); ``course_id`` links it to the
    atpace course its classes use, once an admin has chosen one."""

    __tablename__ = "roster_courses"
    __table_args__ = (
        UniqueConstraint("school_id", "sourced_id", name="uq_roster_courses_school_sourced_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    sourced_id: Mapped[str] = mapped_column(String(SOURCED_ID_MAX))
    title: Mapped[str] = mapped_column(String(200))
    course_code: Mapped[str] = mapped_column(String(64), default="")
    grades: Mapped[str] = mapped_column(String(64), default="")
    course_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("courses.id", ondelete="SET NULL"), default=None
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Demographics(Base):
    """A student's OneRoster demographics, kept as imported for the equity report; sensitive, admin only."""

    __tablename__ = "demographics"
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RosterImport(Base):
    """One roster import (dry run or applied): who, when, and the report it produced."""

    __tablename__ = "roster_imports"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied: Mapped[bool] = mapped_column(Boolean)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)


class StandardFramework(Base):
    """A CASE framework (CFDocument) imported into a school, with its items."""

    __tablename__ = "standard_frameworks"
    __table_args__ = (
        UniqueConstraint("school_id", "identifier", name="uq_standard_frameworks_school_identifier"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    identifier: Mapped[str] = mapped_column(String(255))
    uri: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(500))
    creator: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[str] = mapped_column(String(64), default="")
    document: Mapped[dict[str, Any]] = mapped_column(JSON)  # the CFDocument as read, unknown fields kept
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class StandardItem(Base):
    """One CFItem of a framework: a standard with its code and statement."""

    __tablename__ = "standard_items"
    __table_args__ = (
        UniqueConstraint("framework_id", "identifier", name="uq_standard_items_framework_identifier"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    framework_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("standard_frameworks.id", ondelete="CASCADE"), index=True
    )
    identifier: Mapped[str] = mapped_column(String(255))
    uri: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str] = mapped_column(String(255), default="")  # humanCodingScheme
    statement: Mapped[str] = mapped_column(Text)
    item_type: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)  # outline order
    depth: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the CFItem as read


class SkillStandard(Base):
    """A standard a skill is aligned to: its code and statement as the course states them (and the
    framework item's identifier when known), so a course package carries them without a framework."""

    __tablename__ = "skill_standards"
    skill_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(255), primary_key=True)
    statement: Mapped[str] = mapped_column(Text)
    framework_identifier: Mapped[str] = mapped_column(String(255), default="")
    item_identifier: Mapped[str] = mapped_column(String(255), default="")
    uri: Mapped[str] = mapped_column(Text, default="")


class Attempt(Base):
    """One response to one item. Immutable once stored (see the guard below)."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("student_id", "client_attempt_id"),
        CheckConstraint("confidence IS NULL OR (confidence BETWEEN 1 AND 4)", name="confidence_range"),
        CheckConstraint("hints_used >= 0", name="hints_nonnegative"),
        CheckConstraint("duration_ms IS NULL OR duration_ms >= 0", name="duration_nonnegative"),
        Index("ix_attempts_student_time", "student_id", "created_at"),
        # a student's newest answers per skill (Today's stuck rule) without sorting the class's answers
        Index("ix_attempts_student_skill_time", "student_id", "skill_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(BigId, ForeignKey("items.id", ondelete="RESTRICT"), index=True)
    skill_id: Mapped[int] = mapped_column(BigId, ForeignKey("skills.id", ondelete="RESTRICT"), index=True)
    client_attempt_id: Mapped[str] = mapped_column(String(64))
    response: Mapped[str] = mapped_column(String(500))
    correct: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    duration_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    hints_used: Mapped[int] = mapped_column(Integer, default=0)
    confidence: Mapped[int | None] = mapped_column(Integer, default=None)
    # The learner state this attempt produced, kept so that a retried request returns the first result.
    mastery_before: Mapped[float] = mapped_column(Float)
    mastery_after: Mapped[float] = mapped_column(Float)

    item: Mapped[Item] = relationship()


class LearnerState(Base):
    __tablename__ = "learner_states"
    __table_args__ = (UniqueConstraint("student_id", "skill_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(BigId, ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    p_learned: Mapped[float] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    mastered_at: Mapped[datetime | None] = mapped_column(default=None)


class Evidence(Base):
    """One piece of evidence about a student and a skill, and how it moved the learner model.

    Written only by ``atpace.services.evidence`` (the one path into learner state); ``kind`` is one of
    ``atpace.engine.evidence.EVIDENCE_KINDS``.
    """

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_student_skill_time", "student_id", "skill_id", "created_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(BigId, ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    attempt_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("attempts.id", ondelete="CASCADE"), default=None, index=True
    )
    item_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("items.id", ondelete="SET NULL"), default=None, index=True
    )
    correct: Mapped[bool | None] = mapped_column(Boolean, default=None)
    p_before: Mapped[float] = mapped_column(Float)
    p_after: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # rubric evidence: the feedback that gave the level (kept if the feedback row goes)
    feedback_id: Mapped[int | None] = mapped_column(BigId, default=None, index=True)
    credit: Mapped[float | None] = mapped_column(Float, default=None)  # rubric level as a 0..1 credit


class LearnerModelParameters(Base):
    """Versioned learner-model parameters (JSON); the newest row of a course is used by practice."""

    __tablename__ = "learner_model_parameters"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(BigId, ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    model: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("course_id", "model", "version"),)


class ImmutableRowError(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _attempts_are_immutable(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, Attempt) and session.is_modified(obj):
            raise ImmutableRowError("attempts are immutable once stored")
    for obj in session.deleted:
        if isinstance(obj, Attempt):
            raise ImmutableRowError("attempts are immutable once stored")


class SkillOverride(Base):
    """A teacher's decision to lock, unlock or clear (follow mastery again) a skill for one student; the
    newest per skill is in force."""

    __tablename__ = "skill_overrides"
    __table_args__ = (
        CheckConstraint("action IN ('lock', 'unlock', 'clear')", name="action_kind"),
        Index("ix_skill_overrides_student_skill", "student_id", "skill_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(BigId, ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(300))
    decided_by_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])


class PracticeModeSetting(Base):
    """A teacher's choice of practice mode for a student (absent: the mode follows recent answers)."""

    __tablename__ = "practice_mode_settings"
    __table_args__ = (CheckConstraint("mode IN ('standard', 'challenge', 'support')", name="mode_kind"),)
    student_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(300), default="")
    set_by_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewMemory(Base):
    """The FSRS memory state of a mastered skill (JSON from atpace.engine.policy.ReviewState)."""

    __tablename__ = "review_memories"
    __table_args__ = (UniqueConstraint("student_id", "skill_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(BigId, ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlacementSession(Base):
    """A student's placement diagnostic: the engine's JSON state and the item on screen."""

    __tablename__ = "placement_sessions"
    student_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(BigId, ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(Text)
    current_item_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("items.id", ondelete="SET NULL"), default=None
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


# --- The teacher's week: groups, assignments, submissions, rubrics, feedback, messages, strategies ---------


class Strategy(Base):
    """A teaching strategy in the school's shared library (never seen by another school)."""

    __tablename__ = "strategies"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    grade_band: Mapped[str] = mapped_column(String(32), default="")  # e.g. "3-5"
    needs: Mapped[list[Any]] = mapped_column(JSON, default=list)  # needs it serves, in teachers' words
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class StrategySkill(Base):
    __tablename__ = "strategy_skills"
    strategy_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("strategies.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class StoredFile(Base):
    """An uploaded file kept under the data folder (``path`` is relative to it, never chosen by the user)."""

    __tablename__ = "stored_files"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    name: Mapped[str] = mapped_column(String(255))  # the safe display name
    path: Mapped[str] = mapped_column(String(255), unique=True)
    media_type: Mapped[str] = mapped_column(String(100))  # as found from the content
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StrategyMaterial(Base):
    """A material attached to a strategy: a link or an uploaded file."""

    __tablename__ = "strategy_materials"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    strategy_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500), default="")
    file_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("stored_files.id", ondelete="SET NULL"), default=None
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class StrategyComment(Base):
    __tablename__ = "strategy_comments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    strategy_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StudentGroup(Base):
    """A dated, short-lived group of a class's students with a shared need (suggested from data or made by
    the teacher). ``baseline`` keeps each member's P(learned) on the focus skills when it was saved."""

    __tablename__ = "student_groups"
    __table_args__ = (CheckConstraint("kind IN ('ready', 'needs', 'extend', 'custom')", name="group_kind"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(BigId, ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="custom")
    # The skill the group's need is about (None: a group the teacher made by hand).
    skill_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("skills.id", ondelete="SET NULL"), default=None
    )
    focus: Mapped[list[Any]] = mapped_column(JSON, default=list)  # focus skill keys
    activity: Mapped[str] = mapped_column(Text, default="")  # the suggested activity, editable
    strategy_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("strategies.id", ondelete="SET NULL"), default=None
    )
    baseline: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {student id: {skill key: p}}
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dissolved_at: Mapped[datetime | None] = mapped_column(default=None)


class StudentGroupMember(Base):
    __tablename__ = "student_group_members"
    group_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("student_groups.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class StrategyUse(Base):
    """A teacher's log that a strategy was used (with a group: its mastery before and two weeks after)."""

    __tablename__ = "strategy_uses"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    strategy_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    teacher_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    class_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("classes.id", ondelete="SET NULL"), default=None
    )
    group_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("student_groups.id", ondelete="SET NULL"), default=None, index=True
    )
    used_on: Mapped[datetime] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rubric(Base):
    """Criteria x levels, reusable across the school's assignments."""

    __tablename__ = "rubrics"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)


class RubricCriterion(Base):
    """One criterion; ``levels`` are ordered lowest first: [{"title", "description", "points"}]. A criterion
    aligned to a skill turns the level given into evidence for that skill."""

    __tablename__ = "rubric_criteria"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rubric_id: Mapped[int] = mapped_column(BigId, ForeignKey("rubrics.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    skill_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("skills.id", ondelete="SET NULL"), default=None
    )
    levels: Mapped[list[Any]] = mapped_column(JSON)


class Assignment(Base):
    """Work a teacher set: practice to mastery on skills, an open task, or a project with checkpoints, for
    the whole class (its students now and later), a group or named students (``assignment_recipients``)."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("kind IN ('practice', 'task', 'project')", name="assignment_kind"),
        CheckConstraint("target IN ('class', 'group', 'students')", name="target_kind"),
        CheckConstraint("due_at IS NULL OR due_at >= open_at", name="due_after_open"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(BigId, ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    skill_keys: Mapped[list[Any]] = mapped_column(JSON, default=list)  # practice: skills to master
    rubric_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("rubrics.id", ondelete="RESTRICT"), default=None, index=True
    )
    accepts_text: Mapped[bool] = mapped_column(Boolean, default=True)
    accepts_files: Mapped[bool] = mapped_column(Boolean, default=False)
    target: Mapped[str] = mapped_column(String(16), default="class")
    group_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("student_groups.id", ondelete="SET NULL"), default=None
    )
    open_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)


class AssignmentRecipient(Base):
    """A named recipient of a group or students assignment (a group's members as they were when assigned)."""

    __tablename__ = "assignment_recipients"
    assignment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AssignmentCheckpoint(Base):
    """A step of a project; submissions name it by ``position`` (1, 2, ...)."""

    __tablename__ = "assignment_checkpoints"
    __table_args__ = (UniqueConstraint("assignment_id", "position", name="uq_assignment_checkpoints_position"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime | None] = mapped_column(default=None)


class AssignmentExtension(Base):
    """A later due date for one student (the newest decision in force; one row per student)."""

    __tablename__ = "assignment_extensions"
    assignment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    due_at: Mapped[datetime] = mapped_column()
    reason: Mapped[str] = mapped_column(String(300), default="")
    granted_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssignmentCompletion(Base):
    """A practice-to-mastery assignment done: every skill mastered (recorded when it happened)."""

    __tablename__ = "assignment_completions"
    assignment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


SUBMISSION_STATUSES = ("submitted", "returned", "graded")


class Submission(Base):
    """One version of a student's work on an assignment (``step`` 0) or a project checkpoint (its position).
    Versions are never overwritten: a resubmission adds the next one."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("assignment_id", "student_id", "step", "version", name="uq_submissions_version"),
        CheckConstraint("status IN ('submitted', 'returned', 'graded')", name="status_kind"),
        Index("ix_submissions_assignment_student", "assignment_id", "student_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(BigId, ForeignKey("assignments.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    body: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="submitted")


class SubmissionFile(Base):
    __tablename__ = "submission_files"
    submission_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    file_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("stored_files.id", ondelete="CASCADE"), primary_key=True
    )


class Feedback(Base):
    """A teacher's feedback on one submission: a rubric level and comment per criterion
    (``scores`` = [{"criterion_id", "level", "comment"}], level indexes the criterion's levels), an overall
    comment, and the decision: graded, or returned for revision."""

    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint("decision IN ('graded', 'returned')", name="decision_kind"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("submissions.id", ondelete="CASCADE"), unique=True
    )
    teacher_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    scores: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(Base):
    """A note to one user in the app (feedback, a comment, an extension); unread until they open it."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_recipient_read", "recipient_id", "read_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[str] = mapped_column(String(16))  # feedback, returned, comment, extension, assigned
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")  # a same-site path
    assignment_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("assignments.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(default=None)


# The tables of later features live in their own modules; importing them here puts them in Base.metadata
# (migrations are checked against it) whichever module is imported first.
from atpace.store import (  # noqa: E402, F401
    tables_agency,
    tables_audit,
    tables_choices,
    tables_equity,
    tables_exports,
    tables_jobs,
    tables_lti,
    tables_pathways,
    tables_privacy,
    tables_readings,
    tables_security,
    tables_xapi,
)

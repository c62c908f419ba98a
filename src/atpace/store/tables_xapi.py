"""Tables of xAPI statements waiting in the outbox for the Learning Record Store (migration 0015).

- ``xapi_lrs``: a school's Learning Record Store (endpoint, Basic auth key and secret, on/off, and the
  ``home_page`` that names the school's accounts). A school without a row (or switched off) writes nothing.
- ``xapi_accounts``: each student's random xAPI account name. The LRS sees only this name under the
  school's home page, never a name or an e-mail address; dropping the row makes the statements already
  sent unlinkable to the student.
- ``xapi_outbox``: one row per statement, written in the transaction of the event it records. The
  statement's id is drawn when the row is written and is inside ``statement`` (the exact JSON text sent),
  so every resend carries the same id and the LRS stores it once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from atpace.store.tables import Base, BigId, utcnow

ENDPOINT_MAX = 500
KEY_MAX = 200
SECRET_MAX = 500
ERROR_MAX = 500
VERB_MAX = 24


class XapiLrs(Base):
    """A school's Learning Record Store, set by the school's administrators (docs/xapi.md)."""

    __tablename__ = "xapi_lrs"
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(ENDPOINT_MAX))  # ends with a slash: .../xAPI/
    home_page: Mapped[str] = mapped_column(String(ENDPOINT_MAX))  # the accounts' homePage
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    secret: Mapped[str] = mapped_column(String(SECRET_MAX))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class XapiAccount(Base):
    """A student's pseudonymous xAPI account name (random; the only thing the LRS knows of the student)."""

    __tablename__ = "xapi_accounts"
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class XapiOutbox(Base):
    """One statement waiting for (or delivered to) the school's LRS."""

    __tablename__ = "xapi_outbox"
    __table_args__ = (
        # the sender's question: what is due (unsent, not given up, next try passed), oldest first
        Index("ix_xapi_outbox_due", "sent_at", "next_attempt_at"),
        Index("ix_xapi_outbox_school_sent", "school_id", "sent_at"),
        Index("ix_xapi_outbox_student", "student_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"))
    # None once the student's data is erased (a statement already sent is kept, unlinked)
    student_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    verb: Mapped[str] = mapped_column(String(VERB_MAX))  # answered, mastered, ... (docs/xapi.md)
    statement: Mapped[str] = mapped_column(Text)  # the JSON text sent, byte for byte, every time
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(ERROR_MAX), default="")
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    rejected_at: Mapped[datetime | None] = mapped_column(default=None)  # the LRS refused it: not retried

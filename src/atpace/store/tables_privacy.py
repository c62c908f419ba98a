"""Tables of privacy (migration 0017): requests to erase a student's data (docs/privacy.md).

A request is made by one of the school's administrators, confirmed by a second, different one, and carried
out once its grace period has passed (``executes_after``); until then any of the school's administrators
may cancel it. The row outlives the erasure as its record: it keeps ids and times only (the reason typed
by the administrator is scrubbed of the student's name when the erasure runs).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from atpace.store.tables import Base, BigId, utcnow

REASON_MAX = 300
OPEN = "executed_at IS NULL AND cancelled_at IS NULL"


class ErasureRequest(Base):
    __tablename__ = "erasure_requests"
    __table_args__ = (
        # One open request per student: two admins asking at once make one request, not two.
        Index(
            "uq_erasure_requests_open_student",
            "student_id",
            unique=True,
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
        Index("ix_erasure_requests_due", "executes_after"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    # The student's row stays as a tombstone after the erasure, so the id keeps pointing at it.
    student_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    requested_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    executes_after: Mapped[datetime | None] = mapped_column(default=None)  # set by the confirmation
    executed_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)

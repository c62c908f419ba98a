"""Tables of exports of attempts, mastery and grades, with their progress (migration 0016).

One row per export asked for (docs/exports.md): who asked, for which school and class (none: the whole
school), what (``kind``) in which ``format``, where it stands (``status``, ``rows_done`` of ``rows_total``)
and, once done, the file's path relative to the exports folder. Old files are deleted after ``expires_at``
(``atpace.services.exports.clean_expired``) and their rows with them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from atpace.store.tables import Base, BigId, utcnow

EXPORT_KINDS = ("attempts", "mastery", "grades")
EXPORT_FORMATS = ("csv", "parquet")
EXPORT_STATUSES = ("queued", "running", "done", "failed")
ERROR_MAX = 500


class Export(Base):
    """One export of a class's or a school's attempts, mastery or grades, as CSV or Parquet."""

    __tablename__ = "exports"
    __table_args__ = (
        CheckConstraint("kind IN ('attempts', 'mastery', 'grades')", name="kind_known"),
        CheckConstraint("format IN ('csv', 'parquet')", name="format_known"),
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
        CheckConstraint("rows_done >= 0", name="rows_done_nonnegative"),
        Index("ix_exports_school_created", "school_id", "created_at"),
        Index("ix_exports_requested_by", "requested_by_id", "created_at"),
        Index("ix_exports_expires", "expires_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"))
    # None: asked from the command line, or the account has since been deleted
    requested_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    # None: the whole school (administrators only)
    class_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("classes.id", ondelete="CASCADE"), default=None, index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int | None] = mapped_column(Integer, default=None)  # None: not counted yet
    file_path: Mapped[str | None] = mapped_column(String(255), default=None)  # relative to the exports dir
    size: Mapped[int | None] = mapped_column(BigInteger, default=None)  # bytes, once done
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)

"""Tables of the equity report (issue 12, migration 0019): the subgroups a school chooses to record.

Nothing is recorded unless the school chooses: ``equity_categories`` holds the categories an administrator
has chosen (none by default), ``subgroup_values`` the values an administrator set for a student (one at a
time or by CSV). Values from a OneRoster ``demographics.csv`` are not copied here: the roster import keeps
that file's rows in ``demographics`` and the equity service reads a chosen category's value from there when
no administrator has set one (``atpace.services.equity.subgroups``), so a later import is always in force.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from atpace.store.tables import Base, BigId, utcnow

CATEGORY_MAX = 32
VALUE_MAX = 64
SOURCES = ("admin",)  # where a stored value came from; OneRoster values are read from ``demographics``


class EquityCategory(Base):
    """A subgroup category the school records (a row per category chosen; none by default)."""

    __tablename__ = "equity_categories"
    school_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(CATEGORY_MAX), primary_key=True)
    chosen_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)


class SubgroupValue(Base):
    """One student's value in one category, set by an administrator (it wins over demographics.csv)."""

    __tablename__ = "subgroup_values"
    __table_args__ = (
        CheckConstraint("source IN ('admin')", name="source_kind"),
        Index("ix_subgroup_values_school_category", "school_id", "category"),
    )
    student_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(CATEGORY_MAX), primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(VALUE_MAX))
    source: Mapped[str] = mapped_column(String(16), default="admin")
    set_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

"""The audit log's table (issue 12): an append-only record of who did what and when.

Append-only is enforced three times: ``atpace.services.audit`` offers only ``record`` and reads; the ORM
guard below refuses to flush a changed or deleted entry; and database triggers (migration 0012) refuse
``UPDATE`` and ``DELETE`` on PostgreSQL and SQLite, whatever the client.

The one deletion the triggers allow is the cascade of a school's own deletion: the entries go with their
school like every other row of school data (``ON DELETE CASCADE``), and the DELETE trigger lets a row go
only once its school row is gone, which no statement on ``audit_entries`` alone can arrange. Entries with
no school (a failed sign-in for an unknown login) are never deleted.

Who and what are ids, not names or e-mail addresses, so that the log holds as little personal data as it
can; ``actor_id`` and ``subject_id`` have no foreign keys so that an entry outlives the rows it names.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, object_session

from atpace.store.tables import Base, BigId, ImmutableRowError, utcnow

ACTION_MAX = 40
SUBJECT_KIND_MAX = 24
CLIENT_MAX = 64  # an IPv6 address with a zone fits


class AuditEntry(Base):
    """One thing someone did (vocabulary: ``atpace.services.audit.ACTIONS``, docs/audit.md)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_school_at", "school_id", "at"),
        Index("ix_audit_entries_school_subject", "school_id", "subject_kind", "subject_id"),
        Index("ix_audit_entries_school_actor", "school_id", "actor_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # None: an installation-wide entry (a failed sign-in for a login that names no account).
    school_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("schools.id", ondelete="CASCADE"), default=None
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(BigId, default=None)  # None: unknown account, or the CLI
    action: Mapped[str] = mapped_column(String(ACTION_MAX))
    subject_kind: Mapped[str | None] = mapped_column(String(SUBJECT_KIND_MAX), default=None)
    subject_id: Mapped[int | None] = mapped_column(BigId, default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    client: Mapped[str] = mapped_column(String(CLIENT_MAX), default="")


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, entry: AuditEntry) -> None:
    session = object_session(entry)
    # SQLAlchemy calls this for every dirty entry, even one set to the value it had: only a real change fails.
    if session is None or session.is_modified(entry):
        raise ImmutableRowError("audit entries are append-only")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, _entry: AuditEntry) -> None:
    raise ImmutableRowError("audit entries are append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    # update(AuditEntry) / delete(AuditEntry) statements bypass the mapper events above.
    if (state.is_update or state.is_delete) and any(m.class_ is AuditEntry for m in state.all_mappers):
        raise ImmutableRowError("audit entries are append-only")

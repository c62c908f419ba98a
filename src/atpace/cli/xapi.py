"""`atpace xapi`: the outbox of xAPI statements for the schools' Learning Record Stores (docs/xapi.md)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from atpace.cli.common import DatabaseUrl, console, opened_database

app = typer.Typer(
    help="xAPI: the outbox of learning records for the school's Learning Record Store.", no_args_is_help=True
)


@app.command("send")
def send(
    database_url: DatabaseUrl = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Statements per request to the LRS.")] = 500,
    max_batches: Annotated[int, typer.Option(min=1, max=100_000, help="Stop after this many batches.")] = 200,
) -> None:
    """Send every statement that is due now (the background job does this every minute)."""
    from atpace.services.xapi import send_pending
    from atpace.services.xapi.lrs import school_status

    database = opened_database(database_url)
    sent = send_pending(database, None, batch_size=batch_size, max_batches=max_batches)
    with database.transaction(write=False) as session:
        state = school_status(session, None)
    console.print(
        f"sent {sent} statement{'s' if sent != 1 else ''}; waiting {state.waiting}, failing {state.failing}, "
        f"rejected {state.rejected}"
    )
    for error in state.errors:
        console.print(f"  {error.count} × {error.error}", markup=False)
    if state.failing:
        raise typer.Exit(1)


@app.command("status")
def status(database_url: DatabaseUrl = None) -> None:
    """The outbox of every school: waiting, failing (with the last errors), rejected and sent."""
    from sqlalchemy import select

    from atpace.services.xapi.lrs import OutboxError, school_status
    from atpace.store.tables import School
    from atpace.store.tables_xapi import XapiLrs

    database = opened_database(database_url)
    table = Table("School", "LRS", "On", "Waiting", "Failing", "Rejected", "Sent", "Last sent (UTC)")
    with database.transaction(write=False) as session:
        rows = session.execute(
            select(School.id, School.slug, XapiLrs.endpoint, XapiLrs.enabled)
            .join(XapiLrs, XapiLrs.school_id == School.id)
            .order_by(School.slug)
        ).all()
        errors: list[tuple[str, OutboxError]] = []
        for school_id, slug, endpoint, enabled in rows:
            s = school_status(session, school_id)
            last = s.last_sent.strftime("%Y-%m-%d %H:%M") if s.last_sent else "-"
            table.add_row(
                slug, endpoint, "yes" if enabled else "no", str(s.waiting), str(s.failing), str(s.rejected),
                str(s.sent), last,
            )  # fmt: skip
            errors.extend((slug, e) for e in s.errors)
    if not rows:
        console.print("No school has a Learning Record Store set (administrators set it at /admin/xapi).")
        return
    console.print(table)
    for slug, error in errors:
        console.print(f"{slug}: {error.count} × {error.error}", markup=False)

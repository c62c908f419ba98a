"""`atpace lti`: LTI 1.3: platforms (LMSs) that launch atpace, the tool's keys, the scores for LMS gradebooks
(docs/lti.md)."""

from __future__ import annotations

import typer
from rich.table import Table

from atpace.cli.common import DatabaseUrl, console, opened_database

app = typer.Typer(
    help="LTI 1.3: platforms (LMSs) that launch atpace, and the tool's keys.", no_args_is_help=True
)


@app.command("platforms")
def platforms(database_url: DatabaseUrl = None) -> None:
    """Every school's LMS registrations."""
    from sqlalchemy import select

    from atpace.store.tables import School
    from atpace.store.tables_lti import LtiPlatform

    database = opened_database(database_url)
    table = Table("Id", "School", "Name", "Issuer", "Client id", "Deployments", "On")
    with database.transaction(write=False) as session:
        for platform, slug in session.execute(
            select(LtiPlatform, School.slug)
            .join(School, School.id == LtiPlatform.school_id)
            .order_by(LtiPlatform.id)
        ).all():
            table.add_row(
                str(platform.id), slug, platform.name, platform.issuer, platform.client_id,
                ", ".join(platform.deployment_ids), "yes" if platform.is_active else "no",
            )  # fmt: skip
    console.print(table)


@app.command("keys")
def list_keys(database_url: DatabaseUrl = None) -> None:
    """The tool's signing keys: the one that signs, and the retired ones still published."""
    from atpace.services.lti import keys

    database = opened_database(database_url)
    table = Table("Key id (kid)", "Created (UTC)", "State")
    with database.transaction() as session:
        keys.signing_key(session)  # there is always one to show
        for row in keys.key_rows(session):
            state = (
                "signing" if row.retired_at is None else "retired, published" if row.published else "retired"
            )
            table.add_row(row.kid, row.created_at.strftime("%Y-%m-%d %H:%M"), state)
    console.print(table)


@app.command("rotate-key")
def rotate_key(database_url: DatabaseUrl = None) -> None:
    """Make a new signing key; the previous one stays in the JWKS for 7 days."""
    from atpace.services.lti import keys

    database = opened_database(database_url)
    with database.transaction() as session:
        key = keys.rotate(session)
    console.print(
        f"new signing key {key.kid}; the previous key stays published for {keys.RETIRED_KEPT.days} days"
    )


@app.command("send")
def send(database_url: DatabaseUrl = None) -> None:
    """Send the scores due to LMS gradebooks now (the lti.send job does this every minute)."""
    from sqlalchemy import func, select

    from atpace.services.lti.grades import send_pending
    from atpace.store.tables_lti import LtiScore

    database = opened_database(database_url)
    sent = send_pending(database)
    with database.transaction(write=False) as session:
        waiting = (
            session.scalar(select(func.count()).select_from(LtiScore).where(LtiScore.sent_at.is_(None))) or 0
        )
        failing = (
            session.scalar(
                select(func.count())
                .select_from(LtiScore)
                .where(LtiScore.sent_at.is_(None), LtiScore.tries > 0)
            )
            or 0
        )
    console.print(f"sent {sent} score{'s' if sent != 1 else ''}; waiting {waiting}, failing {failing}")
    if failing:
        raise typer.Exit(1)

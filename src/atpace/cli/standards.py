"""`atpace standards`: import CASE frameworks into a school and list them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from atpace.cli.common import (
    DatabaseUrl,
    console,
    describe,
    fail,
    opened_database,
    work_progress,
)
from atpace.errors import AtpaceError

app = typer.Typer(help="Standards (CASE 1.1 frameworks).", no_args_is_help=True)
School = Annotated[str, typer.Option("--school", help="School slug.")]


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="A CASE CFPackage JSON file.", exists=True, dir_okay=False)],
    school: School,
    database_url_: DatabaseUrl = None,
) -> None:
    """Import (or replace, same CFDocument identifier) a CASE framework for a school."""
    from sqlalchemy import select

    from atpace.services.standards import import_framework
    from atpace.store.tables import School as SchoolRow

    database = opened_database(database_url_)
    try:
        with work_progress() as progress, database.transaction() as session:
            progress.add_task(f"importing {path.name}", total=None)
            row = session.scalar(select(SchoolRow).where(SchoolRow.slug == school))
            if row is None:
                fail(f"no school with slug {school!r}")
            result = import_framework(session, row, path.read_bytes())
    except AtpaceError as error:
        fail(f"{path}: {describe(error)}")
    verb = "Imported" if result.created else "Replaced"
    console.print(
        f"{verb} {result.title!r}: {result.items} standards, {result.associations} associations "
        f"(framework id {result.framework_id})."
    )
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")


@app.command("list")
def list_(school: School, database_url_: DatabaseUrl = None) -> None:
    """The school's frameworks."""
    from sqlalchemy import select

    from atpace.store.tables import School as SchoolRow
    from atpace.store.tables import StandardFramework

    database = opened_database(database_url_)
    with database.transaction(write=False) as session:
        row = session.scalar(select(SchoolRow).where(SchoolRow.slug == school))
        if row is None:
            fail(f"no school with slug {school!r}")
        table = Table("id", "title", "creator", "version", "identifier")
        for f in session.scalars(select(StandardFramework).where(StandardFramework.school_id == row.id)):
            table.add_row(str(f.id), f.title, f.creator, f.version, f.identifier)
    console.print(table)

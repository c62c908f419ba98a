"""`atpace privacy`: a student's data: export it, erase it (docs/privacy.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from atpace.cli.common import DatabaseUrl, console, describe, fail, opened_database
from atpace.errors import AtpaceError

app = typer.Typer(help="A student's data: export it, erase it.", no_args_is_help=True)


@app.command("export")
def export(
    student: Annotated[str, typer.Argument(help="The student's id, e-mail address or roster sourcedId.")],
    school: Annotated[str, typer.Option("--school", help="School slug.")],
    out: Annotated[Path, typer.Option("--out", help="The zip file to write.", dir_okay=False)],
    database_url_: DatabaseUrl = None,
) -> None:
    """Write everything atpace holds of and about a student to a zip of JSON and CSV (audited)."""
    from atpace.config import Settings
    from atpace.services.files import FileStore
    from atpace.services.privacy import build_zip, find_student

    database = opened_database(database_url_)
    files = FileStore(Settings().resolved_files_dir())
    try:
        with database.transaction() as session:
            row = find_student(session, school, student)
            data = build_zip(session, row, files, actor_id=None)
    except AtpaceError as error:
        fail(describe(error))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_bytes(data.content)
    partial.replace(out)
    rows = sum(data.tables.values())
    console.print(f"Wrote {out}: {rows} rows in {len(data.tables)} tables, {data.files} files.")


@app.command("erase-due")
def erase_due(database_url_: DatabaseUrl = None) -> None:
    """Carry out the confirmed erasures whose grace period has passed (the hourly job does the same)."""
    from atpace.config import Settings
    from atpace.services.privacy import erase_due as run

    database = opened_database(database_url_)
    count = run(database, Settings())
    console.print(f"Carried out {count} erasure{'' if count == 1 else 's'}.")

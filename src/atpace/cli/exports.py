"""`atpace export`: exports of attempts, mastery and grades as CSV or Parquet (docs/exports.md).

The same service as the web's exports, run here and now with a progress bar, written straight to ``--out``;
the export is recorded (exports table and audit log) with no actor: the command line acts as the server.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from atpace.cli.common import DatabaseUrl, console, describe, fail, opened_database, work_progress
from atpace.errors import AtpaceError

app = typer.Typer(help="Exports of attempts, mastery and grades as CSV or Parquet.", no_args_is_help=True)


class Format(StrEnum):
    csv = "csv"
    parquet = "parquet"


School = Annotated[str, typer.Option("--school", help="Slug of the school to export.")]
ClassId = Annotated[
    int | None,
    typer.Option("--class", min=1, help="Id of one class of the school (default: the whole school)."),
]
FormatOption = Annotated[
    Format, typer.Option("--format", help="csv (spreadsheets) or parquet (typed columns).")
]
Out = Annotated[
    Path,
    typer.Option("--out", help="The file to write (replaced whole at the end, never left half-written)."),
]


def _export(kind: str, school: str, class_id: int | None, fmt: Format, out: Path, url: str | None) -> None:
    from atpace.config import Settings
    from atpace.services import exports

    if out.is_dir():
        fail(f"--out {escape(str(out))} is a folder: give the path of the file to write")
    if not out.parent.is_dir():
        fail(f"--out: the folder {escape(str(out.parent))} does not exist")
    database = opened_database(url)
    try:
        with database.transaction() as session:
            export_id = exports.request_operator_export(
                session, school, kind=kind, fmt=fmt.value, class_id=class_id
            )
    except AtpaceError as error:
        fail(describe(error))
    with work_progress() as progress:
        task = progress.add_task(f"Exporting {kind}", total=None)

        def moved(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        exports.run_export(database, Settings(), export_id, out=out, progress=moved)
    with database.transaction(write=False) as session:
        view = exports.operator_view(session, export_id)
    if view.status != "done":
        fail(f"the export failed: {escape(view.error)}")
    console.print(f"Wrote {view.rows_done} rows of {kind} to {escape(str(out))} ({view.size} bytes).")


# One command per kind, its help the kind's column summary (docs/exports.md has the column dictionary).
KINDS = {
    "attempts": "Every answer: student, class, course, skill, item, correct, response, time, duration, hints, "
    "source.",
    "mastery": "Mastery per student and skill: P(learned), mastered, evidence count, last practice.",
    "grades": "Grades: assignment, student, rubric levels, score, submitted and graded times, late.",
}


def _command(kind: str) -> Callable[..., None]:
    def command(
        school: School,
        out: Out,
        fmt: FormatOption = Format.csv,
        class_id: ClassId = None,
        database_url: DatabaseUrl = None,
    ) -> None:
        _export(kind, school, class_id, fmt, out, database_url)

    return command


for _kind, _summary in KINDS.items():
    app.command(_kind, help=_summary)(_command(_kind))

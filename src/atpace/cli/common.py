"""What every `atpace` subcommand shares: consoles, the database option, and error reporting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from atpace.errors import AtpaceError, InvalidInput

if TYPE_CHECKING:
    from atpace.services.database import Database

console = Console()
err = Console(stderr=True)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="ATPACE_DATABASE_URL",
        help="SQLAlchemy URL (sqlite:///... or postgresql://...).",
    ),
]


def describe(error: AtpaceError) -> str:
    return f"{error.field}: {error.message}" if isinstance(error, InvalidInput) else error.message


def fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


def opened_database(url: str | None) -> Database:
    """The database of ``--database-url`` (or the settings). A command runs a transaction or two and
    ends, so it keeps no pool: each connection closes when its transaction ends."""
    from atpace.services.database import Database, unpooled_engine

    resolved = database_url(url)
    return Database(resolved, engine=unpooled_engine(resolved))


def database_url(url: str | None) -> str:
    from atpace.config import Settings

    return url or Settings().resolved_database_url()


def work_progress(on: Console | None = None) -> Progress:
    """A progress display for long work (bars where the total is known, a spinner where it is not);
    written to stderr by default so that tables and JSON on stdout stay clean."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=on or err,
        transient=False,
    )

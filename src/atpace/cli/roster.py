"""`atpace roster import`: import a OneRoster 1.1/1.2 CSV package (a folder or a .zip) into a school."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from atpace.cli.common import DatabaseUrl, console, describe, err, fail, opened_database
from atpace.errors import AtpaceError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from atpace.services.roster import RosterReport
    from atpace.store.tables import School

app = typer.Typer(
    help="OneRoster rosters: users, classes and enrolments from a school's SIS.", no_args_is_help=True
)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@app.command("import")
def import_package(
    path: Annotated[
        Path, typer.Argument(help="The package: a folder with manifest.csv and the CSV files, or a .zip.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and report what would change; write nothing.")
    ] = False,
    school: Annotated[
        str | None,
        typer.Option("--school", help="Slug of the atpace school (needed when there are several)."),
    ] = None,
    org: Annotated[
        str | None,
        typer.Option(
            "--org",
            help="sourcedId of the package's org that is this school (the first time, when the package "
            "has several schools or none of type school).",
        ),
    ] = None,
    links_out: Annotated[
        Path | None,
        typer.Option(
            "--links-out",
            help="Where to write the CSV of one-time sign-in links for the users created "
            "(default: sign-in-links-<school>-<time>.csv in the current folder).",
        ),
    ] = None,
    base_url: Annotated[
        str, typer.Option("--base-url", help="The site's address, put in front of each sign-in link.")
    ] = DEFAULT_BASE_URL,
    database_url_option: DatabaseUrl = None,
) -> None:
    """Import users, classes, enrolments, academic sessions, courses and demographics.

    Importing the same files again changes nothing; a delta package updates in place; users left out of
    a bulk users.csv are deactivated, never deleted. Any problem and nothing is written (exit code 2),
    each problem printed as file:line:column.
    """
    from atpace.services.roster import import_for_school, read_package

    if not path.exists():
        fail(f"{path}: no such file or folder")
    if links_out is not None and not links_out.parent.is_dir():
        fail(f"--links-out: the folder {links_out.parent} does not exist")
    if not base_url.startswith(("http://", "https://")):
        fail("--base-url must start with http:// or https://")
    with console.status(f"Reading {path.name}..."):
        roster = read_package(path)
    database = opened_database(database_url_option)
    try:
        status = console.status("Checking against the database..." if dry_run else "Importing...")
        with status, database.transaction() as session:
            report = import_for_school(session, school, roster, apply=not dry_run, org=org)
    except AtpaceError as error:
        fail(describe(error))
    finally:
        database.engine.dispose()
    print_report(report)
    if report.problems:
        err.print(f"[red]{len(report.problems)} problems: nothing was imported.[/red]")
        raise typer.Exit(2)
    if dry_run:
        console.print("Dry run: nothing was written. Run the command again without --dry-run to import.")
        return
    console.print(f"Imported into {report.school} (import {report.import_id}).")
    if report.links:
        target = links_out or Path(
            f"sign-in-links-{report.school}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}.csv"
        )
        _write_private(target, report.links_csv(base_url))
        console.print(
            f"{len(report.links)} one-time sign-in links written to {escape(str(target))}: hand each user"
            " their own; a link works once, for 14 days."
        )


@app.command("courses")
def courses(
    school: Annotated[str, typer.Option("--school", help="Slug of the atpace school.")],
    database_url_option: DatabaseUrl = None,
) -> None:
    """The OneRoster courses of a school, the atpace course each is linked to, and their classes."""
    from atpace.services.roster.courses import roster_courses

    database = opened_database(database_url_option)
    with database.transaction(write=False) as session:
        table = Table("sourcedId", "title", "code", "atpace course", "classes", "classes without a course")
        for link in roster_courses(session, _school(session, school)):
            table.add_row(
                escape(link.sourced_id), escape(link.title), escape(link.course_code),
                escape(link.course_key or "-"), str(link.classes), str(link.classes_without_course),
            )  # fmt: skip
    database.engine.dispose()
    console.print(table)


@app.command("link-course")
def link_course(
    roster_course: Annotated[str, typer.Argument(help="The OneRoster course's sourcedId.")],
    course: Annotated[str, typer.Option("--course", help="The key of the atpace course its classes use.")],
    school: Annotated[str, typer.Option("--school", help="Slug of the atpace school.")],
    database_url_option: DatabaseUrl = None,
) -> None:
    """Give the classes of a OneRoster course an atpace course (now, and those later imports create)."""
    from atpace.services.roster.courses import link_course as link

    database = opened_database(database_url_option)
    try:
        with database.transaction() as session:
            given = link(session, _school(session, school), roster_course, course)
    except AtpaceError as error:
        fail(describe(error))
    finally:
        database.engine.dispose()
    console.print(f"Linked {roster_course!r} to course {course!r}: {given} classes now use it.")


def _school(session: Session, slug: str) -> School:
    from sqlalchemy import select

    from atpace.store.tables import School

    row = session.scalar(select(School).where(School.slug == slug))
    if row is None:
        fail(f"no school with slug {slug!r}")
    return row


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: the links sign people in."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    path.chmod(0o600)


def print_report(report: RosterReport) -> None:
    from atpace.services.roster import issue_location

    modes = ", ".join(f"{table} {mode}" for table, mode in sorted(report.modes.items())) or "no tables"
    source = f" from {report.source_system}" if report.source_system else ""
    org = f" (org {report.org_sourced_id})" if report.org_sourced_id else ""
    console.print(
        escape(f"OneRoster {report.version or '?'} package{source}; school {report.school}{org}; {modes}.")
    )
    title = "Dry run: what the import would change" if report.dry_run else "Import"
    if report.problems:
        title = "What the import would change once the problems are fixed"
    table = Table(title=title)
    table.add_column("table")
    for column in ("created", "updated", "deactivated", "unchanged"):
        table.add_column(column, justify="right")
    for label, counts in report.rows():
        table.add_row(
            label, str(counts.created), str(counts.updated), str(counts.deactivated), str(counts.unchanged)
        )
    console.print(table)
    if report.links_to_issue:
        verb = "get" if report.applied else "would get"
        console.print(f"{report.links_to_issue} users {verb} a one-time sign-in link.")
    if report.warnings:
        console.print(f"[yellow]{len(report.warnings)} warnings[/yellow]")
        for issue in report.warnings:
            console.print(f"  {escape(issue_location(issue))}: {escape(issue.message)}", soft_wrap=True)
    if report.problems:
        err.print(f"[red]{len(report.problems)} problems[/red]")
        for issue in report.problems:
            err.print(f"  {escape(issue_location(issue))}: {escape(issue.message)}", soft_wrap=True)

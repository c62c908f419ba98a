"""`atpace courses` (validate, import, export course packages) and `atpace items import` (item files)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from atpace.cli.common import (
    DatabaseUrl,
    console,
    describe,
    err,
    fail,
    opened_database,
    work_progress,
)
from atpace.errors import AtpaceError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from atpace.services.auth import Actor
    from atpace.store.tables import Course, School

courses_app = typer.Typer(help="Course packages (docs/course-package.md).", no_args_is_help=True)
items_app = typer.Typer(
    help="Items from the files teachers already have (docs/formats.md).", no_args_is_help=True
)
SchoolOption = Annotated[
    str | None, typer.Option("--school", help="School slug (needed when several have the course).")
]


def _school(session: Session, slug: str) -> School:
    from sqlalchemy import select

    from atpace.store.tables import School

    school = session.scalar(select(School).where(School.slug == slug))
    if school is None:
        fail(f"no school with slug {slug!r}; create it with `atpace schools create`")
    return school


def _course(session: Session, key: str, school_slug: str | None) -> Course:
    from sqlalchemy import select

    from atpace.store.tables import Course, School

    query = select(Course).join(School, School.id == Course.school_id).where(Course.key == key)
    if school_slug is not None:
        query = query.where(School.slug == school_slug)
    found = session.scalars(query).all()
    if not found:
        fail(f"no course {key!r}" + (f" in school {school_slug!r}" if school_slug else ""))
    if len(found) > 1:
        fail(f"several schools have a course {key!r}: name one with --school")
    return found[0]


def _operator(school_id: int) -> Actor:
    """Whoever runs the command line acts as an administrator of the school concerned."""
    from atpace.services.auth import Actor
    from atpace.store.tables import Role

    return Actor(0, school_id, Role.ADMIN, "command line", "")


@courses_app.command("validate")
def validate(
    path: Annotated[Path, typer.Argument(help="A course package folder or .zip.", exists=True)],
) -> None:
    """Check a course package; every problem is printed with its file and place."""
    from atpace.content.package import validate_package

    with work_progress() as progress:
        progress.add_task(f"validating {path.name}", total=None)
        problems = validate_package(path)
    for problem in problems:
        err.print(f"[red]error:[/red] {problem}", markup=True, highlight=False)
    if problems:
        raise typer.Exit(2)
    console.print(f"{path}: a valid course package.")


@courses_app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="A course package folder or .zip.", exists=True)],
    school: Annotated[str, typer.Option("--school", help="School slug.")],
    database_url_: DatabaseUrl = None,
) -> None:
    """Import a course package into a school (one transaction: all of it or nothing)."""
    from atpace.content.package import PackageError, read_package
    from atpace.services.courses import import_course

    with work_progress() as progress:
        task = progress.add_task(f"reading {path.name}", total=None)
        try:
            spec = read_package(path)
        except PackageError as error:
            progress.stop()
            for problem in error.problems:
                err.print(f"[red]error:[/red] {problem}", highlight=False)
            raise typer.Exit(2) from None
        progress.update(task, description=f"importing {spec.title} ({len(spec.items())} items)")
        database = opened_database(database_url_)
        try:
            with database.transaction() as session:
                course = import_course(session, _school(session, school), spec)
                course_id = course.id
        except AtpaceError as error:
            progress.stop()
            fail(f"{path}: {describe(error)}")
    console.print(
        f"Imported {spec.title!r} ({spec.key}, version {spec.version or '-'}) as course {course_id}."
    )


@courses_app.command("export")
def export(
    key: Annotated[str, typer.Argument(help="The course key.")],
    out: Annotated[Path, typer.Option("--out", help="A folder, or a file ending in .zip.")],
    school: SchoolOption = None,
    database_url_: DatabaseUrl = None,
) -> None:
    """Write a course (its current items) as a package that `atpace courses import` reads back."""
    from atpace.content.package import write_package
    from atpace.services.courses import course_spec

    database = opened_database(database_url_)
    with work_progress() as progress, database.transaction(write=False) as session:
        progress.add_task(f"exporting {key}", total=None)
        spec = course_spec(session, _course(session, key, school))
        write_package(spec, out, zip=out.suffix.lower() == ".zip")
    console.print(f"Wrote {spec.title!r} ({len(spec.skills)} skills, {len(spec.items())} items) to {out}.")


@items_app.command("import")
def items_import(
    path: Annotated[
        Path,
        typer.Argument(
            help="GIFT, QTI 2.x/3.0 (item or package), Canvas QTI 1.2, Aiken or CSV.",
            exists=True,
            dir_okay=False,
        ),
    ],
    course: Annotated[str, typer.Option("--course", help="The course key.")],
    skill: Annotated[
        str | None, typer.Option("--skill", help="The skill the items practise (a CSV row may name its own).")
    ] = None,
    file_format: Annotated[
        str | None,
        typer.Option("--format", help="gift, qti, qti12, aiken or csv (default: from the content)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would be imported; write nothing.")
    ] = False,
    school: SchoolOption = None,
    database_url_: DatabaseUrl = None,
) -> None:
    """Import items into a course: every problem, skipped interaction and warning is reported."""
    from atpace.services.courses import load_graph
    from atpace.services.items import import_items

    database = opened_database(database_url_)
    try:
        with work_progress() as progress, database.transaction() as session:
            progress.add_task(f"reading {path.name}", total=None)
            row = _course(session, course, school)
            skills = list(load_graph(session, row).skills)
            if skill is None:
                if len(skills) != 1:
                    fail(
                        f"name the skill with --skill (one of: {', '.join(skills[:12])}{' ...' if len(skills) > 12 else ''})"
                    )
                skill = skills[0]
            report = import_items(
                session, _operator(row.school_id), row.id, path.read_bytes(), path.name,
                skill_key=skill, format=file_format, dry_run=dry_run,
            )  # fmt: skip
            if not report.ok:
                session.rollback()
    except AtpaceError as error:
        fail(f"{path}: {describe(error)}")
    parsed = report.parsed
    for problem in parsed.problems:
        where = ", ".join(
            str(part)
            for part in (problem.source, problem.line and f"line {problem.line}", problem.where)
            if part
        )
        err.print(f"[red]error:[/red] {where}: {problem.message}", highlight=False)
    for skipped in parsed.skipped:
        console.print(
            f"[yellow]skipped:[/yellow] {skipped.interaction} {skipped.identifier!r} ({skipped.source}"
            f"{f', line {skipped.line}' if skipped.line else ''}): {skipped.reason}",
            highlight=False,
        )
    for warning in parsed.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning.source}: {warning.message}", highlight=False)
    if not report.ok:
        fail(f"{len(parsed.problems)} problem(s) in {path.name}: nothing was imported")
    table = Table(
        title=f"{path.name} ({report.format}) -> {course} / {skill}"
        + (" (dry run: nothing written)" if dry_run else "")
    )
    for column in ("created", "new version", "unchanged", "skipped interactions"):
        table.add_column(column, justify="right")
    table.add_row(
        str(len(report.created)),
        str(len(report.versioned)),
        str(len(report.unchanged)),
        str(len(parsed.skipped)),
    )
    console.print(table)

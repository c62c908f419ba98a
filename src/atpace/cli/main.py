"""The `atpace` command line: a thin face over the services."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from atpace.cli.common import DatabaseUrl, console, err, opened_database
from atpace.cli.common import database_url as _database_url
from atpace.cli.common import describe as _describe
from atpace.cli.common import fail as _fail
from atpace.cli.content import courses_app, items_app
from atpace.cli.exports import app as exports_app
from atpace.cli.jobs import app as jobs_app
from atpace.cli.jobs import worker
from atpace.cli.kt import app as kt_app
from atpace.cli.lti import app as lti_app
from atpace.cli.privacy import app as privacy_app
from atpace.cli.roster import app as roster_app
from atpace.cli.simulate import simulate
from atpace.cli.standards import app as standards_app
from atpace.cli.xapi import app as xapi_app
from atpace.errors import AtpaceError

app = typer.Typer(help="atpace: personalized, mastery-based learning.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
schools_app = typer.Typer(help="Schools.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(schools_app, name="schools")
app.add_typer(kt_app, name="kt")
app.add_typer(standards_app, name="standards")
app.add_typer(courses_app, name="courses")
app.add_typer(items_app, name="items")
app.add_typer(roster_app, name="roster")
app.add_typer(jobs_app, name="jobs")
app.command("worker")(worker)
app.add_typer(xapi_app, name="xapi")
app.add_typer(exports_app, name="export")
app.add_typer(privacy_app, name="privacy")
app.add_typer(lti_app, name="lti")
app.command(
    "simulate", help="Compare practice policies on simulated learners (items to mastery, false mastery)."
)(simulate)
Host = Annotated[str, typer.Option(help="Interface to listen on.")]
Port = Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")]


def _persistent_secret(data_dir: Path) -> str:
    """The demo keeps its secret on disk so that logins survive a restart."""
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


@app.command()
def demo(
    data_dir: Annotated[
        Path, typer.Option(envvar="ATPACE_DATA_DIR", help="Where the SQLite database and secret live.")
    ] = Path(".atpace"),
    host: Host = "127.0.0.1",
    port: Port = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Set up the demo and exit.")] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Seed the demo school into this database (postgresql://... or sqlite:///...), migrating it "
            "first; default: SQLite in --data-dir.",
        ),
    ] = None,
) -> None:
    """Create (or reuse) the demo school (on SQLite unless --database-url says otherwise) and serve it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from atpace.store.db import Database

    data_dir.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{(data_dir / 'atpace.db').resolve()}"
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        _fail(f"--database-url: {url!r} is not a database URL (e.g. postgresql://user@host/db)")
    os.environ.update(
        ATPACE_DATABASE_URL=url,
        ATPACE_SECRET_KEY=_persistent_secret(data_dir),
        ATPACE_ENVIRONMENT="development",
        ATPACE_COOKIE_SECURE="false",
        ATPACE_DATA_DIR=str(data_dir),
    )
    try:
        database = Database(url)
        try:
            with console.status("Preparing the demo school..."):
                database.upgrade()
                from atpace.services.demo import ensure_demo_school

                with database.transaction() as session:
                    logins = ensure_demo_school(session, classwork=True)
        finally:
            database.engine.dispose()
    except SQLAlchemyError as error:
        _fail(f"cannot prepare the demo in {shown}: {error.__class__.__name__}: {str(error).splitlines()[0]}")
    table = Table(title=f"{logins.school}: demo logins (password for all: {logins.password})")
    table.add_column("role")
    table.add_column("e-mail")
    table.add_row("school admin", logins.admin)
    table.add_row("teacher", logins.teacher)
    table.add_row("students", f"{logins.students[0]} ... {logins.students[-1]} ({len(logins.students)})")
    console.print(table)
    console.print(("Created" if logins.created else "Reusing") + f" the demo school in {shown}")
    if no_serve:
        return
    console.print(f"Open http://{host}:{port}/ in a browser (Ctrl+C stops the server).")
    _run(host, port, workers=1)


@app.command()
def serve(
    database_url: DatabaseUrl = None,
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Serve an existing, migrated database (SQLite or PostgreSQL)."""
    from atpace.config import Settings

    if database_url:
        os.environ["ATPACE_DATABASE_URL"] = database_url
    try:
        settings = Settings()
    except ValidationError as error:
        _fail("; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in error.errors()))
    url = settings.resolved_database_url()
    _check_migrated(url)
    # Each worker builds its settings from the environment: without a secret given, every worker would
    # draw its own development secret and refuse the others' CSRF tokens. They share this process's.
    os.environ.setdefault("ATPACE_SECRET_KEY", settings.secret_key)
    if workers > 1 and url.startswith("sqlite"):
        err.print(
            "[yellow]note:[/yellow] several workers on SQLite serialise writes; use PostgreSQL in production."
        )
    _run(host, port, workers)


def _check_migrated(url: str) -> None:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import SQLAlchemyError

    from atpace.store.db import alembic_config, make_engine

    try:
        engine = make_engine(url)
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        engine.dispose()
    except SQLAlchemyError as error:
        _fail(f"cannot open the database {url}: {error.__class__.__name__}: {str(error).splitlines()[0]}")
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if current != head:
        _fail(f"the database is at revision {current or 'none'}, not {head}: run `atpace db upgrade` first")


def _run(host: str, port: int, workers: int) -> None:
    import uvicorn

    from atpace.config import Settings
    from atpace.web.server import HTTP_PROTOCOL

    trusted = Settings().trusted_proxies.strip()
    uvicorn.run(
        "atpace.web.server:app_from_environment",
        factory=True,
        http=HTTP_PROTOCOL,  # TCP_NODELAY in every worker (web/server.py says why)
        host=host,
        port=port,
        workers=workers,
        # X-Forwarded-For is read only from the proxies the operator names (ATPACE_TRUSTED_PROXIES)
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        log_level="info",
    )


@db_app.command("upgrade")
def db_upgrade(
    database_url: DatabaseUrl = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Apply the migrations."""
    from sqlalchemy.exc import SQLAlchemyError

    from atpace.store.db import upgrade

    url = _database_url(database_url)
    try:
        upgrade(url, revision)
    except SQLAlchemyError as error:
        _fail(f"migration failed on {url}: {str(error).splitlines()[0]}")
    console.print(f"Database at {url} is at revision {revision}.")


@schools_app.command("create")
def schools_create(
    slug: Annotated[str, typer.Argument(help="Short identifier, e.g. riverside.")],
    name: Annotated[str, typer.Argument(help="Display name.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Create a school."""
    from atpace.services.schools import create_school

    database = opened_database(database_url)
    try:
        with database.transaction() as session:
            school = create_school(session, slug, name)
            console.print(f"Created school {school.name} ({school.slug}).")
    except AtpaceError as error:
        _fail(_describe(error))


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Argument(help="Login e-mail.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    role: Annotated[str, typer.Option("--role", help="student, teacher or admin.")],
    school: Annotated[str, typer.Option("--school", help="School slug.")],
    password: Annotated[
        str | None, typer.Option("--password", envvar="ATPACE_NEW_PASSWORD", help="Prompted when omitted.")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a user in a school."""
    from atpace.services.schools import create_user_in_school

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    database = opened_database(database_url)
    try:
        with database.transaction() as session:
            user = create_user_in_school(session, school, email, name, role, password)
            console.print(f"Created {user.role.value} {user.email} in school {school}.")
    except AtpaceError as error:
        _fail(_describe(error))


def main() -> None:  # pragma: no cover - console entry point
    app()

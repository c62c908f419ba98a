"""The tasks a background job may run, by name, with their schedule and retry limits.

A task body is ``run(database, settings, args) -> str``: it does the work in its own transactions and returns
one line that says what it did (shown to the administrator). Each body imports the service it calls inside
itself, so that this registry loads even where an optional part of atpace is missing. Bodies must be safe
to run twice (a retry after a worker died mid-way runs the job again): every task below is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from atpace.config import Settings
from atpace.store.db import Database

TaskBody = Callable[[Database, Settings, dict[str, Any]], str]


@dataclass(frozen=True)
class TaskSpec:
    name: str
    description: str
    run: TaskBody
    cron: str | None = None  # periodic: a cron line in UTC (procrastinate's format)
    coalesce: bool = False  # one queued job of this task (same arguments) is enough: a new request joins it
    max_attempts: int = 5
    # the school a job belongs to, from its arguments (None: the whole installation)
    school_of: Callable[[Session, dict[str, Any]], int | None] | None = None


def _xapi_send(database: Database, settings: Settings, _args: dict[str, Any]) -> str:
    from atpace.services.xapi import send_pending

    sent = send_pending(database, settings)
    return f"sent {sent} statement{'' if sent == 1 else 's'} to the LRS"


def _exports_run(database: Database, settings: Settings, args: dict[str, Any]) -> str:
    from atpace.services.exports import run_export

    export_id = int(args["export_id"])
    run_export(database, settings, export_id)
    return f"export {export_id} done"


def _export_school(session: Session, args: dict[str, Any]) -> int | None:
    from atpace.store.tables_exports import Export

    export = session.get(Export, int(args["export_id"]))
    return export.school_id if export is not None else None


def _privacy_erase_due(database: Database, settings: Settings, _args: dict[str, Any]) -> str:
    from atpace.services.privacy import erase_due

    erased = erase_due(database, settings)
    return f"erased {erased} due request{'' if erased == 1 else 's'}"


def _models_refit(database: Database, _settings: Settings, args: dict[str, Any]) -> str:
    from atpace.services.jobs.refit import refit

    return refit(database, int(args["school_id"]) if "school_id" in args else None)


def _lti_send(database: Database, _settings: Settings, _args: dict[str, Any]) -> str:
    from atpace.services.lti.grades import send_pending

    sent = send_pending(database)
    return f"sent {sent} score{'' if sent == 1 else 's'} to LMS gradebooks (LTI)"


def _check(_database: Database, _settings: Settings, args: dict[str, Any]) -> str:
    if args.get("fail"):
        raise RuntimeError(f"the check job was asked to fail: {args['fail']}")
    return "the workers are running jobs"


def _school_arg(_session: Session, args: dict[str, Any]) -> int | None:
    return int(args["school_id"]) if "school_id" in args else None


TASKS: dict[str, TaskSpec] = {
    spec.name: spec
    for spec in (
        TaskSpec(
            "xapi.send",
            "Send the xAPI statements waiting in the outbox to the LRS",
            _xapi_send,
            cron="* * * * *",
            coalesce=True,
        ),
        TaskSpec(
            "models.refit",
            "Refit each course's learner model from the school's own attempts",
            _models_refit,
            cron="30 2 * * *",
            coalesce=True,
            max_attempts=3,
            school_of=_school_arg,
        ),
        TaskSpec(
            "exports.run",
            "Build an export file of attempts, mastery or grades",
            _exports_run,
            school_of=_export_school,
        ),
        TaskSpec(
            "privacy.erase_due",
            "Erase the students whose confirmed erasure is due",
            _privacy_erase_due,
            cron="0 * * * *",
            coalesce=True,
        ),
        TaskSpec(
            "lti.send",
            "Send the scores waiting for LMS gradebooks (LTI Assignment and Grade Services)",
            _lti_send,
            cron="* * * * *",
            coalesce=True,
            school_of=_school_arg,
        ),
        TaskSpec(
            "jobs.check",
            "A job that does nothing: shows that the workers run jobs",
            _check,
            max_attempts=3,
            school_of=_school_arg,
        ),
    )
}


def task_spec(name: str) -> TaskSpec:
    from atpace.errors import InvalidInput

    spec = TASKS.get(name)
    if spec is None:
        raise InvalidInput(
            "task", f"there is no background task {name!r} (known: {', '.join(sorted(TASKS))})"
        )
    return spec

"""`atpace xapi`: xAPI: the outbox of learning records for the school's Learning Record Store."""

from __future__ import annotations

import typer

app = typer.Typer(help="xAPI: the outbox of learning records for the school's Learning Record Store.", no_args_is_help=True)

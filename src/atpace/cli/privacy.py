"""`atpace privacy`: a student's data: export it, erase it."""

from __future__ import annotations

import typer

app = typer.Typer(help="A student's data: export it, erase it.", no_args_is_help=True)

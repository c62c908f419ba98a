"""`atpace jobs`: background jobs: `atpace jobs worker` and the state of the queue."""

from __future__ import annotations

import typer

app = typer.Typer(help="Background jobs: `atpace jobs worker` and the state of the queue.", no_args_is_help=True)

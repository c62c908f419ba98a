"""`atpace exports`: exports of attempts, mastery and grades as CSV or Parquet."""

from __future__ import annotations

import typer

app = typer.Typer(help="Exports of attempts, mastery and grades as CSV or Parquet.", no_args_is_help=True)

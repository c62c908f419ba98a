"""`atpace lti`: lTI 1.3: platforms (LMSs) that launch atpace, and the tool's keys."""

from __future__ import annotations

import typer

app = typer.Typer(help="LTI 1.3: platforms (LMSs) that launch atpace, and the tool's keys.", no_args_is_help=True)

"""The `atpace` command line: a thin face over the services, one module per command group."""

from atpace.cli.main import app, main

__all__ = ["app", "main"]

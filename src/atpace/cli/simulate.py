"""`atpace simulate`: compare progression policies on synthetic students (docs/policy.md).

Mount with ``app.command("simulate")(simulate)`` on the main typer app.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from atpace.cli.common import work_progress

console = Console()


def simulate(
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the results table as JSON to this file.")
    ] = None,
    students: Annotated[
        int, typer.Option(min=1, help="Synthetic students (the same ones for every policy).")
    ] = 200,
    seed: Annotated[int, typer.Option(help="Seed for course parameters, students and answers.")] = 0,
    plots: Annotated[
        Path | None, typer.Option(help="Folder for the learning-curve PNGs (policy_*.png).")
    ] = None,
) -> None:
    """Run fixed, 3-in-a-row, 5-in-a-row, 3-of-5 and atpace's policy on the same simulated students."""
    from atpace.engine.simulate import run_simulation, save_plots
    from atpace.services.simulation import demo_course

    if plots is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            console.print(
                "[red]error:[/red] --plots needs matplotlib: install atpace with the 'plots' extra "
                "(pip install -e '.[plots]')"
            )
            raise typer.Exit(2) from None
    policies = ("fixed", "in-a-row-3", "in-a-row-5", "3-of-5", "atpace")
    with work_progress(console) as progress:
        course = demo_course(seed)
        tasks = {name: progress.add_task(f"policy {name}", total=students) for name in policies}
        report = run_simulation(
            course, students=students, seed=seed, include=policies,
            on_progress=lambda name, done, _total: progress.update(tasks[name], completed=done),
        )  # fmt: skip
    console.print(report.markdown(), markup=False, highlight=False)
    if json_out is not None:
        json_out.write_text(json.dumps(report.to_json_dict(), indent=2) + "\n")
        console.print(f"wrote {json_out}")
    if plots is not None:
        for path in save_plots(report, plots):
            console.print(f"wrote {path}")

"""`atpace kt`: evaluate knowledge-tracing models on public data, fit BKT for the practice loop."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from atpace.cli.common import work_progress

app = typer.Typer(
    help="Knowledge tracing: evaluate learner models and fit their parameters.", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)


def _parse_params(pairs: list[str]) -> dict[str, Any]:
    """``key=value`` options; values are read as JSON where they parse (numbers, true, null), else text."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{pair!r}: expected key=value", param_hint="--param")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def _read_any_log(path: Path) -> Any:
    from atpace.datasets import read_any

    return read_any(path)


@app.command()
def evaluate(
    dataset: Annotated[
        str, typer.Option(help="Dataset name under shared/datasets (e.g. assist2009_pid) or folder.")
    ],
    model: Annotated[
        str,
        typer.Option(help="Model name: bkt, bkt_forget, bkt_wide, elo, irt1pl, irt2pl, pfa, best_lr, dkt."),
    ] = "bkt",
    folds: Annotated[str, typer.Option(help="Splits to run, e.g. 1-5 or 1,3.")] = "1-5",
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write per-fold results and the summary here.")
    ] = None,
    param: Annotated[list[str] | None, typer.Option(help="Hyperparameter key=value (repeatable).")] = None,
    max_students: Annotated[
        int | None, typer.Option(help="Keep only the first N students of each part.")
    ] = None,
) -> None:
    """Run the DKT/DKVMN/AKT protocol (see docs/kt.md) and print AUC, RMSE, accuracy, log-loss and costs."""
    from atpace.datasets.akt import iter_splits, resolve_dataset
    from atpace.engine.evaluation import PROTOCOL, FoldResult, parse_folds, summarise
    from atpace.engine.evaluation import evaluate as run
    from atpace.engine.models import make_model

    try:
        fold_numbers = parse_folds(folds)
        params = _parse_params(param or [])
        make_model(model, **params)._check_params()
        name = resolve_dataset(dataset).name
    except (ValueError, FileNotFoundError, ImportError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None

    table = Table(title=f"{model} on {name}")
    for column in (
        "fold",
        "AUC",
        "AUC (no twin)",
        "RMSE",
        "acc",
        "log-loss",
        "fit s",
        "predict s",
        "peak MB",
    ):
        table.add_column(column, justify="right")

    def show(result: FoldResult) -> None:
        s, a = result.standard, result.attempt
        table.add_row(
            str(result.fold), f"{s['auc']:.4f}", f"{a['auc']:.4f}" if a else "-", f"{s['rmse']:.4f}",
            f"{s['accuracy']:.4f}", f"{s['log_loss']:.4f}", f"{result.fit_seconds:.2f}",
            f"{result.predict_seconds:.2f}", f"{result.peak_rss_mb:.0f}",
        )  # fmt: skip
        progress.console.print(f"fold {result.fold}: AUC {s['auc']:.4f}, fit {result.fit_seconds:.2f} s")
        progress.advance(task)

    def announced(splits: Iterator[Any]) -> Iterator[Any]:
        for split in splits:
            progress.update(task, description=f"{model} on {name}: fold {split[0]} (fit and score)")
            yield split

    with work_progress() as progress:
        task = progress.add_task(
            f"{model} on {name}: reading fold {fold_numbers[0]}", total=len(fold_numbers)
        )
        results = run(
            lambda: make_model(model, **params),
            announced(iter_splits(dataset, fold_numbers, max_students=max_students)),
            dataset=name,
            on_result=show,
        )
    summary = summarise(results)
    mean, std = summary["standard"]["auc"]
    table.add_row("mean", f"{mean:.4f} ± {std:.4f}", *[""] * 7)
    console.print(table)
    if json_out is not None:
        json_out.write_text(
            json.dumps(
                {
                    "dataset": name,
                    "model": model,
                    "params": params,
                    "protocol": PROTOCOL,
                    "folds": [r.as_dict() for r in results],
                    "summary": summary,
                },
                indent=2,
            )
        )
        console.print(f"wrote {json_out}")


@app.command()
def fit(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", envvar="ATPACE_DATABASE_URL", help="The platform database (attempts)."
        ),
    ] = None,
    model: Annotated[str, typer.Option(help="Model to fit; the practice loop reads BKT parameters.")] = "bkt",
    log: Annotated[
        Path | None,
        typer.Option(
            help="Fit from a log file (AKT lines, pyBKT CSV, generic CSV or Parquet) instead of the database."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="With --log: write the versioned parameter JSON here.")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option(help="BKT hyperparameter key=value (repeatable).")
    ] = None,
) -> None:
    """Fit per-skill BKT from the platform's attempts and store versioned parameters for the practice loop."""
    params = _parse_params(param or [])
    if log is not None:
        from atpace.engine.models.bkt import fit_skill_parameters

        try:
            with work_progress() as progress:
                progress.add_task(f"fitting {model} on {log.name} (EM per skill)", total=None)
                fitted = fit_skill_parameters(_read_any_log(log), **params)
        except ValueError as error:
            err.print(f"[red]error:[/red] {error}")
            raise typer.Exit(2) from None
        text = fitted.to_json()
        if out is None:
            console.print_json(text)
        else:
            out.write_text(text)
            console.print(f"wrote {len(fitted.by_skill)} skills to {out}")
        return
    # the service reads the attempts from the store and saves the parameters; imported lazily so that
    # `atpace kt evaluate` works without the database layer
    from atpace.cli.common import database_url as _database_url
    from atpace.services.learner_params import fit_from_attempts

    try:
        with work_progress() as progress:
            progress.add_task(f"fitting {model} on the platform's attempts", total=None)
            result = fit_from_attempts(_database_url(database_url), model, **params)
    except ValueError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    console.print(result)


@app.command("refit-parquet")
def refit_parquet(
    path: Annotated[Path, typer.Argument(help="An attempts export in Parquet (a file or a folder of them).")],
    scheduler: Annotated[
        str,
        typer.Option(help="none (this process), local:N (N Dask worker processes here) or tcp://host:8786."),
    ] = "none",
    out: Annotated[Path | None, typer.Option(help="Write the parameters and per-skill report here.")] = None,
    forgetting: Annotated[bool, typer.Option(help="Also fit a forgetting rate per skill.")] = False,
    min_attempts: Annotated[int, typer.Option(help="Skills with fewer answers are reported, not fitted.")] = 50,
    buckets: Annotated[int | None, typer.Option(help="Fit tasks (default: 1 here, 4 per worker).")] = None,
) -> None:
    """Refit BKT per skill over a large exported log, in this process or on a Dask cluster (docs/scaling.md)."""
    from atpace.batch import RefitOptions, connect
    from atpace.batch import refit_parquet as run

    try:
        options = RefitOptions(forgetting=forgetting, min_attempts=min_attempts)
        with work_progress() as progress, connect(scheduler) as client:
            progress.add_task(f"refitting BKT per skill over {path.name} ({scheduler})", total=None)
            result = run(path, options, client=client, buckets=buckets)
    except (ValueError, FileNotFoundError, RuntimeError, OSError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    fitted = sum(1 for s in result.skills if s.params is not None)
    if out is None:
        console.print_json(result.to_json())
    else:
        out.write_text(result.to_json())
        console.print(
            f"wrote {fitted} fitted skills of {len(result.skills)} ({result.attempts} attempts) to {out}"
        )

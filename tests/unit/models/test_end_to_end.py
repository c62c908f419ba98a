"""A tiny run of the whole protocol on a slice of the real assist2009_pid files, through the CLI too."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from atpace.cli.kt import app
from atpace.datasets.akt import datasets_dir, iter_splits
from atpace.engine.bkt_online import SkillParameters
from atpace.engine.evaluation import evaluate, summarise
from atpace.engine.models import make_model

root = datasets_dir()
pytestmark = pytest.mark.skipif(
    root is None or not (root / "assist2009_pid").is_dir(), reason="shared datasets not available"
)


def test_protocol_on_a_slice_of_assist2009_pid() -> None:
    results = evaluate(
        lambda: make_model("best_lr"),
        iter_splits("assist2009_pid", [1], max_students=150),
        dataset="assist2009_pid",
    )
    (result,) = results
    assert result.n_test > 1000 and result.attempt is not None
    # the standard figure rewards seeing the duplicated row's twin; the per-attempt figure does not
    assert result.standard["auc"] > result.attempt["auc"] > 0.6
    assert result.fit_seconds > 0 and result.peak_rss_mb > 0
    assert summarise(results)["standard"]["auc"][1] == 0.0


def test_cli_evaluate_writes_json_and_fit_writes_versioned_parameters(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "bkt.json"
    done = runner.invoke(
        app,
        ["evaluate", "--dataset", "assist2009_pid", "--model", "bkt", "--folds", "1",
         "--max-students", "100", "--json", str(out), "--param", "n_restarts=2"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    data = json.loads(out.read_text())
    assert data["model"] == "bkt" and data["params"] == {"n_restarts": 2}
    assert 0.5 < data["summary"]["standard"]["auc"][0] < 1.0 and len(data["folds"]) == 1
    bad = runner.invoke(
        app, ["evaluate", "--dataset", "assist2009_pid", "--model", "bkt", "--param", "max_slip=2"]
    )
    assert bad.exit_code == 2 and "max_slip=2" in bad.output
    assert root is not None
    params = tmp_path / "params.json"
    done = runner.invoke(
        app, ["fit", "--log", str(root / "assist2009_pid" / "assist2009_pid_test1.csv"), "--out", str(params)]
    )
    assert done.exit_code == 0, done.output
    fitted = SkillParameters.from_json(params.read_text())
    assert fitted.source.startswith("fitted BKT") and len(fitted.by_skill) > 50

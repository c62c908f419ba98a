"""The command line: set-up commands and clear messages for bad arguments."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from atpace.cli import app

runner = CliRunner()


def test_demo_creates_then_reuses(tmp_path: Path) -> None:
    first = runner.invoke(app, ["demo", "--data-dir", str(tmp_path), "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "teacher@riverside.example" in first.output and "Created" in first.output
    # ATPACE_DATA_DIR (README, Configuration) is the default of --data-dir
    second = runner.invoke(app, ["demo", "--no-serve"], env={"ATPACE_DATA_DIR": str(tmp_path)})
    assert second.exit_code == 0 and "Reusing" in second.output
    assert (tmp_path / "atpace.db").exists() and (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_schools_and_users_create(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    bad_slug = runner.invoke(app, ["schools", "create", "Bad Slug!", "X", "--database-url", url])
    assert bad_slug.exit_code == 2 and "slug" in bad_slug.output
    ok = runner.invoke(app, ["schools", "create", "lincoln", "Lincoln Elementary", "--database-url", url])
    assert ok.exit_code == 0, ok.output
    base = [
        "users",
        "create",
        "pat@lincoln.example",
        "--name",
        "Pat",
        "--school",
        "lincoln",
        "--database-url",
        url,
    ]
    bad_role = runner.invoke(app, [*base, "--role", "wizard", "--password", "long-enough-1"])
    assert bad_role.exit_code == 2 and "role must be one of student, teacher, admin" in bad_role.output
    short = runner.invoke(app, [*base, "--role", "teacher", "--password", "short"])
    assert short.exit_code == 2 and "password" in short.output
    created = runner.invoke(app, [*base, "--role", "teacher"], input="long-enough-1\nlong-enough-1\n")
    assert created.exit_code == 0, created.output
    again = runner.invoke(app, [*base, "--role", "teacher", "--password", "long-enough-1"])
    assert again.exit_code == 2 and "already exists" in again.output


def test_serve_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--database-url", f"sqlite:///{tmp_path / 'empty.db'}"])
    assert result.exit_code == 2 and "atpace db upgrade" in result.output


def test_simulate_writes_the_policy_table_as_json(tmp_path: Path) -> None:
    import json

    out = tmp_path / "sim.json"
    result = runner.invoke(app, ["simulate", "--students", "8", "--seed", "1", "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert {"fixed", "atpace"} <= set(data["policies"])
    for row in data["policies"].values():
        assert row["items_to_mastery"] > 0 and 0 <= row["false_mastery_rate"] <= 1
        assert 0 <= row["post_test_accuracy"] <= 1
    assert 0 < data["placement"]["mean_items"] <= 20 and 0 <= data["placement"]["skill_accuracy"] <= 1

"""benchmarks/gen_oneroster.py writes packages the reader takes without a word, bulk and delta alike."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from atpace.interop.oneroster import read_roster

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "gen_oneroster.py"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_oneroster", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_oneroster", module)
    spec.loader.exec_module(module)
    return module


def test_bulk_and_delta_packages(tmp_path: Path) -> None:
    gen = generator()
    plan = gen.Plan(users=300, classes=12, enrollments=900, seed=7)
    gen.write(tmp_path / "bulk.zip", gen.bulk(plan, demographics=True), "bulk")
    roster = read_roster(tmp_path / "bulk.zip")
    assert (roster.problems, roster.warnings, roster.unresolved) == ([], [], [])
    assert (len(roster.users), len(roster.classes), len(roster.enrollments)) == (300, 12, 900)
    assert {u.role for u in roster.users} == {"student", "teacher", "admin"}
    assert len(roster.demographics) == len(plan.students)
    again = gen.Plan(users=300, classes=12, enrollments=900, seed=7)
    assert again.enrolled == plan.enrolled  # deterministic

    gen.write(tmp_path / "delta", gen.delta(plan), "delta")
    delta = read_roster(tmp_path / "delta")
    assert (delta.problems, delta.warnings) == ([], [])
    statuses = [u.status for u in delta.users]
    renamed = len(plan.students) // 100
    assert statuses.count("tobedeleted") == 1 and statuses.count("active") == renamed + 20
    assert set(delta.unresolved_ids()) == {"classes", "orgs"}  # in the database after the bulk import

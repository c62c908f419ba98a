"""Policy benchmark: fixed sequence, Kolibri's rules and atpace's policy on the same synthetic students.

usage: nice python benchmarks/policy_sim.py [--students N] [--seed S] [--json OUT] [--plots DIR] [--sweep]

Prints the markdown table for docs/benchmarks.md; ``--sweep`` also runs atpace's policy (without
placement) over standard targets 0.5..0.9 and saves docs/img/policy_target_sweep.png (docs/policy.md).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from atpace.engine.policy import Mode
from atpace.engine.simulate import run_simulation, save_plots
from atpace.services.simulation import demo_course

ROOT = Path(__file__).resolve().parents[1]
SWEEP = (0.5, 0.6, 0.7, 0.8, 0.9)


def sweep(students: int, seed: int, plots: Path) -> None:
    rows = []
    for standard in SWEEP:
        targets: dict[Mode, float] = {
            "challenge": round(standard - 0.1, 2),
            "standard": standard,
            "support": min(0.95, standard + 0.1),
        }
        report = run_simulation(
            demo_course(seed), students=students, seed=seed, targets=targets, include=("atpace-no-placement",)
        )
        r = report.policies["atpace-no-placement"]
        rows.append((standard, r.items_to_mastery, r.false_mastery_rate, r.practice_accuracy))
    print(
        "\n| standard target | items to course mastery | false mastery | practice accuracy |\n|---|---|---|---|"
    )
    for standard, items, false, acc in rows:
        print(f"| {standard:.2f} | {items:.1f} | {false:.1%} | {acc:.1%} |")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot([r[0] for r in rows], [r[1] for r in rows], marker="o", label="items to course mastery")
    ax.set_xlabel("standard-mode target (predicted success)")
    ax.set_ylabel("items to course mastery")
    twin = ax.twinx()
    twin.plot(
        [r[0] for r in rows], [100 * r[2] for r in rows], marker="s", color="tab:red", label="false mastery %"
    )
    twin.set_ylabel("false mastery (%)")
    ax.set_title(f"Target sweep, {students} students (no placement)")
    fig.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    plots.mkdir(parents=True, exist_ok=True)
    fig.savefig(plots / "policy_target_sweep.png", dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--plots", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--sweep", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    report = run_simulation(
        demo_course(args.seed),
        students=args.students,
        seed=args.seed,
        include=(
            "fixed",
            "fixed-10",
            "in-a-row-3",
            "in-a-row-5",
            "3-of-5",
            "atpace",
            "atpace-no-placement",
            "oracle",
        ),
    )
    print(
        f"{args.students} students, seed {args.seed}, fixed N = {report.fixed_n} items per skill, "
        f"mix {dict(report.mix)}, {time.perf_counter() - started:.0f}s\n"
    )
    print(report.markdown())
    if args.json:
        args.json.write_text(json.dumps(report.to_json_dict(), indent=2) + "\n")
    for path in save_plots(report, args.plots):
        print(f"wrote {path}")
    if args.sweep:
        sweep(max(args.students // 2, 20), args.seed, args.plots)


if __name__ == "__main__":
    main()

"""Derive the simulator's learner-parameter distributions from ASSISTments 2009 (assist2009_pid, train split 1).

usage: python benchmarks/derive_sim_params.py [--data DIR] [--out PATH] [--min-students N]

Fits per-skill BKT (prior, learn, guess, slip; no forgetting) with mirt 1.2.0's Baum-Welch EM
(``mirt.fit_bkt_em``) on every student's per-skill response sequence, keeps skills with enough students,
and writes ``src/atpace/engine/simulate/assist2009_params.json``. The simulator samples each demo-course
skill's latent parameters from these fitted skills (docs/policy.md, "Simulator").
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path("/work/shared/datasets/assist2009_pid")
DEFAULT_OUT = ROOT / "src" / "atpace" / "engine" / "simulate" / "assist2009_params.json"
MAX_OPPORTUNITIES = 50  # per student and skill; longer runs add little to the per-skill estimates


def read_sequences(path: Path) -> dict[int, list[list[int]]]:
    """Per skill id, one response list per student (time order). AKT 4-line blocks."""
    lines = [line.strip().rstrip(",") for line in path.read_text().splitlines() if line.strip()]
    by_skill: dict[int, list[list[int]]] = {}
    for start in range(0, len(lines), 4):
        skills = [int(v) for v in lines[start + 2].split(",")]
        answers = [int(v) for v in lines[start + 3].split(",")]
        mine: dict[int, list[int]] = {}
        for skill, answer in zip(skills, answers, strict=True):
            mine.setdefault(skill, []).append(answer)
        for skill, seq in mine.items():
            by_skill.setdefault(skill, []).append(seq[:MAX_OPPORTUNITIES])
    return by_skill


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--min-students", type=int, default=100)
    args = parser.parse_args()

    from mirt import fit_bkt_em

    source = args.data / "assist2009_pid_train1.csv"
    by_skill = read_sequences(source)
    kept = sorted(skill for skill, seqs in by_skill.items() if len(seqs) >= args.min_students)
    # One row per (student, skill) sequence, padded with -1 (missing); each row carries its skill index.
    rows = [(index, seq) for index, skill in enumerate(kept) for seq in by_skill[skill]]
    width = max(len(seq) for _, seq in rows)
    responses = np.full((len(rows), width), -1, dtype=np.int64)
    assignments = np.zeros((len(rows), width), dtype=np.int64)
    for row, (index, seq) in enumerate(rows):
        responses[row, : len(seq)] = seq
        assignments[row, :] = index
    started = time.perf_counter()
    result = fit_bkt_em(responses, assignments, n_skills=len(kept), seed=0)
    seconds = time.perf_counter() - started
    model = result.model
    fitted = [
        {
            "assist_skill": kept[i],
            "students": len(by_skill[kept[i]]),
            "prior": round(float(model.p_init[i]), 4),
            "learn": round(float(model.p_learn[i]), 4),
            "guess": round(float(model.p_guess[i]), 4),
            "slip": round(float(model.p_slip[i]), 4),
        }
        for i in range(len(kept))
    ]
    document = {
        "format": "atpace.sim-params",
        "version": 1,
        "source": f"{source.name} (assist2009_pid, AKT split 1), per-skill BKT by mirt.fit_bkt_em (EM, seed 0), "
        f"first {MAX_OPPORTUNITIES} opportunities per student and skill, skills with >= {args.min_students} "
        "students",
        "converged": bool(result.converged),
        "skills": fitted,
    }
    args.out.write_text(json.dumps(document, indent=1) + "\n")
    learn = np.array([s["learn"] for s in fitted])
    print(f"{len(fitted)} skills fitted in {seconds:.1f}s; learn median {np.median(learn):.3f} -> {args.out}")


if __name__ == "__main__":
    main()

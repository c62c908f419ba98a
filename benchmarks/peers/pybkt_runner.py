"""Fit pyBKT 1.4.3 on one split and save its test predictions. Runs inside pyBKT's own environment
(made by ``setup_pybkt.sh``), called by ``benchmarks/kt_table.py`` as a subprocess; imports nothing
from atpace.

usage: python pybkt_runner.py TRAIN VALID TEST OUT.npy [--forgets] [--seed 42] [--num-fits 5]
Prints one JSON line: fit and predict seconds, rows, and the C++ build check.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd


def _blocks_fit(lines: list[str], size: int) -> bool:
    """Whether every block of ``size`` lines is a header (1-2 fields) and rows of one common length."""
    if len(lines) % size:
        return False
    for start in range(0, len(lines), size):
        widths = {len(line.split(",")) for line in lines[start + 1 : start + size]}
        if len(lines[start].split(",")) > 2 or len(widths) != 1:
            return False
    return True


def read_akt(path: str) -> pd.DataFrame:
    """AKT lines -> pyBKT columns; the skill row is the skill, as in the datasets' PUBLISHED.md figure."""
    with open(path, encoding="utf-8") as handle:
        lines = [line.strip().rstrip(",") for line in handle if line.strip()]
    size = 4 if _blocks_fit(lines, 4) else 3
    users, skills, correct = [], [], []
    for start in range(0, len(lines), size):
        user = lines[start].split(",")[0]
        skill_row = lines[start + size - 2].split(",")
        answers = lines[start + size - 1].split(",")
        users.extend([user] * len(skill_row))
        skills.extend(skill_row)
        correct.extend(int(a) for a in answers)
    frame = pd.DataFrame({"user_id": users, "skill_name": skills, "correct": correct})
    frame["order_id"] = np.arange(len(frame))
    return frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("train")
    parser.add_argument("valid")
    parser.add_argument("test")
    parser.add_argument("out")
    parser.add_argument("--forgets", action="store_true")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--num-fits", type=int, default=5)
    args = parser.parse_args()

    import pyBKT.fit.E_step as e_step
    from pyBKT.models import Model

    train = pd.concat([read_akt(args.train), read_akt(args.valid)], ignore_index=True)
    train["order_id"] = np.arange(len(train))
    test = read_akt(args.test)
    model = Model(seed=args.seed, num_fits=args.num_fits)
    start = time.perf_counter()
    model.fit(data=train, forgets=args.forgets)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predicted = model.predict(data=test)
    predict_seconds = time.perf_counter() - start
    predicted = predicted.sort_values("order_id")
    np.save(args.out, predicted["correct_predictions"].to_numpy(dtype=np.float64))
    print(
        json.dumps(
            {
                "fit_seconds": fit_seconds,
                "predict_seconds": predict_seconds,
                "n_train": len(train),
                "n_test": len(test),
                "cpp": str(e_step.__file__).endswith(".so"),
            }
        )
    )


if __name__ == "__main__":
    main()

"""Does the item a student practises change how fast they learn? A check on ASSISTments 2009.

usage: nice python benchmarks/item_learning.py [--dataset assist2009_pid] [--fold 1] [--bins 5]
                                               [--min-students 100]

The learner simulator (docs/policy.md) follows BKT: a skill is learned with probability ``learn`` after
any practice item, whichever item it is, so item selection cannot speed learning there. This script asks
whether the data say otherwise. Per skill (train split, skills with at least ``--min-students``
students, each student's first 50 opportunities), items are binned by their difficulty within the skill
(shrunk logit of their correct rate; attempt-weighted quantiles, easiest bin first), and three BKT
variants are fitted by EM from the same start:

- ``single``: one prior, learn, guess and slip per skill (standard BKT);
- ``gs-by-bin``: guess and slip per difficulty bin (the item-adjusted answer model atpace uses);
- ``gs+learn-by-bin``: also the learning rate per bin of the item just answered.

It prints in-sample and held-out (test split) log-likelihood, with the parameter count, and the learning
rate of each bin relative to the skill's single rate (median over skills). Held-out log-likelihood is
the test: if learning by bin only fits noise, it does not improve on ``gs-by-bin`` there.
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from atpace.datasets.akt import load_fold
from atpace.engine.models import InteractionLog

MAX_OPPORTUNITIES = 50
SHRINK = 5.0  # pseudo-attempts at the skill's correct rate when an item's own rate is estimated
EDGE = 1e-4
MAX_GUESS_SLIP = 0.3  # the bound derive_sim_params.py and the kt benchmark use
START = (0.4, 0.1, 0.2, 0.1)  # prior, learn, guess, slip
VARIANTS = ("single", "gs-by-bin", "gs+learn-by-bin")


@dataclass(frozen=True)
class Sequences:
    """One skill's (student x opportunity) answers and item bins, padded; ``valid`` marks real rows."""

    correct: NDArray[np.float64]
    bins: NDArray[np.int64]
    valid: NDArray[np.bool_]


@dataclass
class Params:
    prior: float
    learn: NDArray[np.float64]  # per bin
    guess: NDArray[np.float64]
    slip: NDArray[np.float64]


def skill_rows(log: InteractionLog) -> dict[int, list[NDArray[np.int64]]]:
    """Per skill code, each student's row indices in time order (first MAX_OPPORTUNITIES)."""
    keep = np.flatnonzero(log.skill >= 0)
    order = keep[np.lexsort((keep, log.student[keep], log.skill[keep]))]
    skill, student = log.skill[order], log.student[order]
    boundary = np.ones(order.shape[0], dtype=bool)
    boundary[1:] = (skill[1:] != skill[:-1]) | (student[1:] != student[:-1])
    starts = np.append(np.flatnonzero(boundary), order.shape[0])
    result: dict[int, list[NDArray[np.int64]]] = {}
    for a, b in itertools.pairwise(starts.tolist()):
        result.setdefault(int(skill[a]), []).append(order[a : min(b, a + MAX_OPPORTUNITIES)])
    return result


def item_bins(log: InteractionLog, rows: list[NDArray[np.int64]], n_bins: int) -> dict[int, int]:
    """Item code -> difficulty bin (0 = easiest) from the train rows of one skill."""
    flat = np.concatenate(rows)
    items, correct = log.item[flat], log.correct[flat].astype(np.float64)
    rate = correct.mean()
    codes, inverse, counts = np.unique(items, return_inverse=True, return_counts=True)
    right = np.bincount(inverse, weights=correct)
    shrunk = np.clip((right + SHRINK * rate) / (counts + SHRINK), EDGE, 1 - EDGE)
    difficulty = -np.log(shrunk / (1 - shrunk))
    # attempt-weighted quantiles: each bin holds about the same number of answers
    by_row = difficulty[inverse]
    edges = np.quantile(by_row, np.linspace(0, 1, n_bins + 1)[1:-1])
    bins = np.searchsorted(edges, difficulty, side="right")
    return {int(c): int(b) for c, b in zip(codes, bins, strict=True)}


def padded(
    log: InteractionLog, rows: list[NDArray[np.int64]], bins: dict[int, int], n_bins: int
) -> Sequences:
    length = max(len(r) for r in rows)
    correct = np.zeros((len(rows), length))
    which = np.full((len(rows), length), n_bins // 2, dtype=np.int64)  # unseen items: the middle bin
    valid = np.zeros((len(rows), length), dtype=bool)
    for s, r in enumerate(rows):
        correct[s, : len(r)] = log.correct[r]
        which[s, : len(r)] = [bins.get(int(i), n_bins // 2) for i in log.item[r]]
        valid[s, : len(r)] = True
    return Sequences(correct, which, valid)


def _emissions(seq: Sequences, p: Params) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """P(answer | not learned), P(answer | learned) per cell; 1 in the padding."""
    g, s = p.guess[seq.bins], p.slip[seq.bins]
    e0 = np.where(seq.correct == 1, g, 1 - g)
    e1 = np.where(seq.correct == 1, 1 - s, s)
    return np.where(seq.valid, e0, 1.0), np.where(seq.valid, e1, 1.0)


def log_likelihood(seq: Sequences, p: Params) -> float:
    """Forward filter: each answer predicted from the earlier ones only."""
    e0, e1 = _emissions(seq, p)
    learn = p.learn[seq.bins]
    known = np.full(seq.correct.shape[0], p.prior)
    total = 0.0
    for t in range(seq.correct.shape[1]):
        c = known * e1[:, t] + (1 - known) * e0[:, t]
        total += float(np.log(c).sum())
        post = known * e1[:, t] / c
        known = post + (1 - post) * learn[:, t]
    return total


def em(seq: Sequences, n_bins: int, variant: str, iterations: int = 200, tol: float = 1e-6) -> Params:
    """Baum-Welch for a two-state BKT whose guess/slip (and learn) may depend on the item's bin."""
    prior, learn0, guess0, slip0 = START
    p = Params(prior, np.full(n_bins, learn0), np.full(n_bins, guess0), np.full(n_bins, slip0))
    n, length = seq.correct.shape
    onehot = np.eye(n_bins)[seq.bins] * seq.valid[..., None]  # (n, T, bins)
    has_next = np.zeros_like(seq.valid)
    has_next[:, :-1] = seq.valid[:, 1:]
    previous = -np.inf
    for _ in range(iterations):
        e0, e1 = _emissions(seq, p)
        learn = p.learn[seq.bins]
        f1 = np.empty((n, length))  # P(learned at t | answers up to t)
        scale = np.empty((n, length))
        known = np.full(n, p.prior)
        for t in range(length):
            c = known * e1[:, t] + (1 - known) * e0[:, t]
            scale[:, t] = c
            f1[:, t] = known * e1[:, t] / c
            known = f1[:, t] + (1 - f1[:, t]) * learn[:, t]
        b0, b1 = np.ones(n), np.ones(n)  # scaled backward messages
        gamma1 = np.empty((n, length))
        xi01 = np.zeros((n, length))  # P(not learned at t, learned at t+1 | all answers)
        for t in range(length - 1, -1, -1):
            gamma1[:, t] = f1[:, t] * b1
            if t > 0:
                nb0 = ((1 - learn[:, t - 1]) * e0[:, t] * b0 + learn[:, t - 1] * e1[:, t] * b1) / scale[:, t]
                nb1 = e1[:, t] * b1 / scale[:, t]
                xi01[:, t - 1] = (1 - f1[:, t - 1]) * learn[:, t - 1] * e1[:, t] * b1 / scale[:, t]
                b0, b1 = nb0, nb1
        gamma0 = 1 - gamma1
        total = float(np.log(scale[seq.valid]).sum())
        if total - previous < tol * abs(total):
            break
        previous = total

        def by_bin(values: NDArray[np.float64]) -> NDArray[np.float64]:
            out: NDArray[np.float64] = np.einsum("nt,ntb->b", values, onehot)
            return out

        wrong = 1 - seq.correct
        guess_num, guess_den = by_bin(gamma0 * seq.correct), by_bin(gamma0)
        slip_num, slip_den = by_bin(gamma1 * wrong), by_bin(gamma1)
        learn_num = by_bin(xi01 * has_next)
        learn_den = by_bin(gamma0 * has_next)
        if variant == "single":
            guess_num, guess_den = np.full(n_bins, guess_num.sum()), np.full(n_bins, guess_den.sum())
            slip_num, slip_den = np.full(n_bins, slip_num.sum()), np.full(n_bins, slip_den.sum())
        if variant != "gs+learn-by-bin":
            learn_num, learn_den = np.full(n_bins, learn_num.sum()), np.full(n_bins, learn_den.sum())
        p = Params(
            prior=float(np.clip(gamma1[:, 0].mean(), EDGE, 1 - EDGE)),
            learn=np.clip(learn_num / np.maximum(learn_den, EDGE), EDGE, 1 - EDGE),
            guess=np.clip(guess_num / np.maximum(guess_den, EDGE), EDGE, MAX_GUESS_SLIP),
            slip=np.clip(slip_num / np.maximum(slip_den, EDGE), EDGE, MAX_GUESS_SLIP),
        )
    return p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="assist2009_pid")
    parser.add_argument("--fold", type=int, default=1)
    parser.add_argument("--bins", type=int, default=5)
    parser.add_argument("--min-students", type=int, default=100)
    args = parser.parse_args()
    started = time.perf_counter()
    split = load_fold(args.dataset, args.fold)
    train_rows, test_rows = skill_rows(split.train), skill_rows(split.test)
    # each log codes skills in its own vocabulary: pair them by skill id
    test_code = {name: code for code, name in enumerate(split.test.skill_ids)}
    test_skill = {
        s: test_code[split.train.skill_ids[s]]
        for s in train_rows
        if test_code.get(split.train.skill_ids[s]) in test_rows
    }
    skills = [
        s for s, rows in sorted(train_rows.items()) if len(rows) >= args.min_students and s in test_skill
    ]
    totals = {v: [0.0, 0.0] for v in VARIANTS}  # in-sample, held-out
    ratios = []
    test_answers = 0
    for skill in skills:
        bins = item_bins(split.train, train_rows[skill], args.bins)
        train = padded(split.train, train_rows[skill], bins, args.bins)
        # test items get the bin learned on train; an item not seen in train gets the middle bin
        test_bins = _test_bins(split.train, split.test, bins)
        test = padded(split.test, test_rows[test_skill[skill]], test_bins, args.bins)
        test_answers += int(test.valid.sum())
        fitted = {}
        for variant in VARIANTS:
            fitted[variant] = em(train, args.bins, variant)
            totals[variant][0] += log_likelihood(train, fitted[variant])
            totals[variant][1] += log_likelihood(test, fitted[variant])
        ratios.append(fitted["gs+learn-by-bin"].learn / fitted["gs-by-bin"].learn[0])
    per_skill_params = {"single": 4, "gs-by-bin": 2 + 2 * args.bins, "gs+learn-by-bin": 1 + 3 * args.bins}
    print(
        f"{args.dataset} fold {args.fold}: {len(skills)} skills with >= {args.min_students} students, "
        f"{args.bins} difficulty bins, {test_answers} held-out answers, {time.perf_counter() - started:.0f}s\n"
    )
    print("| model | parameters | in-sample log-likelihood | held-out log-likelihood | held-out gain |")
    print("|---|---|---|---|---|")
    base = totals["single"][1]
    for variant in VARIANTS:
        fit, held = totals[variant]
        print(
            f"| {variant} | {per_skill_params[variant] * len(skills)} | {fit:.1f} | {held:.1f} | {held - base:+.1f} |"
        )
    median = np.median(np.array(ratios), axis=0)
    print("\nlearning rate by item difficulty bin, relative to the skill's one rate (median over skills):")
    print("| bin | " + " | ".join(f"{b + 1}" for b in range(args.bins)) + " |")
    print("|---|" + "---|" * args.bins)
    print("| learn / single learn | " + " | ".join(f"{r:.2f}" for r in median) + " |")


def _test_bins(train: InteractionLog, test: InteractionLog, bins: dict[int, int]) -> dict[int, int]:
    """The train bins keyed by the test log's item codes (each log has its own item vocabulary)."""
    train_code_of = {name: code for code, name in enumerate(train.item_ids)}
    result = {}
    for code, name in enumerate(test.item_ids):
        train_code = train_code_of.get(name)
        if train_code is not None and train_code in bins:
            result[code] = bins[train_code]
    return result


if __name__ == "__main__":
    main()

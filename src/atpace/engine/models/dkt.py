"""Deep knowledge tracing (Piech et al. 2015): an LSTM over (skill, response) pairs, on PyTorch's CPU build.

Needs the ``atpace[deep]`` extra (``torch==2.13.0``). The network reads one embedding per row and
outputs, after each row, a logit per skill for the next response. A leading start step makes the
output before any row available, so every row is predicted from the state after the rows of earlier
attempts only (rows of one attempt all read the same output).

Training cuts sequences into windows of ``window`` rows (as the AKT code does), uses Adam and keeps the
epoch with the best AUC on ``valid`` (early stopping), so valid is not trained on. Prediction runs
over whole sequences.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn

from atpace.engine import metrics
from atpace.engine.models.base import (
    KnowledgeTracer,
    check_positive,
    check_positive_int,
    check_probability,
    check_random_state,
)
from atpace.engine.models.interaction_log import Attempt, InteractionLog


class _Network(nn.Module):
    def __init__(self, n_skills: int, hidden: int, dropout: float) -> None:
        super().__init__()
        # token 0 is the start step; then (skill, response) pairs; the last skill index is "unknown"
        self.embed = nn.Embedding(2 * n_skills + 1, hidden)
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, n_skills)

    def forward(
        self, tokens: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        hidden, new_state = self.lstm(self.embed(tokens), state)
        logits: torch.Tensor = self.out(self.drop(hidden))
        return logits, new_state


@dataclass(frozen=True)
class _Batch:
    tokens: torch.Tensor  # (batch, steps + 1), start token first
    query_step: torch.Tensor  # (batch, steps): output step that predicts each row
    skill: torch.Tensor  # (batch, steps)
    target: torch.Tensor  # (batch, steps) float
    mask: torch.Tensor  # (batch, steps) bool
    rows: NDArray[np.int64]  # (batch, steps) source row in the log, -1 for padding


def _segments(log: InteractionLog, window: int | None) -> list[NDArray[np.int64]]:
    """Row ranges per student, cut into windows when ``window`` is set (one entry per segment)."""
    starts = log.student_starts().tolist()
    ends = [*starts[1:], len(log)]
    out: list[NDArray[np.int64]] = []
    for a, b in zip(starts, ends, strict=True):  # one iteration per student segment
        step = window or (b - a)
        out.extend(np.arange(s, min(s + step, b), dtype=np.int64) for s in range(a, b, step))
    return out


def _batches(
    log: InteractionLog, skill: NDArray[np.int64], segments: list[NDArray[np.int64]], batch_size: int
) -> list[_Batch]:
    """Padded batches of segments of similar length."""
    order = sorted(range(len(segments)), key=lambda k: len(segments[k]))
    new_attempt = ~log.shares_attempt_with_previous()
    batches = []
    for first in range(0, len(order), batch_size):  # one iteration per batch
        group = [segments[k] for k in order[first : first + batch_size]]
        steps = max(len(g) for g in group)
        rows = np.full((len(group), steps), -1, dtype=np.int64)
        for r, g in enumerate(group):
            rows[r, : len(g)] = g
        valid = rows >= 0
        safe = np.where(valid, rows, 0)
        s = np.where(valid, skill[safe], 0)
        y = np.where(valid, log.correct[safe], 0)
        tokens = np.zeros((len(group), steps + 1), dtype=np.int64)
        tokens[:, 1:] = np.where(valid, 1 + 2 * s + y, 0)
        # the output after step k has read rows 0..k-1 of the segment; a row reads the output
        # at its attempt's first step (clipped to the segment start)
        position = np.broadcast_to(np.arange(steps), rows.shape)
        starts_here = new_attempt[safe] | (position == 0)
        query = np.maximum.accumulate(np.where(starts_here, position, 0), axis=1)
        batches.append(
            _Batch(
                tokens=torch.from_numpy(tokens),
                query_step=torch.from_numpy(query.astype(np.int64)),
                skill=torch.from_numpy(s.astype(np.int64)),
                target=torch.from_numpy(y.astype(np.float32)),
                mask=torch.from_numpy(valid),
                rows=rows,
            )
        )
    return batches


def _average_unknown_skill(net: _Network, known: int) -> None:
    """No training row has the "unknown skill" index, so its weights are still random: make it the
    average skill (output row and the two input embeddings) for skills first met at test time."""
    with torch.no_grad():
        net.out.weight[known] = net.out.weight[:known].mean(dim=0)
        net.out.bias[known] = net.out.bias[:known].mean()
        for answer in (0, 1):  # token 1 + 2 * skill + answer
            net.embed.weight[1 + 2 * known + answer] = net.embed.weight[1 + answer : 1 + 2 * known : 2].mean(
                dim=0
            )


def _row_logits(net: _Network, batch: _Batch) -> torch.Tensor:
    logits, _ = net(batch.tokens)
    at_query = torch.gather(logits, 1, batch.query_step.unsqueeze(-1).expand(-1, -1, logits.shape[-1]))
    return torch.gather(at_query, 2, batch.skill.unsqueeze(-1)).squeeze(-1)


@dataclass(frozen=True)
class DKTState:
    """The LSTM's hidden and cell vectors after a student's attempts so far."""

    hidden: tuple[float, ...] = ()
    cell: tuple[float, ...] = ()


class DKT(KnowledgeTracer[DKTState]):
    """LSTM knowledge tracing with early stopping on ``valid``."""

    name: ClassVar[str] = "dkt"
    uses_validation: ClassVar[bool] = True

    def __init__(
        self,
        *,
        hidden_size: int = 100,
        dropout: float = 0.2,
        learning_rate: float = 2e-3,
        batch_size: int = 64,
        window: int = 200,
        max_epochs: int = 20,
        patience: int = 3,
        n_threads: int | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.window = window
        self.max_epochs = max_epochs
        self.patience = patience
        self.n_threads = n_threads
        self.random_state = random_state

    def _validate(self) -> list[str]:
        problems = check_positive_int("hidden_size", self.hidden_size) + check_probability(
            "dropout", self.dropout, 0, 0.9
        )
        problems += check_positive("learning_rate", self.learning_rate)
        problems += check_positive_int("batch_size", self.batch_size) + check_positive_int(
            "window", self.window, 2
        )
        problems += check_positive_int("max_epochs", self.max_epochs) + check_positive_int(
            "patience", self.patience
        )
        if self.n_threads is not None:
            problems += check_positive_int("n_threads", self.n_threads)
        return problems + check_random_state(self.random_state)

    def _skill_codes(self, log: InteractionLog) -> NDArray[np.int64]:
        codes = log.codes("skill", self.skill_ids_)
        return np.where(codes >= 0, codes, len(self.skill_ids_))  # unknown skill index

    def _prediction_batches(self, log: InteractionLog) -> list[_Batch]:
        """Whole sequences (no window), so every row sees all of the student's earlier attempts."""
        return _batches(log, self._skill_codes(log), _segments(log, None), self.batch_size)

    @staticmethod
    def _predict(net: _Network, batches: list[_Batch], rows: int) -> NDArray[np.float64]:
        net.eval()
        out = np.empty(rows)
        with torch.no_grad():
            for batch in batches:
                p = torch.sigmoid(_row_logits(net, batch)).numpy().astype(np.float64)
                out[batch.rows[batch.rows >= 0]] = p[batch.rows >= 0]
        return out

    def fit(self, log: InteractionLog, valid: InteractionLog | None = None) -> Self:
        self._check_params()
        if len(log) == 0:
            raise ValueError("DKT needs a non-empty log")
        if self.n_threads is not None:
            torch.set_num_threads(self.n_threads)
        generator = torch.Generator().manual_seed(self.random_state or 0)
        torch.manual_seed(self.random_state or 0)
        self.skill_ids_ = log.skill_ids
        net = _Network(len(self.skill_ids_) + 1, self.hidden_size, self.dropout)
        optimiser = torch.optim.Adam(net.parameters(), lr=self.learning_rate)
        batches = _batches(log, self._skill_codes(log), _segments(log, self.window), self.batch_size)
        # The validation batches are built once; only the network changes between epochs.
        valid_batches = self._prediction_batches(valid) if valid is not None and len(valid) else None
        loss_fn = nn.BCEWithLogitsLoss()
        best_auc, best_state, stale = -1.0, None, 0
        self.history_: list[dict[str, float]] = []
        for epoch in range(self.max_epochs):
            net.train()
            total = 0.0
            for k in torch.randperm(len(batches), generator=generator).tolist():
                batch = batches[k]
                optimiser.zero_grad()
                logits = _row_logits(net, batch)
                loss = loss_fn(logits[batch.mask], batch.target[batch.mask])
                loss.backward()
                nn.utils.clip_grad_norm_(net.parameters(), 10.0)
                optimiser.step()
                total += float(loss.detach())
            record = {"epoch": float(epoch + 1), "train_loss": total / len(batches)}
            if valid is not None and valid_batches is not None:
                record["valid_auc"] = metrics.auc(
                    valid.correct, self._predict(net, valid_batches, len(valid))
                )
                if record["valid_auc"] > best_auc:
                    best_auc, stale = record["valid_auc"], 0
                    best_state = {k: v.clone() for k, v in net.state_dict().items()}
                else:
                    stale += 1
            self.history_.append(record)
            if stale >= self.patience:
                break
        if best_state is not None:
            net.load_state_dict(best_state)
        _average_unknown_skill(net, len(self.skill_ids_))
        net.eval()
        self.network_ = net
        self.fitted_ = True
        return self

    def predict_proba(self, log: InteractionLog) -> NDArray[np.float64]:
        self._require_fitted()
        return self._predict(self.network_, self._prediction_batches(log), len(log))

    # -- online use -------------------------------------------------------------------------------------
    def initial_state(self) -> DKTState:
        return DKTState()

    def _torch_state(self, state: DKTState) -> tuple[torch.Tensor, torch.Tensor] | None:
        if not state.hidden:
            return None
        return (
            torch.tensor(state.hidden, dtype=torch.float32).view(1, 1, -1),
            torch.tensor(state.cell, dtype=torch.float32).view(1, 1, -1),
        )

    def _codes_of(self, skills: tuple[str, ...]) -> list[int]:
        index = {s: i for i, s in enumerate(self.skill_ids_)}
        return [index.get(s, len(self.skill_ids_)) for s in skills] or [len(self.skill_ids_)]

    def update(self, state: DKTState, attempt: Attempt) -> DKTState:
        self._require_fitted()
        start = self._torch_state(state)
        codes = self._codes_of(attempt.skills)
        tokens = [1 + 2 * c + int(attempt.correct) for c in codes]
        if start is None:
            tokens = [0, *tokens]
        with torch.no_grad():
            _, (h, c) = self.network_(torch.tensor([tokens]), start)
        return DKTState(tuple(h.view(-1).tolist()), tuple(c.view(-1).tolist()))

    def predict_attempt(self, state: DKTState, skills: tuple[str, ...], item: str | None = None) -> float:
        self._require_fitted()
        with torch.no_grad():
            if not state.hidden:
                logits, _ = self.network_(torch.tensor([[0]]))
            else:
                h = torch.tensor(state.hidden, dtype=torch.float32).view(1, 1, -1)
                logits = self.network_.out(h)
            p = torch.sigmoid(logits.view(-1)[self._codes_of(skills)])
        return float(p.mean())

    # -- persistence ------------------------------------------------------------------------------------
    def _export(self) -> dict[str, Any]:
        buffer = io.BytesIO()
        arrays = {k: v.numpy() for k, v in self.network_.state_dict().items()}
        np.savez(buffer, **arrays)  # numeric arrays only: no pickled objects in the file
        return {
            "skill_ids": list(self.skill_ids_),
            "weights_npz_base64": base64.b64encode(buffer.getvalue()).decode(),
        }

    def _import(self, data: dict[str, Any]) -> None:
        self.skill_ids_ = tuple(data["skill_ids"])
        net = _Network(len(self.skill_ids_) + 1, self.hidden_size, self.dropout)
        with np.load(io.BytesIO(base64.b64decode(data["weights_npz_base64"])), allow_pickle=False) as arrays:
            net.load_state_dict({k: torch.from_numpy(arrays[k]) for k in arrays.files})
        net.eval()
        self.network_ = net

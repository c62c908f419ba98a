"""Knowledge-tracing models with one face: ``fit(log)``, ``predict_proba(log)``, ``update(state, attempt)``.

The registry maps the names used by ``atpace kt`` and the benchmark to constructors. DKT needs the
``atpace[deep]`` extra (PyTorch) and is imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from atpace.engine.models.base import KnowledgeTracer, NotFittedError
from atpace.engine.models.bkt import BKT, fit_skill_parameters
from atpace.engine.models.elo import Elo
from atpace.engine.models.interaction_log import Attempt, InteractionLog, concat
from atpace.engine.models.irt import IRT1PL, IRT2PL
from atpace.engine.models.logistic import PFA, BestLR

__all__ = [
    "BKT",
    "IRT1PL",
    "IRT2PL",
    "MODEL_NAMES",
    "PFA",
    "Attempt",
    "BestLR",
    "Elo",
    "InteractionLog",
    "KnowledgeTracer",
    "NotFittedError",
    "concat",
    "fit_skill_parameters",
    "make_model",
]


def _dkt(**params: Any) -> KnowledgeTracer[Any]:
    from atpace.engine.models.dkt import DKT

    return DKT(**params)


_FACTORIES: dict[str, tuple[Callable[..., KnowledgeTracer[Any]], dict[str, Any]]] = {
    "bkt": (BKT, {}),
    "bkt_forget": (BKT, {"forgetting": True}),
    # guess and slip as loose as the two states allow: the setting that matches pyBKT's unbounded EM
    "bkt_wide": (BKT, {"max_guess": 0.49, "max_slip": 0.49}),
    "elo": (Elo, {}),
    "irt1pl": (IRT1PL, {}),
    "irt2pl": (IRT2PL, {}),
    "pfa": (PFA, {}),
    "best_lr": (BestLR, {}),
    "dkt": (_dkt, {}),
}
MODEL_NAMES: tuple[str, ...] = tuple(_FACTORIES)


def make_model(name: str, **params: Any) -> KnowledgeTracer[Any]:
    """A fresh model by registry name; ``params`` override the name's defaults."""
    try:
        factory, defaults = _FACTORIES[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}") from None
    return factory(**{**defaults, **params})

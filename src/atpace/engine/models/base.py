"""The face every knowledge-tracing model shares, and its versioned JSON.

Estimators follow scikit-learn's contract: keyword hyperparameters stored as given, validation in
``fit`` (every problem collected into one ``ValueError``), learned state in attributes ending in ``_``.
"""

from __future__ import annotations

import inspect
import json
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, Self, TypeVar

import numpy as np
from numpy.typing import NDArray

from atpace.engine.models.interaction_log import Attempt, InteractionLog

MODEL_FORMAT = "atpace.kt-model"
MODEL_FORMAT_VERSION = 1

StateT = TypeVar("StateT")


class NotFittedError(RuntimeError):
    """A model was used before ``fit`` (or ``from_json``)."""


class KnowledgeTracer(ABC, Generic[StateT]):
    """``fit(log) -> self``; ``predict_proba(log)`` per row from that student's earlier attempts only;
    ``initial_state()`` / ``update(state, attempt)`` / ``predict_attempt(state, ...)`` for live use."""

    #: short name used by the CLI, the benchmark and the JSON files
    name: ClassVar[str]
    #: True when ``fit`` tunes something on ``valid`` (then the protocol keeps valid out of training)
    uses_validation: ClassVar[bool] = False
    #: False when ``fit`` ignores attempt groups (then one fit serves both figures of the protocol)
    attempt_aware_fit: ClassVar[bool] = True

    # -- scikit-learn style parameters --------------------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [p.name for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY]

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        unknown = sorted(set(params) - set(self._param_names()))
        if unknown:
            raise ValueError(f"unknown parameters for {type(self).__name__}: {', '.join(unknown)}")
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # -- the model ------------------------------------------------------------------------------------
    @abstractmethod
    def _validate(self) -> list[str]:
        """Problems with the hyperparameters, as readable sentences."""

    def _check_params(self) -> None:
        problems = self._validate()
        if problems:
            raise ValueError(f"invalid {type(self).__name__} parameters: " + "; ".join(problems))

    @abstractmethod
    def fit(self, log: InteractionLog, valid: InteractionLog | None = None) -> Self:
        """Learn from ``log``; ``valid`` is only used by models that tune on it."""

    @abstractmethod
    def predict_proba(self, log: InteractionLog) -> NDArray[np.float64]:
        """P(correct) of every row from the same student's rows in earlier attempts of ``log``."""

    @abstractmethod
    def initial_state(self) -> StateT:
        """The state of a student with no history."""

    @abstractmethod
    def update(self, state: StateT, attempt: Attempt) -> StateT:
        """A new state after ``attempt``; ``state`` is not changed."""

    @abstractmethod
    def predict_attempt(self, state: StateT, skills: tuple[str, ...], item: str | None = None) -> float:
        """P(correct) of a response to ``item`` tagged with ``skills``, given ``state``."""

    # -- persistence ----------------------------------------------------------------------------------
    @abstractmethod
    def _export(self) -> dict[str, Any]:
        """Learned state as JSON-ready data."""

    @abstractmethod
    def _import(self, data: dict[str, Any]) -> None:
        """Restore learned state written by ``_export``."""

    def _require_fitted(self) -> None:
        if not getattr(self, "fitted_", False):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit() first")

    def to_json(self) -> str:
        self._require_fitted()
        return json.dumps(
            {
                "format": MODEL_FORMAT,
                "version": MODEL_FORMAT_VERSION,
                "model": self.name,
                "hyperparameters": self.get_params(),
                "learned": self._export(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Self:
        data: dict[str, Any] = json.loads(text)
        problems = []
        if data.get("format") != MODEL_FORMAT:
            problems.append(f"format is {data.get('format')!r}, expected {MODEL_FORMAT!r}")
        if data.get("version") != MODEL_FORMAT_VERSION:
            problems.append(f"version is {data.get('version')!r}, expected {MODEL_FORMAT_VERSION}")
        if data.get("model") != cls.name:
            problems.append(f"model is {data.get('model')!r}, expected {cls.name!r}")
        if problems:
            raise ValueError("cannot read model parameters: " + "; ".join(problems))
        model = cls(**data["hyperparameters"])
        model._import(data["learned"])
        model.fitted_ = True
        return model

    fitted_: bool


def sigmoid(x: NDArray[np.float64]) -> NDArray[np.float64]:
    out: NDArray[np.float64] = 0.5 * (1.0 + np.tanh(0.5 * x))  # overflow-free logistic
    return out


def check_probability(name: str, value: object, low: float = 0.0, high: float = 1.0) -> list[str]:
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        return [f"{name}={value!r} must be a number in [{low}, {high}]"]
    return []


def check_positive_int(name: str, value: object, minimum: int = 1) -> list[str]:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        return [f"{name}={value!r} must be an integer >= {minimum}"]
    return []


def check_positive(name: str, value: object, allow_zero: bool = False) -> list[str]:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    ok = ok and (value >= 0 if allow_zero else value > 0)  # type: ignore[operator]
    return [] if ok else [f"{name}={value!r} must be a number {'>=' if allow_zero else '>'} 0"]


def check_random_state(value: object) -> list[str]:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return []
    return [f"random_state={value!r} must be None or a non-negative integer"]


class SkillItemCodes:
    """The skills and items a model was fitted on, as codes: for a whole log, and for one live attempt.

    A skill or item the model never saw gets code -1 (the model then uses its defaults).
    """

    skill_ids_: tuple[str, ...]
    item_ids_: tuple[str, ...]
    skill_index_: dict[str, int]
    item_index_: dict[str, int]

    def _index(self) -> None:
        self.skill_index_ = {key: i for i, key in enumerate(self.skill_ids_)}
        self.item_index_ = {key: i for i, key in enumerate(self.item_ids_)}

    def _codes(self, log: InteractionLog) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        return log.codes("skill", self.skill_ids_), log.codes("item", self.item_ids_)

    def _attempt_codes(
        self, skills: tuple[str, ...], item: str | None
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """One row per skill of the attempt (one row of code -1 when it names none), each with the item."""
        codes = np.array([self.skill_index_.get(s, -1) for s in skills] or [-1], dtype=np.int64)
        item_code = self.item_index_.get(item, -1) if item is not None else -1
        return codes, np.full(codes.shape[0], item_code, dtype=np.int64)

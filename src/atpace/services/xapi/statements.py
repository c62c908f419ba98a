"""Build xAPI 1.0.3 statements as plain JSON data and check them with ralph's pydantic models.

The builders are pure: they take what the event knows (ids, keys, numbers) and the actor's pseudonymous
account, and return the statement as a dict of JSON types. :func:`validate` runs ralph's
``BaseXapiStatement`` on it (and refuses anything the model would change); the outbox stores
``json.dumps`` of the dict itself, so the text sent is exactly what was checked, every time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from atpace.services.xapi import vocabulary as v

JSON = dict[str, Any]


@dataclass(frozen=True)
class Account:
    """Who the statement is about, as the LRS sees it: a random name under the school's home page."""

    home_page: str
    name: str

    def agent(self) -> JSON:
        return {"objectType": "Agent", "account": {"homePage": self.home_page, "name": self.name}}


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(milliseconds: int) -> str:
    seconds, millis = divmod(milliseconds, 1000)
    return f"PT{seconds}.{millis:03d}S" if millis else f"PT{seconds}S"


def _verb(name: str) -> JSON:
    verb = v.VERBS[name]
    return {"id": verb.iri, "display": {v.LANGUAGE: verb.display}}


def _activity(iri: str, kind: str, name: str, **definition: Any) -> JSON:
    return {
        "objectType": "Activity",
        "id": iri,
        "definition": {"type": kind, "name": {v.LANGUAGE: name}, **definition},
    }


def course_iri(home_page: str, course_key: str) -> str:
    return f"{home_page}/xapi/courses/{quote(course_key, safe='')}"


def course_activity(home_page: str, course_key: str, title: str) -> JSON:
    return _activity(course_iri(home_page, course_key), v.COURSE, title or course_key)


def _statement(statement_id: str, account: Account, verb: str, obj: JSON, moment: datetime, **parts: Any) -> JSON:
    statement: JSON = {"id": statement_id, "actor": account.agent(), "verb": _verb(verb), "object": obj}
    statement.update({key: value for key, value in parts.items() if value})
    statement["timestamp"] = timestamp(moment)
    return statement


def _context(course: JSON | None, extensions: JSON) -> JSON:
    context: JSON = {"platform": "atpace"}
    if extensions:  # xAPI allows no empty values, an empty extensions map included
        context["extensions"] = extensions
    if course is not None:
        context["contextActivities"] = {"parent": [course]}
    return context


INTERACTIONS = {"multiple_choice": "choice", "choice": "choice", "numeric": "numeric", "fraction": "fill-in"}


@dataclass(frozen=True)
class AnswerFacts:
    item_id: int
    item_kind: str
    correct: bool
    mastery: dict[str, tuple[float, float]]  # per skill key: P(learned) before, after
    evidence_kind: str
    duration_ms: int | None = None
    hints_used: int = 0
    confidence: int | None = None


def answered(statement_id: str, account: Account, course: JSON, facts: AnswerFacts, moment: datetime) -> JSON:
    home = account.home_page
    item = _activity(
        f"{home}/xapi/items/{facts.item_id}", v.ITEM, f"Item {facts.item_id}",
        interactionType=INTERACTIONS.get(facts.item_kind, "other"),
    )  # fmt: skip
    extensions: JSON = {
        v.MASTERY: {key: {"before": round(b, 6), "after": round(a, 6)} for key, (b, a) in facts.mastery.items()},
        v.HINTS_USED: facts.hints_used,
    }
    if facts.confidence is not None:
        extensions[v.CONFIDENCE] = facts.confidence
    result: JSON = {"success": facts.correct, "completion": True, "extensions": extensions}
    if facts.duration_ms is not None:
        result["duration"] = duration(facts.duration_ms)
    context = _context(course, {v.EVIDENCE_KIND: facts.evidence_kind, v.SKILLS: sorted(facts.mastery)})
    return _statement(statement_id, account, "answered", item, moment, result=result, context=context)


@dataclass(frozen=True)
class MasteryFacts:
    skill_key: str
    skill_name: str
    before: float
    after: float
    threshold: float
    evidence_kind: str
    gained: bool  # True: mastered; False: mastery lost


def mastery(statement_id: str, account: Account, course: JSON, facts: MasteryFacts, moment: datetime) -> JSON:
    skill = _activity(
        f"{course['id']}/skills/{quote(facts.skill_key, safe='')}", v.SKILL, facts.skill_name or facts.skill_key
    )
    detail = {
        "skill": facts.skill_key, "before": round(facts.before, 6), "after": round(facts.after, 6),
        "threshold": facts.threshold,
    }  # fmt: skip
    result: JSON = {"success": facts.gained, "extensions": {v.MASTERY: detail}}
    context = _context(course, {v.EVIDENCE_KIND: facts.evidence_kind})
    verb = "mastered" if facts.gained else "lost-mastery"
    return _statement(statement_id, account, verb, skill, moment, result=result, context=context)


def assignment_activity(home_page: str, assignment_id: int, title: str) -> JSON:
    return _activity(f"{home_page}/xapi/assignments/{assignment_id}", v.ASSIGNMENT, title or "Assignment")


def submitted(
    statement_id: str, account: Account, assignment: JSON, *, version: int, step: int, late: bool,
    moment: datetime,
) -> JSON:  # fmt: skip
    result: JSON = {"completion": True, "extensions": {v.SUBMISSION: {"version": version, "step": step, "late": late}}}
    return _statement(statement_id, account, "submitted", assignment, moment, result=result, context=_context(None, {}))


def scored(
    statement_id: str, account: Account, assignment: JSON, *, points: float | None, max_points: float,
    version: int, step: int, moment: datetime,
) -> JSON:  # fmt: skip
    result: JSON = {
        "completion": True,
        "extensions": {v.DECISION: "graded", v.SUBMISSION: {"version": version, "step": step}},
    }
    if points is not None and max_points > 0:
        raw = min(max(points, 0.0), max_points)
        result["score"] = {"raw": raw, "min": 0, "max": max_points, "scaled": round(raw / max_points, 6)}
    return _statement(statement_id, account, "scored", assignment, moment, result=result, context=_context(None, {}))


@dataclass(frozen=True)
class GoalFacts:
    goal_id: int
    title: str
    kind: str  # skills or time
    due_on: date
    minutes_per_week: int | None
    skill_keys: tuple[str, ...]


def goal_activity(home_page: str, facts: GoalFacts) -> JSON:
    detail = {"kind": facts.kind, "due_on": facts.due_on.isoformat(), "minutes_per_week": facts.minutes_per_week}
    return _activity(
        f"{home_page}/xapi/goals/{facts.goal_id}", v.GOAL, facts.title or "Goal", extensions={v.GOAL_DETAIL: detail}
    )


def goal_set(statement_id: str, account: Account, course: JSON, facts: GoalFacts, moment: datetime) -> JSON:
    context = _context(course, {v.SKILLS: list(facts.skill_keys)})
    return _statement(
        statement_id, account, "set-goal", goal_activity(account.home_page, facts), moment, context=context
    )


def goal_met(statement_id: str, account: Account, course: JSON, facts: GoalFacts, moment: datetime) -> JSON:
    context = _context(course, {v.SKILLS: list(facts.skill_keys)})
    result = {"success": True, "completion": True}
    return _statement(
        statement_id, account, "completed", goal_activity(account.home_page, facts), moment, result=result,
        context=context,
    )  # fmt: skip


def validate(statement: JSON) -> str:
    """Check the statement with ralph's xAPI model and return the JSON text to store and send.

    Raises ``ValueError`` (pydantic's ``ValidationError``) when the statement is not valid xAPI."""
    from ralph.models.xapi.base.statements import BaseXapiStatement  # type: ignore[import-untyped]

    BaseXapiStatement.model_validate(statement)
    return json.dumps(statement, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

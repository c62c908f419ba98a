"""Assignment and Grade Services: atpace fills gradebook columns (line items) of the LMS courses linked to
classes, through an outbox.

- A line item exists for a skill or an assignment placed in an LMS course (a deep link, or a resource link
  launched with ``atpace_kind``/``atpace_id``). Its column is created in the LMS on the first send (found
  again by its ``resourceId``/``tag`` ``atpace-<kind>-<id>``).
- When a linked skill's mastery changes (``mastery_changed``, called by the evidence service) or a linked
  assignment is graded (``work_graded``, called by the grading service), the student's score row is written
  in the caller's transaction and a ``lti.send`` job is queued with it. A changed value clears ``sent_at``:
  the new value goes again (re-sent on change); an unchanged one is not sent twice.
- ``send_pending`` sends what is due, outside any database transaction, and marks each row sent only if it
  did not change meanwhile; a failure keeps the row, counts the try, and waits (1, 2, 4 ... minutes, at most
  6 hours) before the next.

Skill: ``scoreGiven`` = mastery x 100 of ``scoreMaximum`` 100, ``activityProgress`` Completed once mastered
(else InProgress), ``gradingProgress`` FullyGraded. Assignment: the rubric points of the graded feedback out of
the rubric's maximum, Completed and FullyGraded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.store.db import Database
from atpace.store.tables import Assignment, Enrollment, Feedback, RubricCriterion, Skill, Submission, utcnow
from atpace.store.tables_lti import (
    LtiContext,
    LtiLineItem,
    LtiPlatform,
    LtiResourceLink,
    LtiScore,
    LtiUserLink,
)

SEND_TASK = "lti.send"
BATCH = 200
BACKOFF_MAX = timedelta(hours=6)
SKILL, ASSIGNMENT = "skill", "assignment"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"


def tag_of(kind: str, target_id: int) -> str:
    return f"atpace-{kind}-{target_id}"


def ensure_line_item(
    session: Session, context: LtiContext, kind: str, target_id: int, lineitem_url: str = ""
) -> LtiLineItem:
    """The line item of a skill or an assignment in an LMS course (created here, in the LMS on first send)."""
    item = session.scalar(
        select(LtiLineItem).where(
            LtiLineItem.context_pk == context.id,
            LtiLineItem.target_kind == kind,
            LtiLineItem.target_id == target_id,
        )
    )
    if item is None:
        label = ""
        if kind == SKILL:
            skill = session.get(Skill, target_id)
            label = skill.name if skill else f"Skill {target_id}"
        elif kind == ASSIGNMENT:
            assignment = session.get(Assignment, target_id)
            label = assignment.title if assignment else f"Assignment {target_id}"
        item = LtiLineItem(context_pk=context.id, target_kind=kind, target_id=target_id, label=label[:200],
                           score_maximum=100.0, lineitem_url="")  # fmt: skip
        session.add(item)
        session.flush()
    if lineitem_url and not item.lineitem_url:
        item.lineitem_url = lineitem_url
    return item


def link_targets(session: Session, link: LtiResourceLink, context: LtiContext) -> None:
    """A resource link that opens a skill or an assignment has a gradebook column."""
    if link.target_kind in (SKILL, ASSIGNMENT) and link.target_id is not None:
        ensure_line_item(session, context, link.target_kind, link.target_id, link.lineitem_url)


LMS_STUDENTS_KEY = "atpace.lti.students_from_an_lms"  # session.info: student id -> has an LMS account


def _linked_items(
    session: Session, student_id: int, kind: str, target_ids: Iterable[int]
) -> list[LtiLineItem]:
    ids = list(target_ids)
    if not ids:
        return []
    # Cheap for the students who never came through an LMS (the usual case): one indexed lookup per
    # transaction (a seeded history or a batch of offline answers records many pieces of evidence in one).
    known: dict[int, bool] = session.info.setdefault(LMS_STUDENTS_KEY, {})
    if student_id not in known:
        known[student_id] = (
            session.scalar(select(LtiUserLink.id).where(LtiUserLink.user_id == student_id).limit(1)) is not None
        )
    if not known[student_id]:
        return []
    return list(
        session.scalars(
            select(LtiLineItem)
            .join(LtiContext, LtiContext.id == LtiLineItem.context_pk)
            .join(Enrollment, Enrollment.class_id == LtiContext.class_id)
            .join(
                LtiUserLink,
                (LtiUserLink.platform_id == LtiContext.platform_id) & (LtiUserLink.user_id == student_id),
            )
            .where(
                Enrollment.user_id == student_id,
                LtiLineItem.target_kind == kind,
                LtiLineItem.target_id.in_(ids),
            )
        )
    )


def _note(session: Session, item: LtiLineItem, student_id: int, given: float, maximum: float) -> bool:
    """Write the student's latest score of a line item; True if it changed (and so is due to be sent)."""
    given = round(given, 2)
    row = session.scalar(
        select(LtiScore)
        .where(LtiScore.line_item_pk == item.id, LtiScore.user_id == student_id)
        .with_for_update()
    )
    now = utcnow()
    if row is None:
        session.add(LtiScore(line_item_pk=item.id, user_id=student_id, score_given=given, score_maximum=maximum,
                             changed_at=now, tries=0, last_error=""))  # fmt: skip
    elif row.score_given == given and row.score_maximum == maximum:
        return False
    else:
        row.score_given, row.score_maximum, row.changed_at = given, maximum, now
        row.sent_at, row.tries, row.next_try_at, row.last_error = None, 0, None, ""
    session.flush()
    return True


def _queue_send(session: Session, school_id: int) -> None:
    try:
        from atpace.services.jobs import enqueue_in
    except ImportError:  # pragma: no cover - the jobs package is part of atpace; kept for partial installs
        return
    enqueue_in(session, SEND_TASK, school_id=school_id)


def mastery_changed(session: Session, student_id: int, school_id: int, mastery: dict[int, float]) -> int:
    """Skills' new mastery (skill id -> probability) of a student; returns how many scores are now due."""
    due = 0
    for item in _linked_items(session, student_id, SKILL, mastery):
        due += _note(session, item, student_id, 100.0 * mastery[item.target_id], 100.0)
    if due:
        _queue_send(session, school_id)
    return due


def rubric_points(feedback: Feedback, criteria: Iterable[RubricCriterion]) -> tuple[float, float]:
    by_id = {c.id: c for c in criteria}
    maximum = sum(
        max((float(level.get("points", 0)) for level in c.levels), default=0.0) for c in by_id.values()
    )
    given = 0.0
    for score in feedback.scores:
        criterion = by_id.get(int(score["criterion_id"]))
        level = score.get("level")
        if criterion is not None and isinstance(level, int) and 0 <= level < len(criterion.levels):
            given += float(criterion.levels[level].get("points", 0))
    return given, maximum


def work_graded(
    session: Session, assignment: Assignment, submission: Submission, feedback: Feedback,
    criteria: Iterable[RubricCriterion],
) -> int:  # fmt: skip
    """A graded submission of a linked assignment: its rubric score is due to its LMS column."""
    if feedback.decision != "graded":
        return 0
    given, maximum = rubric_points(feedback, criteria)
    if maximum <= 0:
        return 0
    due = 0
    for item in _linked_items(session, submission.student_id, ASSIGNMENT, [assignment.id]):
        due += _note(session, item, submission.student_id, given, maximum)
    if due:
        _queue_send(session, submission.school_id)
    return due


# -- sending ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Due:
    score_id: int
    changed_at: datetime
    given: float
    maximum: float
    sub: str
    mastered: bool
    item_id: int
    kind: str
    target_id: int
    label: str
    lineitem_url: str
    context_id: int


def _due(session: Session, now: datetime, limit: int) -> list[_Due]:
    rows = session.execute(
        select(LtiScore, LtiLineItem, LtiContext, LtiUserLink.sub)
        .join(LtiLineItem, LtiLineItem.id == LtiScore.line_item_pk)
        .join(LtiContext, LtiContext.id == LtiLineItem.context_pk)
        .join(LtiPlatform, LtiPlatform.id == LtiContext.platform_id)
        .join(
            LtiUserLink,
            (LtiUserLink.platform_id == LtiPlatform.id) & (LtiUserLink.user_id == LtiScore.user_id),
        )
        .where(LtiScore.sent_at.is_(None), LtiPlatform.is_active.is_(True))
        .where(LtiScore.next_try_at.is_(None) | (LtiScore.next_try_at <= now))
        .order_by(LtiScore.changed_at)
        .limit(limit)
    ).all()
    return [
        _Due(
            s.id,
            s.changed_at,
            s.score_given,
            s.score_maximum,
            sub,
            s.score_given >= 0.999 * s.score_maximum,
            i.id,
            i.target_kind,
            i.target_id,
            i.label,
            i.lineitem_url,
            c.id,
        )
        for s, i, c, sub in rows
    ]


def _service(session: Session, context: LtiContext) -> AssignmentsGradesService:
    from atpace.services.lti.adapter import ToolServiceConnector, registration_of

    platform = session.get(LtiPlatform, context.platform_id)
    assert platform is not None
    scopes = list(context.ags_scopes) or [SCORE_SCOPE, LINEITEM_SCOPE]
    data: dict[str, Any] = {"scope": scopes, "lineitems": context.lineitems_url}
    return AssignmentsGradesService(ToolServiceConnector(registration_of(session, platform)), data)  # type: ignore[arg-type]


def _grade(due: _Due, moment: datetime) -> Grade:
    grade = (
        Grade()
        .set_score_given(due.given)
        .set_score_maximum(due.maximum)
        .set_timestamp(moment.isoformat().replace("+00:00", "Z"))
        .set_activity_progress("Completed" if due.kind == ASSIGNMENT or due.mastered else "InProgress")
        .set_grading_progress("FullyGraded")
        .set_user_id(due.sub)
    )
    return grade


def send_pending(database: Database, limit: int = BATCH) -> int:
    """Send the scores that are due; returns how many the LMS accepted."""
    now = utcnow()
    with database.transaction(write=False) as session:
        due = _due(session, now, limit)
        services = {d.context_id: _service(session, session.get(LtiContext, d.context_id)) for d in due}  # type: ignore[arg-type]
    sent = 0
    urls: dict[int, str] = {}
    for item in due:
        try:
            url = urls.get(item.item_id) or item.lineitem_url
            service = services[item.context_id]
            if not url:
                tag = tag_of(item.kind, item.target_id)
                found = service.find_or_create_lineitem(
                    LineItem().set_label(item.label or tag).set_score_maximum(item.maximum).set_tag(tag)
                    .set_resource_id(tag)
                )  # fmt: skip
                url = str(found.get_id() or "")
                if not url:
                    raise LtiException("the LMS answered a line item without an id")
            urls[item.item_id] = url
            service.put_grade(_grade(item, now), LineItem().set_id(url))
        except Exception as error:
            _failed(database, item, error)
            continue
        _sent(database, item, url)
        sent += 1
    return sent


def _sent(database: Database, due: _Due, url: str) -> None:
    with database.transaction() as session:
        line = session.get(LtiLineItem, due.item_id)
        if line is not None and not line.lineitem_url:
            line.lineitem_url = url
        row = session.get(LtiScore, due.score_id)
        if row is not None and row.changed_at == due.changed_at and row.sent_at is None:
            row.sent_at, row.tries, row.last_error = utcnow(), row.tries + 1, ""


def _failed(database: Database, due: _Due, error: Exception) -> None:
    with database.transaction() as session:
        row = session.get(LtiScore, due.score_id)
        if row is None or row.sent_at is not None:
            return
        row.tries += 1
        row.last_error = f"{type(error).__name__}: {error}"[:500]
        row.next_try_at = utcnow() + min(BACKOFF_MAX, timedelta(minutes=2 ** min(row.tries - 1, 10)))

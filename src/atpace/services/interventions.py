"""A teacher's decisions for one student: lock, unlock or clear a skill, set the practice mode. Each keeps who and why."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from atpace.engine import policy
from atpace.engine.policy import MODES
from atpace.errors import Conflict, InvalidInput
from atpace.services import audit
from atpace.services.access import get_student, require_staff, student_course
from atpace.services.auth import Actor
from atpace.services.courses import load_graph
from atpace.store.tables import PracticeModeSetting, SkillOverride, utcnow

MAX_REASON = 300


def _reason(text: str, required: bool = True) -> str:
    text = text.strip()
    if (required and not text) or len(text) > MAX_REASON:
        length = f"1-{MAX_REASON}" if required else f"at most {MAX_REASON}"
        raise InvalidInput("reason", f"say why in {length} characters; the student and colleagues see it")
    return text


def set_override(
    session: Session, actor: Actor, student_id: int, skill_key: str, action: str, reason: str
) -> SkillOverride:
    """Lock, unlock or clear (follow mastery again) a skill for a student (teachers of the student, school
    admins); every decision is kept with who made it and why."""
    student = get_student(session, actor, student_id)
    require_staff(actor)
    if action not in policy.OVERRIDE_ACTIONS:
        raise InvalidInput("action", "action must be lock, unlock or clear")
    graph = load_graph(session, student_course(session, student, seen_by=actor))
    skill = graph.skills.get(skill_key)
    if skill is None:
        raise InvalidInput("skill_key", f"no skill {skill_key!r} in {graph.course.title}")
    override = SkillOverride(
        school_id=student.school_id,
        student_id=student.id,
        skill_id=skill.id,
        action=action,
        reason=_reason(reason),
        decided_by_id=actor.user_id,
        created_at=utcnow(),
    )
    session.add(override)
    session.flush()
    audit.record(
        session, school_id=student.school_id, actor_id=actor.user_id, action="override.set",
        subject=("user", student.id),
        detail={
            "override_id": override.id, "skill_key": skill_key, "action": action, "reason": override.reason,
        },
    )  # fmt: skip
    return override


def set_mode(session: Session, actor: Actor, student_id: int, mode: str | None, reason: str = "") -> None:
    """Fix a student's practice mode, or with ``mode=None`` let recent answers decide again."""
    student = get_student(session, actor, student_id)
    require_staff(actor)
    setting = session.get(PracticeModeSetting, student.id)
    # The setting row keeps only the newest choice; the audit entry keeps the one it replaces.
    before = _mode_of(setting)
    if mode is None:
        if setting is not None:
            session.delete(setting)
            session.flush()
            _audit_mode(session, actor, student.school_id, student.id, before, None)
        return
    if mode not in MODES:
        raise InvalidInput("mode", f"mode must be one of {', '.join(MODES)}, or empty for automatic")
    why = _reason(reason, required=False)
    if setting is None:
        setting = PracticeModeSetting(
            student_id=student.id, school_id=student.school_id, set_by_id=actor.user_id
        )
    setting.mode, setting.reason = mode, why
    setting.set_by_id, setting.updated_at = actor.user_id, utcnow()
    try:
        with session.begin_nested():  # a colleague may have set the first mode a moment ago
            session.add(setting)
            session.flush()
    except IntegrityError:
        raise Conflict(
            "the practice mode was changed at the same moment by someone else; reload and check"
        ) from None
    _audit_mode(session, actor, student.school_id, student.id, before, _mode_of(setting))


def _mode_of(setting: PracticeModeSetting | None) -> dict[str, object] | None:
    if setting is None:
        return None
    return {
        "mode": setting.mode, "reason": setting.reason, "set_by_id": setting.set_by_id,
        "set_at": setting.updated_at.isoformat() if setting.updated_at else None,
    }  # fmt: skip


def _audit_mode(
    session: Session,
    actor: Actor,
    school_id: int,
    student_id: int,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
) -> None:
    audit.record(
        session, school_id=school_id, actor_id=actor.user_id, action="practice_mode.changed",
        subject=("user", student_id), detail={"before": before, "after": after},
    )  # fmt: skip

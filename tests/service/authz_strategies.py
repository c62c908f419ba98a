"""The strategy library in the authorization matrix (test_authorization.py).

The library is the school's: its teachers and administrators read it, add strategies, comment; the author and
the administrators edit a strategy and attach materials; a use is logged with a group of a class the actor
teaches (or any class, for an administrator). Students are refused everything (403); another school's users
do not see that a strategy exists (404), and a list or a new strategy is their own school's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.service.authz import Case, everyone
from tests.service.conftest import RollbackDatabase, World
from tests.service.web import TEST_SETTINGS

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


def staff(code: int) -> dict[str, int]:
    """No row: the staff of any school (their own library); students are refused."""
    return {**everyone(code), "student": 403, "classmate": 403, "foreign_student": 403}


def row(code: int) -> dict[str, int]:
    """A strategy of the school: its staff; another school's users do not see it."""
    return {**staff(code), "foreign_teacher": 404, "foreign_student": 404}


def author(code: int) -> dict[str, int]:
    """Changing a strategy: its author (the teacher) and the administrators."""
    return {**row(code), "other_teacher": 403}


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    """A strategy by the main class's teacher with a file material, and a group of the main class."""
    from sqlalchemy import select

    from atpace.services.files import FileStore, check_upload
    from atpace.store.tables import (
        Enrollment,
        Skill,
        Strategy,
        StrategyMaterial,
        StrategySkill,
        StudentGroup,
        StudentGroupMember,
    )

    with database.transaction() as session:
        skill_id = session.scalar(
            select(Skill.id).where(Skill.course_id == world.course_id, Skill.key == "equivalent-fractions")
        )
        assert skill_id is not None
        strategy = Strategy(
            school_id=world.school_id, title="Authz strips", description="", grade_band="3-5",
            needs=["concrete models"], created_by_id=world.teacher_id,
        )  # fmt: skip
        group = StudentGroup(
            school_id=world.school_id, class_id=world.class_id, name="needs: Equivalent fractions",
            kind="needs", focus=["equivalent-fractions"], created_by_id=world.teacher_id,
        )  # fmt: skip
        session.add_all([strategy, group])
        session.flush()
        members = session.scalars(
            select(Enrollment.user_id).where(Enrollment.class_id == world.class_id).limit(3)
        ).all()
        session.add_all(StudentGroupMember(group_id=group.id, student_id=m) for m in members)
        session.add(StrategySkill(strategy_id=strategy.id, skill_id=skill_id))
        store = FileStore(Path(str(TEST_SETTINGS["files_dir"])))
        stored = store.save(session, world.school_id, world.teacher_id, check_upload("strips.png", PNG))
        material = StrategyMaterial(
            strategy_id=strategy.id, title="Strip sheet", file_id=stored.id, position=1
        )
        session.add(material)
        session.flush()
        return {"strategy": strategy.id, "strategy_group": group.id, "strategy_file": material.id}


def _strategy_body(w: World, i: dict[str, int], a: str) -> dict[str, object]:
    return {"title": f"Authz strategy by {a}", "grade_band": "4", "needs": ["extension"]}


CASES = [
    Case("GET", "/api/strategies", lambda w, i: "/api/strategies?q=strips", staff(200)),
    Case("POST", "/api/strategies", lambda w, i: "/api/strategies", staff(201), body=_strategy_body),
    Case("GET", "/api/strategies/{strategy_id}", lambda w, i: f"/api/strategies/{i['strategy']}", row(200)),
    Case("PUT", "/api/strategies/{strategy_id}", lambda w, i: f"/api/strategies/{i['strategy']}", author(200),
         body=lambda w, i, a: {"title": f"Authz strips ({a})", "grade_band": "3-5"}),
    Case("POST", "/api/strategies/{strategy_id}/comments", lambda w, i: f"/api/strategies/{i['strategy']}/comments",
         row(201), body=lambda w, i, a: {"body": f"Tried it: {a}"}),
    Case("POST", "/api/strategies/{strategy_id}/uses", lambda w, i: f"/api/strategies/{i['strategy']}/uses",
         author(201), body=lambda w, i, a: {"used_on": today(), "group_id": i["strategy_group"], "note": a}),
    Case("POST", "/api/strategies/{strategy_id}/materials",
         lambda w, i: f"/api/strategies/{i['strategy']}/materials", author(201),
         body=lambda w, i, a: {"title": f"Link by {a}", "url": "https://example.org/strips"}),
    Case("GET", "/api/strategies/{strategy_id}/materials/{material_id}/file",
         lambda w, i: f"/api/strategies/{i['strategy']}/materials/{i['strategy_file']}/file", row(200)),
    # Pages
    Case("GET", "/strategies", lambda w, i: "/strategies?q=strips", staff(200)),
    Case("GET", "/strategies/new", lambda w, i: "/strategies/new", staff(200)),
    Case("POST", "/strategies", lambda w, i: "/strategies", staff(303),
         body=lambda w, i, a: {"title": f"Page strategy by {a}", "needs": "extension, reasoning"}, form=True),
    Case("GET", "/strategies/{strategy_id}", lambda w, i: f"/strategies/{i['strategy']}", row(200)),
    Case("GET", "/strategies/{strategy_id}/edit", lambda w, i: f"/strategies/{i['strategy']}/edit", author(200)),
    Case("POST", "/strategies/{strategy_id}/edit", lambda w, i: f"/strategies/{i['strategy']}/edit", author(303),
         body=lambda w, i, a: {"title": f"Authz strips, edited by {a}", "grade_band": "3-5"}, form=True),
    Case("POST", "/strategies/{strategy_id}/comments", lambda w, i: f"/strategies/{i['strategy']}/comments",
         row(303), body=lambda w, i, a: {"body": f"Page comment by {a}"}, form=True),
    Case("POST", "/strategies/{strategy_id}/uses", lambda w, i: f"/strategies/{i['strategy']}/uses", author(303),
         body=lambda w, i, a: {"target": f"group:{i['strategy_group']}", "used_on": today(), "note": a}, form=True),
    Case("POST", "/strategies/{strategy_id}/materials", lambda w, i: f"/strategies/{i['strategy']}/materials",
         author(303), body=lambda w, i, a: {"title": f"Page link by {a}", "url": "https://example.org/x"}, form=True),
    Case("GET", "/strategies/{strategy_id}/materials/{material_id}/file",
         lambda w, i: f"/strategies/{i['strategy']}/materials/{i['strategy_file']}/file", row(200)),
]  # fmt: skip

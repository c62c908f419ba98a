"""Where a student's data lives: found from the tables themselves (``Base.metadata``), not from a list.

A row is the student's when a column of its table refers to them (any foreign key to ``users.id``), or when
it belongs, through an ``ON DELETE CASCADE`` foreign key, to a row that is theirs (the feedback on their
submission, the files of their project's checkpoints, the skills of their goal). A table added later is
therefore exported and erased without anyone touching this module; ``undeclared_tables`` names the
users-referencing tables that nobody has described yet (a test fails on them until someone says, in
``DESCRIBED`` or in the table's ``info["privacy"]``, what the table holds about a student).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import JSON, ColumnElement, Enum, String, Table, or_, select
from sqlalchemy.sql.schema import Column

from atpace.store.tables import Base

USERS = "users"
AUDIT = "audit_entries"
ERASURE_REQUESTS = "erasure_requests"

# What each table that refers to users holds about a student (the zip's README.txt repeats it). A table
# may instead say it in its own ``__table_args__ = ({"info": {"privacy": "..."}},)``.
DESCRIBED: dict[str, str] = {
    "auth_tokens": "browser sessions and API tokens (names and dates; the secrets are never stored)",
    "demographics": "demographics imported from the school's roster",
    "equity_categories": "equity report categories chosen by staff (a student is never the chooser)",
    "subgroup_values": "the student's subgroup values for the equity report",
    "goals": "goals the student set (and who co-signed them)",
    "goal_comments": "comments on the student's goals, or written by the student",
    "self_ratings": "the student's self-ratings of their skills",
    "journal_entries": "the student's reflection journal",
    "lti_user_links": "the student's account in the school's LMS (LTI), as linked",
    "lti_scores": "scores sent to the school's LMS (LTI)",
    "practice_mode_settings": "the practice mode a teacher chose for the student",
    "reading_levels": "the student's reading level",
    "reading_answers": "the student's answers to reading questions",
    "reading_results": "the student's results on readings",
    "readings": "readings written by the student (none: staff write readings)",
    "roster_imports": "roster imports started by the student (none: administrators import)",
    "rubrics": "rubrics written by the student (none: staff write rubrics)",
    "sign_in_links": "one-time sign-in links issued for the student (dates; the secrets are never stored)",
    "stored_files": "files the student uploaded (the files themselves are in the zip's files/ folder)",
    "strategies": "teaching strategies written by the student (none: staff write them)",
    "xapi_accounts": "the random account name that stands for the student in the school's LRS",
    "xapi_lrs": "LRS settings changed by the student (none: administrators change them)",
    "xapi_outbox": "learning statements about the student waiting for, or sent to, the school's LRS",
    "choice_boards": "choice boards made by the student (none: teachers make them)",
    "class_check_settings": "mastery-check settings (none: teachers set them)",
    "class_teachers": "classes the person teaches (none for a student)",
    "enrollments": "the classes the student is enrolled in",
    "exports": "data exports asked for by the student (none: staff ask for them)",
    "learner_states": "the learner model's state per skill (mastery)",
    "learning_resources": "learning resources made by the student (none: staff make them)",
    "mastery_checks": "the student's mastery checks",
    "mastery_check_answers": "the student's answers in mastery checks",
    "projects": "the student's projects",
    "project_assessments": "project assessments written by the student (none: teachers assess)",
    "project_checkpoints": "checkpoints of the student's projects",
    "project_proposals": "project proposals decided by the student (none: teachers decide)",
    "review_memories": "the spaced-review memory of each mastered skill",
    "skill_overrides": "skills a teacher locked or unlocked for the student",
    "strategy_comments": "comments on strategies written by the student (none: staff write them)",
    "strategy_uses": "strategy uses logged by the student (none: teachers log them)",
    "student_groups": "groups made by the student (none: teachers make them)",
    "student_group_members": "the groups the student was in",
    "assignments": "assignments made by the student (none: teachers make them)",
    "assignment_completions": "practice assignments the student completed",
    "assignment_extensions": "extensions of due dates given to the student",
    "assignment_recipients": "assignments given to the student by name",
    "attempts": "every answer the student gave (also attempts.csv)",
    "evidence": "every piece of evidence about the student's skills and how it moved the model (also CSV)",
    "placement_sessions": "the student's placement diagnostic",
    "resource_uses": "learning resources the student opened",
    "choice_picks": "the student's picks and work on choice boards",
    "choice_assessments": "teachers' assessments of the student's choice-board work",
    "submissions": "the student's submitted work, every version",
    "feedback": "teachers' feedback on the student's submissions",
    "messages": "messages to the student, and messages the student wrote",
}
# Tables that refer to users but are not in the zip, and why.
NOT_EXPORTED: dict[str, str] = {
    ERASURE_REQUESTS: "requests to erase the student's data: an administrators' record, not the student's data",
}
# Rows about the student that an erasure keeps, and why (docs/privacy.md says the same).
KEPT: dict[str, str] = {
    ERASURE_REQUESTS: "the record that the erasure was asked for, confirmed and done: ids and times only",
    AUDIT: "the append-only audit log (who did what and when): ids only, never names or e-mail addresses",
    USERS: "a tombstone of the student's account (no name, no e-mail, no login) so that the id is never "
    "given to someone else and the audit log's ids keep pointing at 'an erased student'",
}
# Big tables also written as CSV (one row per line) beside their JSON.
CSV_TABLES = ("attempts", "evidence")
# JSON columns whose keys are student ids (a student's entry is removed at erasure).
ID_KEYED_JSON: tuple[tuple[str, str], ...] = (("student_groups", "baseline"),)


def is_secret(column: Column[object]) -> bool:
    """Digests of secrets (password and token hashes): never exported."""
    return column.name.endswith("_hash")


def user_columns(table: Table) -> list[Column[object]]:
    return [
        fk.parent for fk in table.foreign_keys if fk.column.table.name == USERS and fk.column.name == "id"
    ]


def referring_tables() -> list[Table]:
    """Every table (but users) with a foreign key to users.id."""
    return [t for t in Base.metadata.sorted_tables if t.name != USERS and user_columns(t)]


def description(table: Table) -> str | None:
    info = table.info.get("privacy")
    return DESCRIBED.get(table.name) or (str(info) if info else None)


def undeclared_tables() -> list[str]:
    """Users-referencing tables that nobody has described nor declared as left out of the zip."""
    return [t.name for t in referring_tables() if description(t) is None and t.name not in NOT_EXPORTED]


@dataclass(frozen=True)
class Owned:
    """A table some of whose rows are the student's, and the condition that finds them."""

    table: Table
    where: ColumnElement[bool]


def owned_tables(student_id: int) -> list[Owned]:
    """Every table that can hold the student's rows, parents before children (``sorted_tables`` order)."""
    found: dict[str, Owned] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in (USERS, AUDIT, ERASURE_REQUESTS):
            continue
        parts: list[ColumnElement[bool]] = []
        for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
            target = fk.column.table
            if target.name == USERS and fk.column.name == "id":
                parts.append(fk.parent == student_id)
            elif target.name in found and (fk.ondelete or "").upper() == "CASCADE":
                parts.append(fk.parent.in_(select(fk.column).where(found[target.name].where)))
        if parts:
            found[table.name] = Owned(table, or_(*parts))
    return list(found.values())


def text_columns(table: Table) -> list[Column[object]]:
    """Columns that can hold free text or JSON (where a name or e-mail address could be written)."""
    return [
        c for c in table.columns
        if isinstance(c.type, JSON) or (isinstance(c.type, String) and not isinstance(c.type, Enum))
    ]  # fmt: skip

"""What the course editor needs beyond courses, items and standards: item drafts from plain fields (the
faces never build content specs themselves), the answer checker on a draft, an item's versions by the id
of any of them, and course packages as bytes (a .zip to download, an uploaded .zip to import).
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path, PurePath

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.content.package import PackageError, package_files, read_package
from atpace.content.spec import (
    ITEM_KINDS,
    MAX_CHOICES,
    SELECTION_KINDS,
    SELECTION_SEPARATOR,
    AnswerSpec,
    ItemSpec,
)
from atpace.errors import InvalidInput, NotFound
from atpace.services import audit
from atpace.services import items as item_service
from atpace.services.access import get_course, require_course_editor
from atpace.services.auth import Actor
from atpace.services.courses import CourseGraph, course_spec, import_course, load_graph
from atpace.services.standards import Alignment, require_admin, skill_standards
from atpace.store.tables import Course, Item, ItemSkill, School

# Limits of an item's texts: those of the course package format, so that every course can be exported.
KINDS: tuple[str, ...] = ITEM_KINDS
PROMPT_MAX = 4000
CORRECT_MAX = 4000
TEXT_MAX = 2000  # one hint, one step of a worked solution
HINTS_MAX = 10
STEPS_MAX = 20
CHOICES_MAX = MAX_CHOICES
CHOICE_MAX = 500  # one choice, alternative or pattern
ALTERNATIVES_MAX = 50
PATTERNS_MAX = 20
DIFFICULTY_MIN, DIFFICULTY_MAX = -3.0, 3.0
PACKAGE_MAX_BYTES = 64 * 1024 * 1024
ITEM_FILE_MAX_BYTES = item_service.MAX_UPLOAD_BYTES
UPLOAD_NAME_MAX = 200

# The answer fields each kind uses besides ``kind`` and ``correct`` (a form shows them all; a page keeps
# only these before checking, so that leftovers of another kind are not errors).
ANSWER_FIELDS: dict[str, tuple[str, ...]] = {
    "multiple_choice": ("choices",),
    "multiple_select": ("choices", "correct_choices"),
    "ordering": ("choices", "correct_choices"),
    "numeric": (),
    "fraction": ("allow_decimal", "allow_mixed", "require_simplest"),
    "short_text": ("alternatives", "patterns", "case_sensitive"),
    "open_response": (),
}
_ANSWER_NAMES = frozenset(f.name for f in fields(AnswerSpec))
_LETTER = re.compile(r"[A-La-l]")


@dataclass(frozen=True)
class ItemDraft:
    """An item as an editor typed it; ``answer`` holds AnswerSpec's fields by name (docs/course-package.md).
    For multiple select and ordering ``correct`` may be empty: it is the correct choices joined."""

    prompt: str
    answer: Mapping[str, object]
    skill_keys: Sequence[str]
    hints: Sequence[str] = ()
    worked_solution: Sequence[str] = ()
    difficulty: float = 0.0


@dataclass(frozen=True)
class ItemPreview:
    """The item as a student sees it, and what the editor needs to check it."""

    kind: str
    prompt: str
    choices: tuple[str, ...]
    correct: str
    hints: tuple[str, ...]
    worked_solution: tuple[str, ...]
    auto_scored: bool


@dataclass(frozen=True)
class TryResult:
    status: str  # correct, incorrect or malformed (not an answer at all: not marked)
    message: str  # what the student would read
    normalized: str | None  # the response in standard notation


@dataclass(frozen=True)
class SavedItem:
    item: item_service.ItemVersion
    new_version: bool  # False: changed in place (nobody had answered it)
    kept_answers: int  # answers that stay on the older versions
    newer_meanwhile: bool = False  # another editor saved a version after this one was opened


@dataclass(frozen=True)
class SkillView:
    key: str
    name: str
    description: str
    grade: int | None
    prerequisites: list[str]  # keys, in course order
    standards: list[Alignment]
    items: int  # current items that practise it


@dataclass(frozen=True)
class CourseView:
    graph: CourseGraph
    skills: list[SkillView]  # in course order

    @property
    def course(self) -> Course:
        return self.graph.course


def course_view(session: Session, actor: Actor, course_id: int, *, editing: bool = True) -> CourseView:
    """The course's skills with their prerequisites, standards and item counts. ``editing``: for the
    course editor (its editors only); else for anyone in the school (standards are shown to students)."""
    course = get_course(session, actor, course_id)
    if editing:
        require_course_editor(session, actor, course)
    graph = load_graph(session, course)
    by_id = graph.skill_by_id()
    aligned = skill_standards(session, list(by_id))
    counts = dict(
        session.execute(
            select(ItemSkill.skill_id, func.count())
            .join(Item, Item.id == ItemSkill.item_id)
            .where(Item.course_id == course.id, Item.is_current.is_(True))
            .group_by(ItemSkill.skill_id)
        ).all()
    )
    order = list(graph.skills)
    skills = [
        SkillView(
            key=s.key, name=s.name, description=s.description, grade=s.grade,
            prerequisites=[k for k in order if k in graph.graph.prerequisites[s.key]],
            standards=aligned.get(s.id, []), items=int(counts.get(s.id, 0)),
        )
        for s in graph.skills.values()
    ]  # fmt: skip
    return CourseView(graph, skills)


def _problem_field(message: str) -> tuple[str, str]:
    """AnswerSpec's ValueError messages start with the field: 'correct: ...', 'patterns[0]: ...'."""
    name, sep, rest = message.partition(": ")
    base = name.split("[", 1)[0]
    if sep and base in _ANSWER_NAMES:
        return f"answer.{name}", rest
    return "answer", message


def _texts(value: object, field: str, most: int, longest: int) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(field, "must be a list of texts")
    texts = tuple(v.strip() for v in value if v.strip())
    if len(texts) > most:
        raise InvalidInput(field, f"at most {most} entries")
    long = next((t for t in texts if len(t) > longest), None)
    if long is not None:
        raise InvalidInput(field, f"each entry has at most {longest} characters ({long[:30]!r}... is longer)")
    if any("\x00" in t for t in texts):
        raise InvalidInput(field, "must not contain NUL characters")
    return texts


def answer_spec(answer: Mapping[str, object]) -> AnswerSpec:
    """The answer spec of a draft; InvalidInput names the field (``answer.choices``, ...) and the problem."""
    data = dict(answer)
    unknown = sorted(set(data) - _ANSWER_NAMES)
    if unknown:
        raise InvalidInput(f"answer.{unknown[0]}", "unknown answer field")
    kind = data.get("kind")
    if kind not in KINDS:
        raise InvalidInput("answer.kind", f"must be one of {', '.join(KINDS)}")
    correct = data.get("correct", "")
    if not isinstance(correct, str):
        raise InvalidInput("answer.correct", "must be a text")
    if len(correct) > CORRECT_MAX:
        raise InvalidInput("answer.correct", f"at most {CORRECT_MAX} characters")
    limits = {"choices": CHOICES_MAX, "correct_choices": CHOICES_MAX}
    limits |= {"alternatives": ALTERNATIVES_MAX, "patterns": PATTERNS_MAX}
    for name, most in limits.items():
        if name in data:
            data[name] = list(_texts(data[name], f"answer.{name}", most, CHOICE_MAX))
    choices = list(_texts(data.get("choices", ()), "answer.choices", CHOICES_MAX, CHOICE_MAX))
    if kind in SELECTION_KINDS and not correct.strip():
        picked = _texts(data.get("correct_choices", ()), "answer.correct_choices", CHOICES_MAX, CHOICE_MAX)
        data["correct"] = correct = SELECTION_SEPARATOR.join(picked)
    if kind == "multiple_choice" and correct.strip() not in choices and _LETTER.fullmatch(correct.strip()):
        index = ord(correct.strip().upper()) - ord("A")  # the correct choice named by its letter
        if index < len(choices):
            data["correct"] = choices[index]
    if isinstance(data.get("correct"), str):
        data["correct"] = str(data["correct"]).strip()
    if not data.get("correct"):
        raise InvalidInput("answer.correct", "give the correct answer")
    try:
        return AnswerSpec.from_dict(data)
    except ValueError as error:
        raise InvalidInput(*_problem_field(str(error))) from None


def item_spec_of(key: str, template_key: str, draft: ItemDraft) -> ItemSpec:
    prompt = draft.prompt.strip()
    if not prompt:
        raise InvalidInput("prompt", "write the question")
    if len(prompt) > PROMPT_MAX or "\x00" in prompt:
        raise InvalidInput("prompt", f"the question has at most {PROMPT_MAX} characters")
    answer = answer_spec(draft.answer)
    hints = _texts(list(draft.hints), "hints", HINTS_MAX, TEXT_MAX)
    steps = _texts(list(draft.worked_solution), "worked_solution", STEPS_MAX, TEXT_MAX)
    if not DIFFICULTY_MIN <= draft.difficulty <= DIFFICULTY_MAX:
        raise InvalidInput("difficulty", f"must be {DIFFICULTY_MIN:g} to {DIFFICULTY_MAX:g}")
    skill_keys = tuple(dict.fromkeys(draft.skill_keys))
    if not skill_keys:
        raise InvalidInput("skill_keys", "choose at least one skill")
    return ItemSpec(
        key=key, skill_keys=skill_keys, template_key=template_key, prompt=prompt, answer=answer, hints=hints,
        worked_solution=steps, difficulty=draft.difficulty,
    )  # fmt: skip


def editable_course(session: Session, actor: Actor, course_id: int) -> Course:
    """The course, if the actor may edit it (administrators, teachers of a class that uses it)."""
    course = get_course(session, actor, course_id)
    require_course_editor(session, actor, course)
    return course


def preview(session: Session, actor: Actor, course_id: int, draft: ItemDraft) -> ItemPreview:
    """The draft as a student would see it (InvalidInput when it is not a valid item yet)."""
    editable_course(session, actor, course_id)
    spec = item_spec_of("preview", "preview", draft)
    return ItemPreview(
        kind=spec.kind, prompt=spec.prompt, choices=spec.answer.choices, correct=spec.answer.correct,
        hints=spec.hints, worked_solution=spec.worked_solution, auto_scored=spec.answer.auto_scored,
    )  # fmt: skip


def try_answer(
    session: Session, actor: Actor, course_id: int, answer: Mapping[str, object], response: str
) -> TryResult:
    """What the answer checker says about ``response`` to the draft's answer (nothing is stored)."""
    editable_course(session, actor, course_id)
    result = item_service.try_answer(answer_spec(answer), response)
    return TryResult(result.status, result.message, result.normalized)


def _item_row(session: Session, actor: Actor, course_id: int, item_id: int) -> tuple[Course, Item]:
    course = editable_course(session, actor, course_id)
    item = session.get(Item, item_id)
    if item is None or item.course_id != course.id:
        raise NotFound(f"item {item_id} not found in {course.title}")
    return course, item


def item_history(
    session: Session, actor: Actor, course_id: int, item_id: int
) -> list[item_service.ItemVersion]:
    """Every version of the item that ``item_id`` is a version of, newest (the current one) first."""
    _, item = _item_row(session, actor, course_id, item_id)
    return item_service.item_versions(session, actor, course_id, item.key)


def save_item(session: Session, actor: Actor, course_id: int, item_id: int, draft: ItemDraft) -> SavedItem:
    """Save the draft over version ``item_id`` of an item: in place while nobody has answered it and no
    newer version was saved meanwhile, else as the item's next version (services.items.edit_item)."""
    _, item = _item_row(session, actor, course_id, item_id)
    current = item_service.item_spec(session, actor, course_id, item.key)
    spec = item_spec_of(item.key, current.template_key, draft)
    saved = item_service.edit_item(session, actor, course_id, spec, based_on=item.version)
    history = item_service.item_versions(session, actor, course_id, item.key)
    kept = sum(v.answered for v in history if not v.is_current)
    return SavedItem(saved, saved.id != item.id, kept, newer_meanwhile=saved.version > item.version + 1)


# ---------------------------------------------------------------------------------------------- packages


def _zip(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # same bytes for the same course
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def export_package(session: Session, actor: Actor, course_id: int) -> tuple[str, bytes]:
    """The course (current item versions) as a course package .zip: its file name and bytes (course
    editors: the package holds the answers)."""
    course = editable_course(session, actor, course_id)
    spec = course_spec(session, course)
    version = re.sub(r"[^A-Za-z0-9._-]+", "-", course.version).strip("-")
    audit.record(
        session, school_id=course.school_id, actor_id=actor.user_id, action="export.course",
        subject=("course", course.id), detail={"key": course.key, "version": course.version},
    )  # fmt: skip
    return f"{course.key}{'-' + version if version else ''}.zip", _zip(package_files(spec))


class PackageProblems(InvalidInput):
    """An uploaded course package that cannot be imported; ``problems`` name the file and the place."""

    def __init__(self, problems: list[str]) -> None:
        count = len(problems)
        super().__init__("file", f"the course package has {count} problem{'s' if count != 1 else ''}")
        self.problems = problems


def _upload_name(filename: str) -> str:
    name = PurePath(filename.replace("\\", "/")).name
    name = re.sub(r"[^A-Za-z0-9._ -]+", "-", name).strip(" .-")[:UPLOAD_NAME_MAX] or "package.zip"
    return name if name.lower().endswith(".zip") else name + ".zip"


def import_package(session: Session, actor: Actor, data: bytes, filename: str) -> Course:
    """Import an uploaded course package (.zip) into the actor's school, all of it or nothing (admins).

    Every problem the package reader finds is listed (PackageProblems), each with its file and place.
    """
    require_admin(actor)
    if not data:
        raise InvalidInput("file", "choose a course package (.zip) to upload")
    if len(data) > PACKAGE_MAX_BYTES:
        raise InvalidInput("file", f"the file is larger than {PACKAGE_MAX_BYTES // 2**20} MiB")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise PackageProblems([f"{_upload_name(filename)}: not a .zip file (export a course to get one)"])
    with tempfile.TemporaryDirectory(prefix="atpace-package-") as folder:
        path = Path(folder) / _upload_name(filename)
        path.write_bytes(data)
        try:
            spec = read_package(path)
        except PackageError as error:
            raise PackageProblems([p.replace(str(path), path.name) for p in error.problems]) from None
    school = session.get(School, actor.school_id)
    if school is None:
        raise NotFound("school not found")
    course = import_course(session, school, spec)
    audit.record(
        session, school_id=school.id, actor_id=actor.user_id, action="import.course",
        subject=("course", course.id), detail={"key": course.key, "version": course.version},
    )  # fmt: skip
    return course


def select_kind(answer: Mapping[str, object]) -> dict[str, object]:
    """Only the fields the answer's kind uses (a form sends every field of every kind)."""
    kind = str(answer.get("kind", ""))
    keep = {"kind", "correct", *ANSWER_FIELDS.get(kind, ())}
    return {name: value for name, value in answer.items() if name in keep}

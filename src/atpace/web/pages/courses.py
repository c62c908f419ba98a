"""The course editor's pages: the courses list (and a package import), a course's skills and prerequisites,
a skill's standards and items, an item's editor with a live preview and a "try an answer" box, and an
item-file import. The JSON API (web/api/course_editor.py) calls the same services."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from atpace.errors import AtpaceError, Conflict, InvalidInput, NotFound
from atpace.services import course_editor, courses, limits, standards
from atpace.services.auth import Actor
from atpace.services.course_editor import ANSWER_FIELDS, CourseView, ItemDraft, PackageProblems
from atpace.services.database import Role, Session
from atpace.services.items import ItemVersion, course_items, import_items
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId, Text
from atpace.web.pages.common import is_htmx, render
from atpace.web.skillmap import render_skill_map

router = APIRouter()

SkillKeyPath = Annotated[str, Path(min_length=1, max_length=limits.KEY_MAX), Text]
FORMATS = ("gift", "qti", "qti12", "aiken", "csv")
FORMAT_NAMES = {
    "": "Detect from the file", "gift": "GIFT (Moodle)", "qti": "QTI 2.x / 3.0 (item or package)",
    "qti12": "Canvas QTI 1.2 (quiz export)", "aiken": "Aiken", "csv": "CSV (one row per item)",
}  # fmt: skip
KIND_NAMES = {
    "multiple_choice": "Multiple choice (one answer)", "multiple_select": "Multiple select (several answers)",
    "ordering": "Ordering", "numeric": "Number", "fraction": "Fraction", "short_text": "Short text",
    "open_response": "Open response (scored by a teacher)",
}  # fmt: skip
DONE = {
    "skill-added": "Skill added. Give it items (import a file on its page) so that students can practise it.",
    "skill-saved": "Skill saved.",
    "aligned": "Standard added to the skill.",
    "unaligned": "Standard removed from the skill.",
    "from-framework": "Course started from the framework: a skill per standard, aligned to it, and prerequisites "
    "from its 'precedes' associations. Everything is editable; give each skill items on its page.",
}
FORM_ERRORS = (InvalidInput, Conflict, NotFound)


@dataclass(frozen=True)
class FormError:
    """A refused form, shown next to it with what was typed."""

    form: str
    message: str
    field: str = ""
    values: dict[str, str] = dataclasses.field(default_factory=dict)


def form_error(form: str, error: AtpaceError, **values: str) -> FormError:
    name = getattr(error, "field", None) or ""
    return FormError(form, error.message, name, values)


def editor_map(view: CourseView) -> str:
    """The prerequisite map (no mastery: an editor's view); the list beside it says the same in words."""
    return render_skill_map(
        view.graph.graph,
        names={s.key: s.name for s in view.skills},
        mastery={},
        states={},
        title=f"Prerequisites of {view.course.title}",
    )


@dataclass(frozen=True)
class Edge:
    before: str  # the prerequisite's key
    after: str  # the key of the skill that needs it
    before_name: str
    after_name: str


def edges(view: CourseView) -> list[Edge]:
    """The prerequisites in course order."""
    names = {s.key: s.name for s in view.skills}
    return [Edge(p, s.key, names[p], s.name) for s in view.skills for p in s.prerequisites]


# ------------------------------------------------------------------------------------------- course list


@router.get("/courses")
def courses_page(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    rows = courses.courses_for(session, actor)
    frameworks = standards.frameworks(session, actor) if actor.role == Role.ADMIN else []
    return render(request, "courses.html", actor, courses=rows, frameworks=frameworks)


def read_file(upload: UploadFile | None, most: int) -> tuple[bytes, str]:
    if upload is None or not upload.filename:
        raise InvalidInput("file", "choose a file to upload")
    data = upload.file.read(most + 1)
    if len(data) > most:
        raise InvalidInput("file", f"the file is larger than {most // 2**20} MiB")
    if not data:
        raise InvalidInput("file", f"{upload.filename} is empty")
    return data, upload.filename[:200]


@router.post("/courses/import")
def import_package(
    request: Request, actor: ActorDep, session: SessionDep, file: Annotated[UploadFile | None, File()] = None
) -> Response:
    """A course package (.zip) into the school, all of it or nothing (administrators)."""
    standards.require_admin(actor)
    template = "course_import_result.html"
    try:
        data, name = read_file(file, course_editor.PACKAGE_MAX_BYTES)
        course = course_editor.import_package(session, actor, data, name)
    except PackageProblems as error:
        return render(request, template, actor, status_code=422, error=error.message, problems=error.problems)
    except FORM_ERRORS as error:
        return render(request, template, actor, status_code=422, error=error.message, problems=[])
    view = course_editor.course_view(session, actor, course.id)
    return render(request, template, actor, status_code=201, course=course, skills=len(view.skills))


# ----------------------------------------------------------------------------------------- course editor


def _course_page(
    request: Request, actor: Actor, session: Session, course_id: int, *, error: FormError | None = None,
    notice: str | None = None,
) -> Response:  # fmt: skip
    view = course_editor.course_view(session, actor, course_id)
    return render(
        request, "course.html", actor, status_code=422 if error else 200, view=view, course=view.course,
        skill_map=editor_map(view), edges=edges(view), form_error=error, notice=notice,
        key_pattern=courses.SKILL_KEY.pattern,
    )  # fmt: skip


@router.get("/courses/{course_id}")
def course_page(
    request: Request,
    course_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    done: Annotated[str | None, Query(max_length=16), Text] = None,
) -> Response:
    return _course_page(request, actor, session, course_id, notice=DONE.get(done or ""))


@router.post("/courses/{course_id}/skills")
def add_skill(
    request: Request,
    course_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    key: Annotated[str, Form(max_length=courses.SKILL_KEY_MAX), Text] = "",
    name: Annotated[str, Form(max_length=courses.SKILL_NAME_MAX), Text] = "",
    description: Annotated[str, Form(max_length=courses.SKILL_DESCRIPTION_MAX), Text] = "",
) -> Response:
    try:
        courses.add_skill(session, actor, course_id, key.strip(), name, description)
    except FORM_ERRORS as error:
        failed = form_error("skill", error, key=key, name=name, description=description)
        return _course_page(request, actor, session, course_id, error=failed)
    return RedirectResponse(f"/courses/{course_id}?done=skill-added#skills", status_code=303)


def _prerequisites(
    request: Request, actor: Actor, session: Session, course_id: int, *, error: FormError | None = None,
    notice: str | None = None,
) -> Response:  # fmt: skip
    """The prerequisites card alone (htmx swaps it in, map redrawn), or the whole course page."""
    if not is_htmx(request):
        return _course_page(request, actor, session, course_id, error=error, notice=notice)
    view = course_editor.course_view(session, actor, course_id)
    return render(
        request, "course_prerequisites.html", actor, status_code=422 if error else 200, view=view,
        course=view.course, skill_map=editor_map(view), edges=edges(view), form_error=error, notice=notice,
    )  # fmt: skip


@router.post("/courses/{course_id}/prerequisites")
def add_prerequisite(
    request: Request,
    course_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    skill_key: Annotated[str, Form(max_length=limits.KEY_MAX), Text] = "",
    prerequisite_key: Annotated[str, Form(max_length=limits.KEY_MAX), Text] = "",
) -> Response:
    """Add a prerequisite; a cycle is refused, naming it."""
    try:
        graph = courses.add_prerequisite(session, actor, course_id, skill_key, prerequisite_key)
    except FORM_ERRORS as error:
        failed = form_error("prerequisite", error, skill_key=skill_key, prerequisite_key=prerequisite_key)
        return _prerequisites(request, actor, session, course_id, error=failed)
    names = {k: s.name for k, s in graph.skills.items()}
    notice = f"Added: {names[prerequisite_key]} comes before {names[skill_key]}."
    return _prerequisites(request, actor, session, course_id, notice=notice)


@router.post("/courses/{course_id}/prerequisites/remove")
def remove_prerequisite(
    request: Request,
    course_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    skill_key: Annotated[str, Form(max_length=limits.KEY_MAX), Text] = "",
    prerequisite_key: Annotated[str, Form(max_length=limits.KEY_MAX), Text] = "",
) -> Response:
    try:
        graph = courses.remove_prerequisite(session, actor, course_id, skill_key, prerequisite_key)
    except FORM_ERRORS as error:
        return _prerequisites(request, actor, session, course_id, error=form_error("remove", error))
    names = {k: s.name for k, s in graph.skills.items()}
    notice = f"Removed: {names[prerequisite_key]} is no longer a prerequisite of {names[skill_key]}."
    return _prerequisites(request, actor, session, course_id, notice=notice)


# -------------------------------------------------------------------------------------------- skill page


def _skill_page(
    request: Request, actor: Actor, session: Session, course_id: int, skill_key: str, *,
    framework_id: int | None = None, error: FormError | None = None, notice: str | None = None,
) -> Response:  # fmt: skip
    view = course_editor.course_view(session, actor, course_id)
    skill = next((s for s in view.skills if s.key == skill_key), None)
    if skill is None:
        raise NotFound(f"no skill {skill_key!r} in {view.course.title}")
    frameworks = standards.frameworks(session, actor)
    chosen = next(
        (f for f in frameworks if f.id == framework_id), frameworks[0] if len(frameworks) == 1 else None
    )
    outline = standards.outline(session, actor, chosen.id)[1] if chosen is not None else []
    aligned = {a.item_identifier for a in skill.standards}
    return render(
        request, "course_skill.html", actor, status_code=422 if error else 200, view=view, course=view.course,
        skill=skill, items=course_items(session, actor, course_id, skill_key), frameworks=frameworks,
        framework=chosen, outline=[e for e in outline if e.identifier not in aligned], form_error=error,
        notice=notice, formats=FORMAT_NAMES,
    )  # fmt: skip


@router.get("/courses/{course_id}/skills/{skill_key}")
def skill_page(
    request: Request,
    course_id: PathId,
    skill_key: SkillKeyPath,
    actor: ActorDep,
    session: SessionDep,
    framework: Annotated[int | None, Query(ge=1, le=limits.MAX_ID)] = None,
    done: Annotated[str | None, Query(max_length=16), Text] = None,
) -> Response:
    return _skill_page(
        request, actor, session, course_id, skill_key, framework_id=framework, notice=DONE.get(done or "")
    )


@router.post("/courses/{course_id}/skills/{skill_key}")
def update_skill(
    request: Request,
    course_id: PathId,
    skill_key: SkillKeyPath,
    actor: ActorDep,
    session: SessionDep,
    name: Annotated[str, Form(max_length=courses.SKILL_NAME_MAX), Text] = "",
    description: Annotated[str, Form(max_length=courses.SKILL_DESCRIPTION_MAX), Text] = "",
) -> Response:
    try:
        courses.update_skill(session, actor, course_id, skill_key, name, description)
    except FORM_ERRORS as error:
        failed = form_error("rename", error, name=name, description=description)
        return _skill_page(request, actor, session, course_id, skill_key, error=failed)
    return RedirectResponse(f"/courses/{course_id}/skills/{skill_key}?done=skill-saved", status_code=303)


@router.post("/courses/{course_id}/skills/{skill_key}/standards")
def align_skill(
    request: Request,
    course_id: PathId,
    skill_key: SkillKeyPath,
    actor: ActorDep,
    session: SessionDep,
    standard_item_id: Annotated[int | None, Form(ge=1, le=limits.MAX_ID)] = None,
) -> Response:
    try:
        if standard_item_id is None:
            raise InvalidInput("standard_item_id", "choose a standard")
        standards.align_skill(session, actor, course_id, skill_key, standard_item_id)
    except FORM_ERRORS as error:
        return _skill_page(request, actor, session, course_id, skill_key, error=form_error("align", error))
    return RedirectResponse(
        f"/courses/{course_id}/skills/{skill_key}?done=aligned#standards", status_code=303
    )


@router.post("/courses/{course_id}/skills/{skill_key}/standards/remove")
def unalign_skill(
    request: Request,
    course_id: PathId,
    skill_key: SkillKeyPath,
    actor: ActorDep,
    session: SessionDep,
    code: Annotated[str, Form(min_length=1, max_length=255), Text],
) -> Response:
    try:
        standards.unalign_skill(session, actor, course_id, skill_key, code)
    except FORM_ERRORS as error:
        return _skill_page(request, actor, session, course_id, skill_key, error=form_error("unalign", error))
    return RedirectResponse(
        f"/courses/{course_id}/skills/{skill_key}?done=unaligned#standards", status_code=303
    )


# ---------------------------------------------------------------------------------------------- item import


@router.post("/courses/{course_id}/items/import")
def import_item_file(
    request: Request,
    course_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    file: Annotated[UploadFile | None, File()] = None,
    skill_key: Annotated[str, Form(max_length=limits.KEY_MAX), Text] = "",
    format: Annotated[str, Form(max_length=16), Text] = "",
    confirm: Annotated[str, Form(max_length=64), Text] = "",
) -> Response:
    """Check a file of items (a dry run, writing nothing); the report offers to import exactly that file
    (``confirm`` carries its SHA-256), and a file changed since its check is checked again instead."""
    template = "item_import_report.html"
    course_editor.editable_course(session, actor, course_id)  # before reading the file
    try:
        data, name = read_file(file, course_editor.ITEM_FILE_MAX_BYTES)
        digest = hashlib.sha256(data).hexdigest()
        changed = bool(confirm) and confirm != digest
        dry_run = not confirm or changed
        report = import_items(
            session, actor, course_id, data, name, skill_key=skill_key, format=format or None, dry_run=dry_run
        )
    except FORM_ERRORS as error:
        return render(request, template, actor, status_code=422, error=error.message, course_id=course_id)
    return render(
        request, template, actor, status_code=200 if report.ok else 422, report=report, digest=digest,
        filename=name, changed=changed, course_id=course_id, skill_key=skill_key,
    )  # fmt: skip


# -------------------------------------------------------------------------------------------- item editor


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _entries(text: str) -> list[str]:
    """Hints or steps as typed: one per line, or separated by empty lines when one has several lines."""
    text = text.replace("\r\n", "\n")
    if re.search(r"\n[ \t]*\n", text.strip()):
        return [part.strip() for part in re.split(r"\n[ \t]*\n", text) if part.strip()]
    return _lines(text)


def _joined(entries: list[str]) -> str:
    return ("\n\n" if any("\n" in e for e in entries) else "\n").join(entries)


@dataclass(frozen=True)
class ItemForm:
    """The item editor's fields as typed (every kind's answer fields; only the chosen kind's are used)."""

    prompt: str = ""
    kind: str = "multiple_choice"
    correct: str = ""
    choices: str = ""
    correct_choices: str = ""
    alternatives: str = ""
    patterns: str = ""
    allow_decimal: bool = False
    allow_mixed: bool = True
    require_simplest: bool = False
    case_sensitive: bool = False
    hints: str = ""
    worked_solution: str = ""
    difficulty: str = "0"
    skill_keys: tuple[str, ...] = ()
    response: str = ""

    def answer(self) -> dict[str, object]:
        answer: dict[str, object] = {
            "kind": self.kind, "correct": self.correct, "choices": _lines(self.choices),
            "correct_choices": _lines(self.correct_choices), "alternatives": _lines(self.alternatives),
            "patterns": _lines(self.patterns), "allow_decimal": self.allow_decimal, "allow_mixed": self.allow_mixed,
            "require_simplest": self.require_simplest, "case_sensitive": self.case_sensitive,
        }  # fmt: skip
        keep = {"kind", "correct", *ANSWER_FIELDS.get(self.kind, ())}
        return {name: value for name, value in answer.items() if name in keep}

    def draft(self) -> ItemDraft:
        try:
            difficulty = float(self.difficulty.strip() or "0")
        except ValueError:
            raise InvalidInput("difficulty", "the difficulty is a number from -3 to 3") from None
        return ItemDraft(
            prompt=self.prompt, answer=self.answer(), skill_keys=self.skill_keys, hints=_entries(self.hints),
            worked_solution=_entries(self.worked_solution), difficulty=difficulty,
        )  # fmt: skip

    @classmethod
    def of(cls, version: ItemVersion) -> ItemForm:
        """The form filled with a stored version."""
        answer = version.answer
        texts = {name: "\n".join(map(str, _listed(answer.get(name)))) for name in TEXT_LISTS}
        return cls(
            prompt=version.prompt, kind=str(answer.get("kind", "")), correct=str(answer.get("correct", "")),
            allow_decimal=bool(answer.get("allow_decimal", False)), allow_mixed=bool(answer.get("allow_mixed", True)),
            require_simplest=bool(answer.get("require_simplest", False)),
            case_sensitive=bool(answer.get("case_sensitive", False)), hints=_joined(version.hints),
            worked_solution=_joined(version.worked_solution), difficulty=f"{version.difficulty:g}",
            skill_keys=tuple(version.skill_keys), **texts,
        )  # fmt: skip


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


TEXT_LISTS = ("choices", "correct_choices", "alternatives", "patterns")
TEXTS = ("prompt", "kind", "correct", *TEXT_LISTS, "hints", "worked_solution", "difficulty", "response")
ITEM_FORM_LIMITS = {
    "prompt": course_editor.PROMPT_MAX,
    "correct": course_editor.CORRECT_MAX,
    "response": limits.RESPONSE_MAX,
}


async def item_form(request: Request) -> ItemForm:
    """The item editor's form; every text bounded, NUL refused (InvalidInput names the field)."""
    form = await request.form(max_files=0, max_fields=200, max_part_size=256 * 1024)
    values: dict[str, str] = {}
    for name in TEXTS:
        raw = form.get(name)
        value = raw if isinstance(raw, str) else ""
        most = ITEM_FORM_LIMITS.get(name, 40_000)
        if len(value) > most:
            raise InvalidInput(name, f"at most {most} characters")
        if "\x00" in value:
            raise InvalidInput(name, "must not contain NUL characters")
        values[name] = value

    def checked(name: str) -> bool:
        return form.get(name) in ("1", "on", "true")

    skills = tuple(str(v)[: limits.KEY_MAX] for v in form.getlist("skill_keys") if isinstance(v, str) and v)
    return ItemForm(
        prompt=values["prompt"], kind=values["kind"], correct=values["correct"], choices=values["choices"],
        correct_choices=values["correct_choices"], alternatives=values["alternatives"], patterns=values["patterns"],
        allow_decimal=checked("allow_decimal"), allow_mixed=checked("allow_mixed"),
        require_simplest=checked("require_simplest"), case_sensitive=checked("case_sensitive"),
        hints=values["hints"], worked_solution=values["worked_solution"], difficulty=values["difficulty"],
        skill_keys=skills[:20], response=values["response"],
    )  # fmt: skip


ItemFormDep = Annotated[ItemForm, Depends(item_form)]


def _edit_page(
    request: Request, actor: Actor, session: Session, course_id: int, item_id: int, *, values: ItemForm | None = None,
    error: FormError | None = None, notice: str | None = None, tried: object = None, status: int = 200,
) -> Response:  # fmt: skip
    history = course_editor.item_history(session, actor, course_id, item_id)
    current = history[0]
    view = course_editor.course_view(session, actor, course_id)
    form = values or ItemForm.of(current)
    preview, preview_error = _preview(session, actor, course_id, form)
    return render(
        request, "item_edit.html", actor, status_code=422 if error else status, view=view, course=view.course,
        item=current, history=history, form=form, form_error=error, notice=notice, preview=preview,
        preview_error=preview_error, tried=tried, kinds=KIND_NAMES, answer_fields=ANSWER_FIELDS,
        kept=sum(v.answered for v in history if not v.is_current),
    )  # fmt: skip


def _preview(session: Session, actor: Actor, course_id: int, form: ItemForm) -> tuple[object, str | None]:
    try:
        return course_editor.preview(session, actor, course_id, form.draft()), None
    except InvalidInput as error:
        return None, f"{error.field.replace('_', ' ')}: {error.message}"


@router.get("/courses/{course_id}/items/{item_id}")
def edit_item_page(
    request: Request,
    course_id: PathId,
    item_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    saved: Annotated[str | None, Query(max_length=16), Text] = None,
) -> Response:
    history = course_editor.item_history(session, actor, course_id, item_id)
    if history[0].id != item_id:  # an older version: edit the current one
        return RedirectResponse(f"/courses/{course_id}/items/{history[0].id}", status_code=303)
    notice = None
    current, kept = history[0], sum(v.answered for v in history if not v.is_current)
    if saved in ("new", "meanwhile"):
        notice = f"Saved as version {current.version}; {kept} answer{'s' if kept != 1 else ''} kept on older versions."
        if saved == "meanwhile":
            notice += (
                " Another editor saved a version while you were editing: theirs is kept as the one before."
            )
    elif saved == "in-place":
        notice = f"Saved (version {current.version}, changed in place: nobody had answered it yet)."
    return _edit_page(request, actor, session, course_id, item_id, notice=notice)


@router.post("/courses/{course_id}/items/{item_id}")
def save_item(
    request: Request,
    course_id: PathId,
    item_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    form: ItemFormDep,
) -> Response:
    try:
        saved = course_editor.save_item(session, actor, course_id, item_id, form.draft())
    except InvalidInput as error:
        failed = FormError("item", error.message, error.field)
        return _edit_page(request, actor, session, course_id, item_id, values=form, error=failed)
    how = "meanwhile" if saved.newer_meanwhile else "new" if saved.new_version else "in-place"
    return RedirectResponse(f"/courses/{course_id}/items/{saved.item.id}?saved={how}#saved", status_code=303)


@router.post("/courses/{course_id}/items/{item_id}/preview")
def preview_item(
    request: Request,
    course_id: PathId,
    item_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    form: ItemFormDep,
) -> Response:
    """The draft as a student would see it (htmx: the preview alone)."""
    if not is_htmx(request):
        return _edit_page(request, actor, session, course_id, item_id, values=form)
    course_editor.item_history(session, actor, course_id, item_id)  # the item exists, the actor may edit it
    preview, problem = _preview(session, actor, course_id, form)
    return render(request, "item_preview.html", actor, preview=preview, preview_error=problem)


@router.post("/courses/{course_id}/items/{item_id}/try")
def try_answer(
    request: Request,
    course_id: PathId,
    item_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    form: ItemFormDep,
) -> Response:
    """What the answer checker says about a response to the draft (nothing is stored)."""
    course_editor.item_history(session, actor, course_id, item_id)
    try:
        tried: object = course_editor.try_answer(session, actor, course_id, form.answer(), form.response)
    except InvalidInput as error:
        tried = FormError("try", f"{error.field.replace('_', ' ')}: {error.message}", error.field)
    if not is_htmx(request):
        return _edit_page(request, actor, session, course_id, item_id, values=form, tried=tried)
    return render(request, "item_try.html", actor, tried=tried, response=form.response)

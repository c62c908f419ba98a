"""Pages of the equity report (issue 12; docs/equity.md): the school's report (/admin/equity, its
administrators), a class's report (/classes/{id}/equity, its teachers and the administrators), and the
administrators' page to choose the subgroups the school records and to set students' values (one at a time
or by CSV). Each calls the same service functions as the JSON API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from atpace.errors import InvalidInput
from atpace.services import equity, limits
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.services.equity import subgroups
from atpace.services.school.common import require_admin
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.equity_chart import Bar, bar_chart
from atpace.web.inputs import PathId, Text
from atpace.web.pages.common import render
from atpace.web.pages.forms import FORM_ERRORS, NO_CSV, FormError, form_error

router = APIRouter()
Field = Annotated[str, Query(max_length=40), Text]

# What the chart can show: (measure, heading, unit).
MEASURES = (
    ("mastered_mean", "Skills mastered per student (mean)", "skills"),
    ("practice_minutes_mean", "Practice time per student (mean minutes)", "minutes"),
    ("overrides_mean", "Teacher overrides per student (mean)", "overrides"),
    ("comments_mean", "Teachers' comments per student (mean)", "comments"),
    ("groups_mean", "Group memberships per student (mean)", "memberships"),
)
MEASURE_NAMES = {m for m, _, _ in MEASURES}


def _day(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(field, "give a date as YYYY-MM-DD") from None


@dataclass(frozen=True)
class Chart:
    category: equity.CategoryReport
    svg: str


def _charts(report: equity.EquityReport, measure: str) -> list[Chart]:
    heading, unit = next((h, u) for m, h, u in MEASURES if m == measure)
    charts = []
    for c in report.categories:
        bars = [Bar("All students", float(getattr(report.total, measure)), total=True)]
        bars += [
            Bar(g.label, float(getattr(g.measures, measure)) if g.measures else None, g.note)
            for g in c.groups
        ]
        shown = [b for b in bars[1:] if b.value is not None]
        desc = (
            f"{len(shown)} of {len(c.groups)} groups shown; the others have fewer than {report.min_group} "
            "students or are hidden so that a small group cannot be worked out. "
            + "; ".join(f"{b.label}: {b.value:.2f}" for b in shown)
            + f". All students: {report.total.students and getattr(report.total, measure):.2f}. "
            "The table below gives every value."
        )
        charts.append(
            Chart(c, bar_chart(bars, title=f"{heading} by {c.category.label.lower()}", desc=desc, unit=unit,
                               chart_id=f"equity-{c.category.key}"))
        )  # fmt: skip
    return charts


def _report_page(
    request: Request,
    actor: Actor,
    session: Session,
    class_id: int | None,
    since: str,
    until: str,
    measure: str,
) -> Response:
    typed = {"since": since, "until": until, "measure": measure}
    chart_measure = measure if measure in MEASURE_NAMES else MEASURES[0][0]
    status, error, report = 200, None, None
    try:
        when = equity.period(_day(since, "since"), _day(until, "until"))
    except InvalidInput as problem:
        status, error, when = 422, problem, equity.period()
    report = (
        equity.school_report(session, actor, when)
        if class_id is None
        else equity.class_report(session, actor, class_id, when)
    )
    return render(
        request, "equity.html", actor, status_code=status, report=report, typed=typed, error=error,
        charts=_charts(report, chart_measure), measures=MEASURES, measure=chart_measure,
    )  # fmt: skip


@router.get("/admin/equity")
def school_page(
    request: Request, actor: ActorDep, session: SessionDep, since: Field = "", until: Field = "",
    measure: Field = "",
) -> Response:  # fmt: skip
    return _report_page(request, actor, session, None, since, until, measure)


@router.get("/classes/{class_id}/equity")
def class_page(
    request: Request, class_id: PathId, actor: ActorDep, session: SessionDep, since: Field = "",
    until: Field = "", measure: Field = "",
) -> Response:  # fmt: skip
    return _report_page(request, actor, session, class_id, since, until, measure)


# Recording subgroups (administrators) ---------------------------------------------------------------------

DONE = {
    "categories": "Saved: the categories your school records.",
    "value": "Saved.",
}


def _settings_page(
    request: Request, actor: Actor, session: Session, *, notice: str | None = None, student_ref: str = "",
    error: FormError | None = None, imported: subgroups.CsvResult | None = None,
) -> Response:  # fmt: skip
    require_admin(actor)
    student = subgroups.find_student(session, actor, student_ref) if student_ref else None
    return render(
        request, "equity_subgroups.html", actor, status_code=error.status if error else 200,
        catalogue=equity.CATEGORIES, chosen={c.key for c in equity.chosen(session, actor.school_id)},
        summary=subgroups.summary(session, actor), notice=notice, form_error=error, imported=imported,
        student=student, student_values=subgroups.student_values(session, actor, student.id) if student else [],
        student_ref=student_ref,
    )  # fmt: skip


@router.get("/admin/equity/subgroups")
def settings_page(
    request: Request, actor: ActorDep, session: SessionDep,
    done: Annotated[str, Query(max_length=16), Text] = "",
    student: Annotated[str, Query(max_length=255), Text] = "",
) -> Response:  # fmt: skip
    return _settings_page(request, actor, session, notice=DONE.get(done), student_ref=student)


@router.post("/admin/equity/categories")
def choose_categories(
    request: Request, actor: ActorDep, session: SessionDep,
    categories: Annotated[list[Annotated[str, Text]] | None, Form(max_length=20)] = None,
) -> Response:  # fmt: skip
    require_admin(actor)
    try:
        equity.set_categories(session, actor, categories or [])
    except FORM_ERRORS as error:
        return _settings_page(request, actor, session, error=form_error("categories", error))
    return RedirectResponse("/admin/equity/subgroups?done=categories", status_code=303)


@router.post("/admin/equity/values")
def set_value(
    request: Request, actor: ActorDep, session: SessionDep,
    student: Annotated[str, Form(max_length=255), Text] = "",
    category: Annotated[str, Form(max_length=32), Text] = "",
    value: Annotated[str, Form(max_length=64), Text] = "",
) -> Response:  # fmt: skip
    require_admin(actor)
    values = {"student": student, "category": category, "value": value}
    try:
        found = subgroups.find_student(session, actor, student)
        if found is None:
            raise InvalidInput("student", "no student of this school has this login or sourcedId")
        equity.set_value(session, actor, found.id, category, value)
    except FORM_ERRORS as error:
        return _settings_page(request, actor, session, error=form_error("value", error, **values))
    return RedirectResponse(
        "/admin/equity/subgroups?" + urlencode({"done": "value", "student": student}), status_code=303
    )


@dataclass(frozen=True)
class ValuesUpload:
    data: bytes | str | None  # None: no file chosen and nothing pasted
    category: str  # "": the file has a category column
    dry_run: bool


async def values_upload(request: Request) -> ValuesUpload:
    """The values CSV of the upload form: a file (multipart) or rows pasted into the box, and the category."""
    async with request.form(max_files=1, max_fields=10, max_part_size=limits.CSV_MAX_BYTES) as form:
        dry_run = form.get("dry_run") in ("1", "on", "true")
        category = form.get("category")
        chosen = category.strip()[:32] if isinstance(category, str) else ""
        upload, pasted = form.get("file"), form.get("csv_text")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(limits.CSV_MAX_BYTES + 1)
            if data:
                return ValuesUpload(data, chosen, dry_run)
        if isinstance(pasted, str) and pasted.strip():
            return ValuesUpload(pasted, chosen, dry_run)
        return ValuesUpload(None, chosen, dry_run)


@router.post("/admin/equity/values.csv")
def import_values(
    request: Request, actor: ActorDep, session: SessionDep,
    upload: Annotated[ValuesUpload, Depends(values_upload)],
) -> Response:  # fmt: skip
    require_admin(actor)
    try:
        if upload.data is None:
            raise NO_CSV
        result = equity.import_values_csv(
            session, actor, upload.data, category_key=upload.category, dry_run=upload.dry_run
        )
    except FORM_ERRORS as error:
        return _settings_page(request, actor, session, error=form_error("csv", error))
    return _settings_page(request, actor, session, imported=result)

"""The class report page: weekly mastery growth (chart and table), per-student sparklines, stuck skills."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from atpace.services import class_reports
from atpace.web.charts import line_chart, nice_max, sparkline
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId
from atpace.web.pages.common import render

router = APIRouter()


@dataclass(frozen=True)
class StudentLine:
    growth: class_reports.StudentGrowth
    svg: str


def week_label(week: class_reports.Week) -> str:
    return f"{week.start.day} {week.start:%b}"


def growth_words(growth: int) -> str:
    if growth == 0:
        return "no change"
    word = "skill" if abs(growth) == 1 else "skills"
    return f"+{growth} {word}" if growth > 0 else f"{growth} {word} (lost)"


@router.get("/classes/{class_id}/report")
def class_report_page(request: Request, class_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    report = class_reports.class_report(session, actor, class_id)
    labels = [week_label(w) for w in report.weeks]
    chart = line_chart(
        report.class_mean,
        labels,
        title=f"{report.class_name}: mean skills mastered per student, by week",
        desc=(
            f"Weeks from {labels[0]} to {labels[-1]}; the class mean went from {report.class_mean[0]:.1f} "
            f"to {report.class_mean[-1]:.1f} of {report.skill_count} skills. The table below gives every value."
            if labels
            else "No practice recorded yet."
        ),
        x_label="Week starting (Monday, UTC)",
        y_label="Skills mastered (mean)",
        chart_id="growth-chart",
    )
    top = nice_max(max((max(s.counts, default=0) for s in report.students), default=0))
    lines = [
        StudentLine(
            s,
            sparkline(
                s.counts,
                label=f"{s.name}: skills mastered per week, now {s.current}, {growth_words(s.growth)} "
                f"over the last {class_reports.GROWTH_WEEKS} weeks",
                y_max=top,
            ),
        )
        for s in report.students
    ]
    return render(
        request,
        "class_report.html",
        actor,
        report=report,
        chart=chart,
        labels=labels,
        lines=lines,
        growth_weeks=class_reports.GROWTH_WEEKS,
        growth_words=growth_words,
    )

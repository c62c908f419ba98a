"""Class reports: weekly mastery growth, stuck skills, and the heatmap and grades as CSV downloads."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from atpace.services import class_reports
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import PathId

router = APIRouter(tags=["class reports"])


class WeekOut(BaseModel):
    start: datetime  # Monday 00:00 UTC
    end: datetime  # the next Monday 00:00 UTC (exclusive)
    class_mean: float  # mean skills mastered per active student at the end of the week


class StudentGrowthOut(BaseModel):
    student_id: int
    name: str
    counts: list[int]  # skills mastered at the end of each week (same order as ``weeks``)
    current: int
    growth: int  # over the last 4 weeks


class StuckStudentOut(BaseModel):
    student_id: int
    name: str
    kind: str
    text: str
    since: datetime | None


class StuckSkillOut(BaseModel):
    skill_key: str
    skill_name: str
    count: int
    share: float  # of the class's active students, 0..1
    students: list[StuckStudentOut]


class ClassReportOut(BaseModel):
    class_id: int
    class_name: str
    course_title: str
    mastery_threshold: float
    skill_count: int
    student_count: int
    generated_at: datetime
    weeks: list[WeekOut]
    students: list[StudentGrowthOut]
    stuck_skills: list[StuckSkillOut]


def report_out(report: class_reports.ClassReport) -> ClassReportOut:
    return ClassReportOut(
        class_id=report.class_id,
        class_name=report.class_name,
        course_title=report.course_title,
        mastery_threshold=report.threshold,
        skill_count=report.skill_count,
        student_count=report.student_count,
        generated_at=report.generated_at,
        weeks=[
            WeekOut(start=w.start, end=w.end, class_mean=round(mean, 3))
            for w, mean in zip(report.weeks, report.class_mean, strict=True)
        ],
        students=[
            StudentGrowthOut(
                student_id=s.student_id, name=s.name, counts=s.counts, current=s.current, growth=s.growth
            )
            for s in report.students
        ],
        stuck_skills=[
            StuckSkillOut(
                skill_key=s.skill_key,
                skill_name=s.skill_name,
                count=s.count,
                share=round(s.share, 3),
                students=[StuckStudentOut.model_validate(p, from_attributes=True) for p in s.students],
            )
            for s in report.stuck
        ],
    )


def csv_response(export: class_reports.CsvExport) -> Response:
    """A CSV download: UTF-8, an attachment with the export's safe file name, never cached."""
    return Response(
        export.content,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/classes/{class_id}/report", response_model=ClassReportOut)
def class_report(class_id: PathId, actor: ActorDep, session: SessionDep) -> ClassReportOut:
    """Skills mastered per week (class mean and each active student) and the skills where students are stuck."""
    return report_out(class_reports.class_report(session, actor, class_id))


CSV_RESPONSE: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/csv": {}}, "description": "A CSV file (UTF-8, header row)"}
}


@router.get("/classes/{class_id}/heatmap.csv", response_class=Response, responses=CSV_RESPONSE)
def heatmap_csv(class_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    """The mastery heatmap, one row per student (columns: docs/reports.md)."""
    return csv_response(class_reports.heatmap_csv(session, actor, class_id))


@router.get("/classes/{class_id}/grades.csv", response_class=Response, responses=CSV_RESPONSE)
def grades_csv(class_id: PathId, actor: ActorDep, session: SessionDep) -> Response:
    """Assignments and grades, one row per student x assignment (columns: docs/reports.md)."""
    return csv_response(class_reports.grades_csv(session, actor, class_id))

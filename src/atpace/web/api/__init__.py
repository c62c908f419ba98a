"""JSON API routers, mounted under /api."""

from fastapi import APIRouter

from atpace.web.api import (
    admin,
    assignments,
    auth,
    class_reports,
    classes,
    course_editor,
    courses,
    enrolment,
    grading,
    groups,
    interventions,
    messages,
    placement,
    practice,
    progress,
    roster,
    rubrics,
    sign_in,
    standards,
    strategies,
    today,
)

PREFIX = "/api"
ROUTE_MODULES = (
    auth, progress, practice, placement, classes, courses, interventions, roster, admin, enrolment, sign_in,
    course_editor, standards, messages, today, class_reports, groups, assignments, grading, rubrics, strategies,
)  # fmt: skip
router = APIRouter(prefix=PREFIX)
for module in ROUTE_MODULES:
    router.include_router(module.router)

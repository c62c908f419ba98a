"""JSON API routers, mounted under /api."""

from fastapi import APIRouter

from atpace.web.api import (
    admin,
    agency,
    assignments,
    audit,
    auth,
    checks,
    choices,
    class_reports,
    classes,
    course_editor,
    courses,
    enrolment,
    equity,
    exports,
    grading,
    groups,
    interventions,
    jobs,
    messages,
    offline,
    pathways,
    placement,
    practice,
    privacy,
    progress,
    readings,
    roster,
    rubrics,
    sign_in,
    standards,
    strategies,
    today,
    xapi,
)

PREFIX = "/api"
ROUTE_MODULES = (
    auth, progress, practice, placement, classes, courses, interventions, roster, admin, enrolment, sign_in,
    course_editor, standards, messages, today, class_reports, groups, assignments, grading, rubrics, strategies,
    readings, agency, pathways, checks, choices, audit,
    jobs, xapi, exports, privacy, equity, offline,
)  # fmt: skip
router = APIRouter(prefix=PREFIX)
for module in ROUTE_MODULES:
    router.include_router(module.router)

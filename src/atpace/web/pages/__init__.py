"""Server-rendered pages (Jinja2 + htmx). Each calls the same services as the JSON API."""

from fastapi import APIRouter

from atpace.web.pages import (
    admin,
    agency,
    assignments,
    audit,
    auth,
    checks,
    choices,
    class_reports,
    courses,
    enrolment,
    equity,
    exports,
    grading,
    groups,
    jobs,
    lti_admin,
    messages,
    offline,
    pathways,
    placement,
    privacy,
    readings,
    roster,
    rubrics,
    sign_in,
    standards,
    strategies,
    student,
    teacher,
    today,
    xapi,
)

ROUTE_MODULES = (
    auth, student, placement, teacher, roster, admin, enrolment, sign_in, courses, standards, messages,
    today, class_reports, groups, assignments, grading, rubrics, strategies,
    readings, agency, pathways, checks, choices, audit,
    jobs, xapi, exports, privacy, equity, offline, lti_admin,
)  # fmt: skip
router = APIRouter(include_in_schema=False)
for module in ROUTE_MODULES:
    router.include_router(module.router)

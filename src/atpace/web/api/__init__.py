"""JSON API routers, mounted under /api."""

from fastapi import APIRouter

from atpace.web.api import (
    admin,
    auth,
    classes,
    course_editor,
    courses,
    enrolment,
    interventions,
    placement,
    practice,
    progress,
    roster,
    sign_in,
    standards,
)

PREFIX = "/api"
ROUTE_MODULES = (
    auth, progress, practice, placement, classes, courses, interventions, roster, admin, enrolment, sign_in,
    course_editor, standards,
)  # fmt: skip
router = APIRouter(prefix=PREFIX)
for module in ROUTE_MODULES:
    router.include_router(module.router)

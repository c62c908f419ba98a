"""Server-rendered pages (Jinja2 + htmx). Each calls the same services as the JSON API."""

from fastapi import APIRouter

from atpace.web.pages import (
    admin,
    auth,
    courses,
    enrolment,
    placement,
    roster,
    sign_in,
    standards,
    student,
    teacher,
)

ROUTE_MODULES = (auth, student, placement, teacher, roster, admin, enrolment, sign_in, courses, standards)
router = APIRouter(include_in_schema=False)
for module in ROUTE_MODULES:
    router.include_router(module.router)

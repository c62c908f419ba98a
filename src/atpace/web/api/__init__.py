"""JSON API routers, mounted under /api."""

from fastapi import APIRouter

from atpace.web.api import auth, classes, courses, interventions, placement, practice, progress

PREFIX = "/api"
ROUTE_MODULES = (auth, progress, practice, placement, classes, courses, interventions)
router = APIRouter(prefix=PREFIX)
for module in ROUTE_MODULES:
    router.include_router(module.router)

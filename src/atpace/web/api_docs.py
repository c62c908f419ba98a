"""The API's browsable documentation at /api/docs: Swagger UI served from the app's own static files
(pinned in package.json, copied by scripts/vendor-assets), so it works on a school network without
internet and under the app's Content-Security-Policy (no inline script, no CDN)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from atpace.web.templating import templates

SWAGGER_UI_VERSION = "5.35.0"  # package.json "swagger-ui-dist"; a test keeps the two equal
SWAGGER_UI = f"/static/vendor/swagger-ui-{SWAGGER_UI_VERSION}"

router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def api_docs(request: Request) -> HTMLResponse:
    response: HTMLResponse = templates.TemplateResponse(
        request,
        "api_docs.html",
        {"swagger_ui": SWAGGER_UI, "openapi_url": request.app.openapi_url, "title": request.app.title},
    )
    return response

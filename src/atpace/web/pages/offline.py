"""Practice without a connection: the service worker, the web app manifest and the offline shell.

The service worker is served from the root (``/sw.js``) so that its scope is the whole site; its version
is a hash of the files it keeps, so a release that changes them replaces the cached shell. These three
routes hold no one's data and need no sign-in (docs/offline.md).
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from atpace import __version__
from atpace.web.pages.common import render

router = APIRouter()

STATIC = Path(__file__).parents[1] / "static"
OFFLINE = STATIC / "offline"
TEMPLATES = Path(__file__).parents[1] / "templates"
# The files whose change makes a new shell version (what sw.js caches, and the shell page's template).
SHELL_FILES = (
    *sorted(OFFLINE.iterdir()),
    STATIC / "app.css",
    STATIC / "school.css",
    STATIC / "app.js",
    TEMPLATES / "offline_practice.html",
    TEMPLATES / "base.html",
)
MANIFEST = {
    "name": "atpace practice",
    "short_name": "atpace",
    "description": "Practise at your own pace, with or without a connection.",
    "id": "/",
    "start_url": "/",
    "scope": "/",
    "display": "standalone",
    "background_color": "#ffffff",
    "theme_color": "#1f4e79",
    "icons": [
        {"src": "/static/offline/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": "/static/offline/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {"src": "/static/offline/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
    ],
}


@functools.cache
def shell_version() -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in SHELL_FILES:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def _service_worker() -> bytes:
    source = (OFFLINE / "sw.js").read_text(encoding="utf-8")
    return source.replace("__ATPACE_SHELL_VERSION__", shell_version()).encode()


@router.get("/sw.js")
def service_worker() -> Response:
    # Like every page, served with Cache-Control: no-store (web/middleware.py): the browser's update
    # check always gets the current worker, and a new version installs on the next visit.
    return Response(_service_worker(), media_type="text/javascript", headers={"Service-Worker-Allowed": "/"})


@router.get("/manifest.webmanifest")
def manifest() -> Response:
    return Response(json.dumps(MANIFEST), media_type="application/manifest+json")


@router.get("/practice/offline")
def offline_shell(request: Request) -> Response:
    """The page the service worker keeps and shows when a page cannot be loaded (no one's data on it)."""
    return render(request, "offline_practice.html", None)

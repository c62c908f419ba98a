"""/api/docs: Swagger UI from the app's own static files (pinned in package.json), nothing from a CDN."""

from __future__ import annotations

import json
import re
from pathlib import Path

from atpace.web.api_docs import SWAGGER_UI, SWAGGER_UI_VERSION
from tests.service.conftest import RollbackDatabase
from tests.service.web import client_for

ROOT = Path(__file__).resolve().parents[2]


def test_the_vendored_swagger_ui_is_the_pinned_one() -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["swagger-ui-dist"]
    assert pinned == SWAGGER_UI_VERSION
    folder = ROOT / "src/atpace/web/static/vendor" / f"swagger-ui-{pinned}"
    assert {p.name for p in folder.iterdir()} >= {
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "LICENSE",
        "NOTICE",
    }


def test_the_docs_page_loads_only_same_origin_files_under_the_csp(database: RollbackDatabase) -> None:
    client = client_for(database)
    page = client.get("/api/docs")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert "<script>" not in page.text  # no inline script: the CSP would refuse it
    # what the browser loads by itself: scripts, style sheets, the icon (links a person follows aside)
    urls = re.findall(r'src="([^"]+)"', page.text) + re.findall(r'<link [^>]*href="([^"]+)"', page.text)
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert f"{SWAGGER_UI}/swagger-ui-bundle.js" in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    assert (
        client.get(f"{SWAGGER_UI}/swagger-ui-bundle.js").headers["content-type"].startswith("text/javascript")
    )
    assert "validatorUrl: null" in client.get("/static/api-docs.js").text

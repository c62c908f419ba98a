"""/api/docs works with no internet: Chromium renders every operation from the app's own files, under the
app's Content-Security-Policy, and asks no other host for anything."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_render_offline_from_vendored_files(browser: Any, server_url: str) -> None:
    context = browser.new_context(base_url=server_url)
    elsewhere: list[str] = []
    problems: list[str] = []
    own_host = urlparse(server_url).netloc

    def only_loopback(route: Any) -> None:
        if urlparse(route.request.url).netloc == own_host:
            route.continue_()
        else:  # what a school network without internet does
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto("/api/docs")
        page.wait_for_selector(".opblock", timeout=20_000)
        schema = page.request.get("/openapi.json").json()
        operations = sum(
            1
            for methods in schema["paths"].values()
            for method in methods
            if method in ("get", "post", "put", "patch", "delete")
        )
        assert page.locator(".opblock").count() == operations
        assert page.locator(".info .title").inner_text().startswith("atpace")
        # the error body every route declares is there to read
        page.locator(".opblock-summary", has_text="/api/classes/{class_id}/today").first.click()
        assert page.locator(".response[data-code='403']").first.is_visible()
    finally:
        context.close()
    assert elsewhere == []
    assert problems == []  # no CSP refusal, no script error

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

    def console(message: Any) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto("/api/docs")
        page.wait_for_selector(".opblock", timeout=20_000)
        schema = page.request.get("/openapi.json").json()
        operations = {
            (method.upper(), path)
            for path, methods in schema["paths"].items()
            for method in methods
            if method in ("get", "post", "put", "patch", "delete")
        }
        # Swagger UI 5 renders the tags near the viewport only: scroll through the page (bounded) and
        # collect every operation block that appears
        seen: set[tuple[str, str]] = set()
        for _ in range(2000):
            seen |= {
                (method.strip(), path.strip().replace("\u200b", ""))
                for method, path in page.evaluate(
                    """() => [...document.querySelectorAll('.opblock')].map(b => [
                        b.querySelector('.opblock-summary-method').textContent,
                        b.querySelector('.opblock-summary-path').textContent])"""
                )
            }
            if page.evaluate("() => window.innerHeight + window.scrollY >= document.body.scrollHeight - 2"):
                break
            page.mouse.wheel(0, 600)
            page.wait_for_timeout(50)
        assert seen == operations
        page.evaluate("() => window.scrollTo(0, 0)")
        assert page.locator(".info .title").inner_text().startswith("atpace")
    finally:
        context.close()
    assert elsewhere == []
    assert problems == []  # no CSP refusal, no script error

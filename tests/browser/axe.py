"""axe-core in Chromium, for any browser test: sign in, open pages at a screen size, list the violations.

    page = signed_in(browser, url, "teacher@riverside.example", PHONE)
    assert violations(page, "/teach", impacts=SERIOUS) == []

Every violation reads "rule-id (impact): first targets", so a failing assertion says what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
PASSWORD = "atpace-demo"  # the demo school's password (atpace.services.demo)
DESKTOP: Mapping[str, int] = {"width": 1280, "height": 900}
PHONE: Mapping[str, int] = {"width": 390, "height": 844}
SIZES: Mapping[str, Mapping[str, int]] = {"desktop": DESKTOP, "phone": PHONE}
ALL_IMPACTS = frozenset({"minor", "moderate", "serious", "critical"})
SERIOUS = frozenset({"serious", "critical"})

RUN_AXE = """async (impacts) => {
  const result = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa"]});
  return result.violations.filter(v => impacts.includes(v.impact)).map(
    v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
}"""


def signed_in(
    browser: Any, url: str, email: str, viewport: Mapping[str, int] = DESKTOP, password: str = PASSWORD
) -> Any:
    """A new page signed in as ``email``, at the given screen size; close it with ``page.context.close()``."""
    # axe is added to each page as a script; the app's Content-Security-Policy would (rightly) refuse it.
    context = browser.new_context(base_url=url, bypass_csp=True, viewport=dict(viewport))
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda address: "/login" not in address, timeout=15_000)
    return page


def violations(page: Any, path: str | None = None, *, impacts: Iterable[str] = ALL_IMPACTS) -> list[str]:
    """axe-core's WCAG 2 A and AA violations of ``impacts`` on ``path`` (or on the page as it is now)."""
    if path is not None:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    found: list[str] = page.evaluate(RUN_AXE, sorted(impacts))
    return found


def page_violations(
    browser: Any,
    url: str,
    email: str,
    paths: Iterable[str],
    *,
    impacts: Iterable[str] = SERIOUS,
    sizes: Mapping[str, Mapping[str, int]] = SIZES,
) -> dict[str, list[str]]:
    """Each page at each screen size, signed in as ``email``: only those with violations, keyed "size path"."""
    found: dict[str, list[str]] = {}
    wanted = frozenset(impacts)
    for size, viewport in sizes.items():
        page = signed_in(browser, url, email, viewport)
        try:
            for path in paths:
                listed = violations(page, path, impacts=wanted)
                if listed:
                    found[f"{size} {path}"] = listed
        finally:
            page.context.close()
    return found

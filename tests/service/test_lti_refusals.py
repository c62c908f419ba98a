"""Launches that LTI must refuse, built by hand and signed like the LMS's: each answers a 4xx page that says
why (and the reason code in ``X-LTI-Refusal``), and creates nothing: no account, class, link or spent
nonce."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import jwt
import pytest

from tests.service.lti_fixtures import Lms
from tests.service.lti_fixtures import lms as lms
from tests.service.lti_platform import CLIENT_ID, DEPLOYMENT_ID, rsa_pair

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
Change = Callable[[dict[str, Any]], None]


def _login(lms: Lms, browser: httpx2.Client, sub: str) -> tuple[str, str]:
    """The OIDC login at atpace, as the LMS starts it: the state (its cookie is in ``browser``) and nonce."""
    answer = browser.get(
        f"{lms.tool}/lti/login",
        params={"iss": lms.platform.url, "login_hint": sub, "target_link_uri": f"{lms.tool}/lti/launch",
                "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT_ID},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["redirect_uri"] == [f"{lms.tool}/lti/launch"] and query["response_mode"] == ["form_post"]
    return query["state"][0], query["nonce"][0]


def _claims(lms: Lms, sub: str, nonce: str) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": lms.platform.url, "aud": CLIENT_ID, "sub": sub, "iat": now, "exp": now + 300, "nonce": nonce,
        "name": "Hand Built", CLAIM + "message_type": "LtiResourceLinkRequest", CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": DEPLOYMENT_ID, CLAIM + "target_link_uri": f"{lms.tool}/lti/launch",
        CLAIM + "resource_link": {"id": "hand-link"},
        CLAIM + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
        CLAIM + "context": {"id": "hand-course", "title": "Hand-built course"},
    }  # fmt: skip


def _post(
    lms: Lms, browser: httpx2.Client, state: str, claims: dict[str, Any], key: str | None = None
) -> httpx2.Response:
    token = jwt.encode(
        claims, key or lms.platform.private_key, algorithm="RS256", headers={"kid": lms.platform.kid}
    )
    return browser.post(
        f"{lms.tool}/lti/launch", data={"state": state, "id_token": token}, follow_redirects=False
    )


def _expired(claims: dict[str, Any]) -> None:
    claims["iat"], claims["exp"] = claims["iat"] - 900, claims["iat"] - 600


def _audience(claims: dict[str, Any]) -> None:
    claims["aud"] = "another-tool"


def _issuer(claims: dict[str, Any]) -> None:
    claims["iss"] = "https://lms.unknown.example"


def _deployment(claims: dict[str, Any]) -> None:
    claims[CLAIM + "deployment_id"] = "deployment-unknown"


def _role(claims: dict[str, Any]) -> None:
    claims[CLAIM + "roles"] = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"]


@pytest.mark.parametrize(
    ("change", "status", "reason", "words"),
    [
        (_expired, 401, "expired", "has expired"),
        (_audience, 403, "wrong_audience", "another-tool"),
        (_issuer, 403, "unknown_issuer", "not registered"),
        (_deployment, 403, "unknown_deployment", "deployment-unknown"),
        (_role, 403, "role", "neither a teacher"),
    ],
    ids=["expired", "wrong-audience", "unknown-issuer", "unknown-deployment", "observer-role"],
)
def test_a_refused_launch_says_why_and_creates_nothing(
    lms: Lms, change: Change, status: int, reason: str, words: str
) -> None:
    before = lms.counts()
    with lms.browser() as browser:
        state, nonce = _login(lms, browser, "hand-1")
        claims = _claims(lms, "hand-1", nonce)
        change(claims)
        answer = _post(lms, browser, state, claims)
        assert (answer.status_code, answer.headers.get("x-lti-refusal")) == (status, reason), answer.text
        assert words in answer.text and "Nothing was changed in atpace" in answer.text
        # the same login, launched properly afterwards, still works: the refusal spent nothing
        good = _post(lms, browser, state, _claims(lms, f"hand-{reason}", nonce))
        assert good.status_code == 303, good.text
    after = lms.counts()
    assert after["users"] == before["users"] + 1 and after["lti_nonces"] == before["lti_nonces"] + 1


def test_a_bad_signature_is_refused(lms: Lms) -> None:
    before = lms.counts()
    other_key, _ = rsa_pair()
    with lms.browser() as browser:
        state, nonce = _login(lms, browser, "hand-2")
        answer = _post(lms, browser, state, _claims(lms, "hand-2", nonce), key=other_key)
    assert (answer.status_code, answer.headers.get("x-lti-refusal")) == (401, "bad_signature"), answer.text
    assert "signature" in answer.text
    assert lms.counts() == before


def test_a_replayed_launch_is_refused(lms: Lms) -> None:
    with lms.browser() as browser:
        state, nonce = _login(lms, browser, "hand-3")
        claims = _claims(lms, "hand-3", nonce)
        assert _post(lms, browser, state, claims).status_code == 303
        before = lms.counts()
        again = _post(lms, browser, state, claims)  # the very same id_token, posted again
    assert (again.status_code, again.headers.get("x-lti-refusal")) == (403, "replayed_nonce"), again.text
    assert "already used" in again.text
    assert lms.counts() == before


def test_a_launch_without_the_login_state_cookie_is_refused(lms: Lms) -> None:
    before = lms.counts()
    with lms.browser() as browser:
        state, nonce = _login(lms, browser, "hand-4")
    with lms.browser() as stranger:  # another browser: no state cookie (login CSRF)
        answer = _post(lms, stranger, state, _claims(lms, "hand-4", nonce))
    assert (answer.status_code, answer.headers.get("x-lti-refusal")) == (400, "state"), answer.text
    assert lms.counts() == before


def test_a_login_from_an_unknown_lms_is_refused(lms: Lms) -> None:
    answer = httpx2.get(
        f"{lms.tool}/lti/login", params={"iss": "https://lms.unknown.example", "login_hint": "x",
                                         "target_link_uri": f"{lms.tool}/lti/launch"},
    )  # fmt: skip
    assert (answer.status_code, answer.headers.get("x-lti-refusal")) == (403, "unknown_issuer")
    assert "is not registered with atpace" in answer.text

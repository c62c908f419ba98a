"""LTI Dynamic Registration (IMS LTI-DR 1.0): an LMS administrator pastes atpace's registration URL into the
LMS; the LMS opens it with ``openid_configuration`` and ``registration_token``; atpace reads the LMS's OpenID
configuration, registers itself at the LMS's registration endpoint (pylti1p3next's ``DynamicRegistration``),
and stores the registration it gets back (issuer, client id, deployment, endpoints) for the school.

The URL carries a signed, expiring school token (``atpace_token``) that an administrator of that school
copies from the LTI page: without it nobody can add an LMS to a school.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from pylti1p3.dynamic_registration import DynamicRegistration
from pylti1p3.exception import LtiException

from atpace.errors import InvalidInput
from atpace.services.auth import Actor
from atpace.services.lti.adapter import LaunchRefused, TimeoutSession
from atpace.services.lti.platforms import PlatformInput, add_platform, clean_url
from atpace.services.school.common import require_admin
from atpace.store.db import Database
from atpace.store.tables_lti import LtiPlatform

TOKEN_SALT = "atpace.lti.dynamic-registration"
TOKEN_MAX_AGE = 7 * 24 * 3600  # seconds a registration URL stays valid
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"


def registration_url(actor: Actor, secret: str, base_url: str) -> str:
    """The URL an LMS administrator gives the LMS to register atpace for the actor's school."""
    require_admin(actor)
    token = URLSafeTimedSerializer(secret, salt=TOKEN_SALT).dumps({"school_id": actor.school_id})
    return f"{base_url}/lti/register?{urlencode({'atpace_token': token})}"


def school_of(token: str, secret: str) -> int:
    try:
        data = URLSafeTimedSerializer(secret, salt=TOKEN_SALT).loads(token, max_age=TOKEN_MAX_AGE)
    except SignatureExpired:
        raise LaunchRefused("This registration URL has expired: copy a new one from atpace's LTI page.",
                            reason="registration_token") from None  # fmt: skip
    except BadSignature:
        raise LaunchRefused("This registration URL was not made by atpace: copy it from atpace's LTI page.",
                            reason="registration_token") from None  # fmt: skip
    return int(data["school_id"])


class ToolRegistration(DynamicRegistration):
    client_name = "atpace"
    description = "Personalized, mastery-based practice: skills, assignments and readings, graded back."

    def __init__(self, base_url: str, openid_configuration: str, registration_token: str) -> None:
        self.base_url = base_url
        self.openid_configuration = openid_configuration
        self.registration_token = registration_token

    def get_request_session(self) -> requests.Session:
        return TimeoutSession()

    def get_initiate_login_uri(self) -> str:
        return f"{self.base_url}/lti/login"

    def get_jwks_uri(self) -> str:
        return f"{self.base_url}/lti/jwks.json"

    def get_redirect_uris(self) -> list[str]:
        return [f"{self.base_url}/lti/launch"]

    def get_scopes(self) -> list[str]:
        return SCOPES

    def get_domain(self) -> str:
        return urlsplit(self.base_url).netloc

    def get_target_link_uri(self) -> str:
        return f"{self.base_url}/lti/launch"

    def get_claims(self) -> list[str]:
        return ["iss", "sub", "name", "given_name", "family_name", "email"]

    def get_messages(self) -> list[dict[str, str]]:
        return [{"type": "LtiDeepLinkingRequest", "target_link_uri": f"{self.base_url}/lti/launch",
                 "label": "atpace activity"}]  # fmt: skip

    def get_logo_uri(self) -> str:
        return f"{self.base_url}/"

    def get_openid_configuration_endpoint(self) -> str:
        return self.openid_configuration

    def get_registration_token(self) -> str:
        return self.registration_token

    def complete_registration(
        self, openid_configuration: dict[str, Any], openid_registration: dict[str, Any]
    ) -> PlatformInput:
        issuer = str(openid_configuration.get("issuer") or "")
        if not issuer or not self.openid_configuration.startswith(issuer.rstrip("/")):
            raise LtiException(f"the LMS's issuer {issuer!r} does not match its configuration URL")
        tool = openid_registration.get(TOOL_CONFIGURATION) or {}
        platform = openid_configuration.get(PLATFORM_CONFIGURATION) or {}
        deployment = str(tool.get("deployment_id") or "")
        return PlatformInput(
            issuer=issuer, client_id=str(openid_registration.get("client_id") or ""),
            auth_login_url=str(openid_configuration.get("authorization_endpoint") or ""),
            auth_token_url=str(openid_configuration.get("token_endpoint") or ""),
            key_set_url=str(openid_configuration.get("jwks_uri") or ""),
            deployment_ids=[deployment] if deployment else [],
            name=str(platform.get("product_family_code") or urlsplit(issuer).netloc),
            auth_audience=str(openid_configuration.get("authorization_server") or ""),
        )  # fmt: skip


def register(database: Database, *, secret: str, base_url: str, atpace_token: str, openid_configuration: str,
             registration_token: str) -> LtiPlatform:  # fmt: skip
    """Dynamic Registration, whole: the LMS is asked outside any database transaction."""
    school_id = school_of(atpace_token, secret)
    try:
        url = clean_url(openid_configuration, "openid_configuration")
    except InvalidInput as error:
        raise LaunchRefused(f"The LMS's configuration URL is not valid: {error.message}", status=400,
                            reason="registration") from None  # fmt: skip
    try:
        found = ToolRegistration(base_url, url, registration_token).register()
    except (LtiException, AssertionError, ValueError, OSError) as error:
        raise LaunchRefused(f"The LMS did not complete the registration: {error}", status=400,
                            reason="registration") from None  # fmt: skip
    assert isinstance(found, PlatformInput)
    with database.transaction() as session:
        try:
            return add_platform(session, school_id, found, None)
        except InvalidInput as error:
            raise LaunchRefused(f"The LMS's registration is incomplete: {error.field}: {error.message}",
                                status=400, reason="registration") from None  # fmt: skip

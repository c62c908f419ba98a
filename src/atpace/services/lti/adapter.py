"""pylti1p3next's adapter for atpace: no web framework here, only plain data in and out.

- ``LtiRequest``: the request's parameters (query and form), cookies, and whether it came over HTTPS;
- ``CookieJar``: reads the request's cookies and collects those to set (the web face writes them, with
  ``SameSite=None; Secure`` as the launch is a cross-site POST);
- ``DatabaseLaunchStorage``: the launch storage (OIDC state and nonce, a kept launch) in ``lti_launch_data``,
  in the caller's transaction; a nonce is consumed by the launch that checks it;
- ``DatabaseToolConf``: registrations and deployments read from ``lti_platforms``, signed with the tool's
  current key (``atpace.services.lti.keys``);
- ``ToolLogin``, ``ToolLaunch``, ``ToolServiceConnector``: the library's classes with those plugged in, and
  every validation failure turned into ``LaunchRefused`` with a reason a person can read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import jwt
import requests
from pylti1p3.cookie import CookieService
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.message_launch import MessageLaunch
from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.redirect import Redirect
from pylti1p3.registration import Registration
from pylti1p3.request import Request
from pylti1p3.service_connector import ServiceConnector
from pylti1p3.session import SessionService
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from atpace.errors import AtpaceError
from atpace.services.lti import keys
from atpace.store.tables import utcnow
from atpace.store.tables_lti import LtiLaunchData, LtiPlatform

COOKIE_PREFIX = "lti1p3"
STATE_LIFETIME = 5 * 60  # seconds between the OIDC login and the launch


class LaunchRefused(AtpaceError):
    """A login or launch that LTI's checks refuse: ``status`` is the HTTP status the page answers with."""

    def __init__(self, message: str, *, status: int = 403, reason: str = "refused") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


@dataclass
class LtiRequest(Request):
    params: Mapping[str, str]
    cookies: Mapping[str, str]
    secure: bool

    @property
    def session(self) -> dict[str, Any]:  # pylti1p3's session storage is replaced by the database's
        return {}

    def is_secure(self) -> bool:
        return self.secure

    def get_param(self, key: str) -> str:
        return self.params.get(key, "")


@dataclass
class CookieJar(CookieService):
    request_cookies: Mapping[str, str]
    to_set: list[tuple[str, str, int | None]] = field(default_factory=list)

    def _name(self, name: str) -> str:
        return f"{COOKIE_PREFIX}-{name}"

    def get_cookie(self, name: str) -> str | None:
        return self.request_cookies.get(self._name(name))

    def set_cookie(self, name: str, value: str | int, exp: int | None = 3600) -> None:
        self.to_set.append((self._name(name), str(value), exp))


class DatabaseLaunchStorage(LaunchDataStorage[Any]):
    _session_cookie_name = ""  # no session id cookie: keys are random (state, nonce, launch id)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def get_session_cookie_name(self) -> None:
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        row = self.session.get(LtiLaunchData, self._prepare_key(key))
        if row is None or row.expires_at <= utcnow():
            return None
        return row.value.get("v")

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        name = self._prepare_key(key)
        expires = utcnow() + timedelta(seconds=exp or 86400)
        row = self.session.get(LtiLaunchData, name)
        if row is None:
            self.session.add(LtiLaunchData(key=name, value={"v": value}, expires_at=expires))
        else:
            row.value, row.expires_at = {"v": value}, expires
        self.session.flush()

    def check_value(self, key: str) -> bool:
        """True if the key is there; a nonce is consumed (deleted) by the check, so it serves once."""
        name = self._prepare_key(key)
        if "-nonce-" in name:
            gone = self.session.execute(
                delete(LtiLaunchData).where(LtiLaunchData.key == name, LtiLaunchData.expires_at > utcnow())
            )
            return bool(getattr(gone, "rowcount", 0))
        return self.get_value(key) is not None


def purge_expired(session: Session) -> int:
    result = session.execute(delete(LtiLaunchData).where(LtiLaunchData.expires_at <= utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


class DatabaseSessionService(SessionService):
    def __init__(self, request: Request, storage: DatabaseLaunchStorage) -> None:
        super().__init__(request)
        self.data_storage = storage


class DatabaseToolConf(ToolConfAbstract[LtiRequest]):
    """Registrations from ``lti_platforms`` (an issuer may have several client ids)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.platform: LtiPlatform | None = None  # the registration found last

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_platform(self, iss: str, client_id: str | None) -> LtiPlatform | None:
        query = select(LtiPlatform).where(LtiPlatform.issuer == iss, LtiPlatform.is_active.is_(True))
        if client_id:
            return self.session.scalar(query.where(LtiPlatform.client_id == client_id))
        found = list(self.session.scalars(query.limit(2)))
        return found[0] if len(found) == 1 else None  # without a client id, only an unambiguous issuer

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        return self.find_registration_by_params(iss, "", *args, **kwargs)

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Registration:
        platform = self.find_platform(iss, client_id or None)
        if platform is None:
            if self.session.scalar(select(LtiPlatform.id).where(LtiPlatform.issuer == iss)) is None:
                raise LaunchRefused(
                    f"The LMS {iss!r} is not registered with atpace: an administrator registers it first "
                    "(docs/lti.md).", reason="unknown_issuer",
                )  # fmt: skip
            raise LaunchRefused(
                f"The client id {client_id!r} (the token's audience) is not registered for the LMS {iss!r}.",
                reason="wrong_audience",
            )
        self.platform = platform
        return registration_of(self.session, platform)

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, "")

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        platform = self.find_platform(iss, client_id or None)
        if platform is None or deployment_id not in platform.deployment_ids:
            raise LaunchRefused(
                f"The deployment {deployment_id!r} of {iss!r} is not registered with atpace: an "
                "administrator adds it to the LMS registration.", reason="unknown_deployment",
            )  # fmt: skip
        return Deployment().set_deployment_id(deployment_id)


def registration_of(session: Session, platform: LtiPlatform) -> Registration:
    key = keys.signing_key(session)
    registration = (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.key_set_url)
        .set_tool_private_key(key.private_pem)
        .set_tool_public_key(key.public_pem)
    )
    if platform.auth_audience:
        registration.set_auth_audience(platform.auth_audience)
    return registration


class UrlRedirect(Redirect[str]):
    def __init__(self, location: str) -> None:
        self.location = location

    def do_redirect(self) -> str:
        return self.location

    def do_js_redirect(self) -> str:
        return self.location

    def set_redirect_url(self, location: str) -> None:
        self.location = location

    def get_redirect_url(self) -> str:
        return self.location


class ToolLogin(OIDCLogin[LtiRequest, DatabaseToolConf, DatabaseSessionService, CookieJar, str]):
    def get_redirect(self, url: str) -> Redirect[str]:
        return UrlRedirect(url)


class ToolLaunch(MessageLaunch[LtiRequest, DatabaseToolConf, DatabaseSessionService, CookieJar]):
    def _get_request_param(self, key: str) -> str:
        return self._request.get_param(key)

    def validate_jwt_signature(self) -> ToolLaunch:
        token = self._get_id_token()
        public_key, algorithm = self.get_public_key()
        try:
            # The audience is checked against the registration (validate_registration); exp, iat and nbf here.
            jwt.decode(token, public_key, algorithms=[algorithm], options={"verify_aud": False}, leeway=5)
        except jwt.ExpiredSignatureError:
            raise LaunchRefused("The launch has expired: go back to the LMS and open the link again.",
                                status=401, reason="expired") from None  # fmt: skip
        except jwt.InvalidSignatureError:
            raise LaunchRefused(
                "The launch's signature does not match the LMS's keys: it was not signed by the registered "
                "LMS.", status=401, reason="bad_signature",
            ) from None  # fmt: skip
        except jwt.InvalidTokenError as error:
            raise LaunchRefused(
                f"The launch token is not valid: {error}.", status=401, reason="invalid_token"
            ) from None
        return self


def refusal(error: Exception) -> LaunchRefused:
    """pylti1p3's exceptions as a reason a person (and a test) can read."""
    if isinstance(error, LaunchRefused):
        return error
    text = str(error)
    if "Nonce" in text or "nonce" in text:
        return LaunchRefused(
            "This launch was already used (its nonce is spent) or its login has expired: open the link in "
            "the LMS again.", reason="replayed_nonce",
        )  # fmt: skip
    if "State not found" in text or "Missing state" in text:
        return LaunchRefused(
            "The launch does not match a login started in this browser (its state cookie is missing): "
            "open the link in the LMS again; if it keeps failing, allow cookies for atpace or open it in a "
            "new window.", status=400, reason="state",
        )  # fmt: skip
    if "public key" in text or "KID" in text:
        return LaunchRefused(
            f"The LMS's signing key could not be found ({text}).", status=401, reason="bad_signature"
        )
    if isinstance(error, OIDCException):
        return LaunchRefused(f"The LMS's login request is incomplete: {text}.", status=400, reason="login")
    if isinstance(error, LtiException):
        return LaunchRefused(f"The launch is not valid: {text}", status=400, reason="invalid")
    raise error


_tokens: dict[str, tuple[str, float]] = {}
_tokens_lock = threading.Lock()


HTTP_TIMEOUT = 10.0  # seconds for any call to an LMS (its keyset, its token endpoint, its services)


class TimeoutSession(requests.Session):
    """pylti1p3 calls the LMS without a timeout: a silent LMS would hold a request (and, during a launch,
    its database transaction) for ever."""

    def __init__(self) -> None:
        super().__init__()
        self.headers["User-Agent"] = "atpace-lti"

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(method, url, *args, **kwargs)


class ToolServiceConnector(ServiceConnector):
    """Access tokens kept in memory until a minute before they expire (per process); calls time out."""

    def __init__(self, registration: Registration, requests_session: requests.Session | None = None) -> None:
        super().__init__(registration, requests_session or TimeoutSession())

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        with _tokens_lock:
            found = _tokens.get(self._key(scope_key))
        return found[0] if found and found[1] > time.monotonic() else None

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float) -> None:
        with _tokens_lock:
            _tokens[self._key(scope_key)] = (
                access_token,
                time.monotonic() + max(0.0, float(expires_in) - 60),
            )

    def _key(self, scope_key: str) -> str:
        return f"{self._registration.get_client_id()}|{self._registration.get_kid()}|{scope_key}"

"""An LTI 1.3 platform (an LMS) for the tests, built on ``lti1p3platform`` (a library we did not write),
served by uvicorn on a free loopback port.

It issues OIDC logins and signed launches (resource link and deep linking), serves its JWKS and an OAuth 2
token endpoint that checks the tool's signed client assertion against the tool's JWKS (fetched over HTTP),
keeps line items and the scores a tool posts (Assignment and Grade Services), answers the course roster
(Names and Role Provisioning Services), and validates the tool's deep linking response. The test reads what
the platform holds through ``Platform.state``.

Where the two libraries disagree with the specification, the platform follows the specification: the line
item container is a JSON array (lti1p3platform answers its page object), and the JWKS names each key by the
same ``kid`` the platform signs with.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from lti1p3platform.exceptions import LineItemNotFoundException, LtiException
from lti1p3platform.lineitem import TLineItem
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request as PlatformRequest
from lti1p3platform.request import TRequest
from lti1p3platform.response import Response as PlatformResponse
from lti1p3platform.score import TScore, UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
    TPage,
)

CLIENT_ID = "atpace-tool"
DEPLOYMENT_ID = "deployment-1"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


def rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerThread:
    """An ASGI app served by uvicorn in a daemon thread, started with a bounded readiness wait."""

    def __init__(self, app: Any, port: int) -> None:
        self.port = port
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                                    lifespan="off"))  # fmt: skip
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self, timeout: float = 15.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"the server on port {self.port} did not start within {timeout} s")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@dataclass
class Member:
    sub: str
    name: str
    email: str
    roles: list[str]
    given_name: str = ""
    family_name: str = ""


@dataclass
class PlatformState:
    members: dict[str, Member] = field(default_factory=dict)
    course: dict[str, str] = field(default_factory=lambda: {"id": "course-101", "title": "Maths 7B (LMS)",
                                                                  "label": "M7B"})  # fmt: skip
    line_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=dict
    )  # line item id -> user -> score
    deep_link_items: list[dict[str, Any]] = field(default_factory=list)
    token_requests: int = 0
    registrations: list[dict[str, Any]] = field(default_factory=list)


class _Request(PlatformRequest):
    def __init__(self, data: TRequest) -> None:
        self.request = data


async def _platform_request(request: Request) -> _Request:
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    form: dict[str, Any] = {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = {k: v for k, v in (await request.form()).items()}
    parsed = json.loads(body) if body and "json" in content_type else None
    return _Request(
        {"method": request.method, "form_data": form, "get_data": dict(request.query_params),
         "headers": request.headers, "content_type": content_type, "path": request.url.path, "json": parsed}
    )  # fmt: skip


class Platform:
    """The LMS. ``tool_url`` is atpace's base URL (login, launch and JWKS under /lti/)."""

    def __init__(self, tool_url: str) -> None:
        self.tool_url = tool_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.private_key, self.public_key = rsa_pair()
        self.state = PlatformState()
        self.registration_token = new_id()
        self.server = ServerThread(self._app(), self.port)

    # -- configuration ------------------------------------------------------------------------------------
    def registration(self) -> Registration:
        return (
            Registration()
            .set_iss(self.url)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID)
            .set_oidc_login_url(f"{self.tool_url}/lti/login")
            .set_launch_url(f"{self.tool_url}/lti/launch")
            .set_deeplink_launch_url(f"{self.tool_url}/lti/launch")
            .set_tool_key_set_url(f"{self.tool_url}/lti/jwks.json")
            .set_platform_public_key(self.public_key)
            .set_platform_private_key(self.private_key)
        )

    def conf(self) -> LTI1P3PlatformConfAbstract:
        platform = self

        class Conf(LTI1P3PlatformConfAbstract):
            def init_platform_config(self, **kwargs: Any) -> None:
                self._registration = platform.registration()  # the tool's JWKS is fetched anew each time

            def get_registration_by_params(self, **kwargs: Any) -> Registration:
                return platform.registration()

        return Conf()

    @property
    def kid(self) -> str:
        return str(self.registration().get_kid())

    def jwks(self) -> dict[str, Any]:
        key = Registration.get_jwk(self.public_key)
        key["kid"] = self.kid
        return {"keys": [key]}

    def add_member(self, sub: str, name: str, role: str, email: str = "") -> Member:
        given, _, family = name.partition(" ")
        member = Member(sub, name, email, [LIS + role], given, family)
        self.state.members[sub] = member
        return member

    def lineitems_url(self) -> str:
        return f"{self.url}/ags/{self.state.course['id']}/lineitems"

    def memberships_url(self) -> str:
        return f"{self.url}/nrps/{self.state.course['id']}/memberships"

    def start_url(
        self,
        sub: str,
        *,
        kind: str = "resource",
        resource_link: str = "link-1",
        custom: dict[str, str] | None = None,
    ) -> str:
        """Where a browser starts a launch (the LMS's link): the OIDC login initiation at the tool. ``custom``:
        the link's custom parameters (by default the tool-wide ``atpace_course``, as an LMS admin sets it)."""
        custom = {"atpace_course": "fractions"} if custom is None else custom
        query = {"sub": sub, "kind": kind, "link": resource_link, "custom": json.dumps(custom)}
        return f"{self.url}/start?{urlencode(query)}"

    # -- the ASGI app ----------------------------------------------------------------------------------------
    def _app(self) -> FastAPI:
        app = FastAPI()
        platform = self

        class Login(OIDCLoginAbstract):
            def set_lti_message_hint(self, **kwargs: Any) -> None:
                self._lti_message_hint = kwargs["hint"]

            def get_redirect(self, url: str) -> RedirectResponse:
                return RedirectResponse(url, status_code=302)

        class Launch(LTIAdvantageMessageLaunchAbstract):
            def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> HTMLResponse:
                inputs = "".join(
                    f'<input type="hidden" name="{name}" value="{launch_data[name]}">'
                    for name in ("id_token", "state")
                )
                return HTMLResponse(
                    f'<form method="post" action="{launch_data["launch_url"]}">{inputs}</form>'
                )

        @app.get("/jwks")
        def jwks() -> JSONResponse:
            return JSONResponse(platform.jwks())

        @app.get("/start")
        def start(sub: str, kind: str, link: str, custom: str) -> Response:
            login = Login(None, platform.conf())
            login.set_lti_message_hint(
                hint=json.dumps({"kind": kind, "link": link, "custom": json.loads(custom)})
            )
            if kind == "deep":
                login.set_deeplinking_launch_url()
            response: Response = login.initiate_login(sub)
            return response

        @app.get("/authorize")
        async def authorize(request: Request) -> Response:
            preflight = await _platform_request(request)
            params = preflight.get_data
            member = platform.state.members.get(params.get("login_hint", ""))
            if member is None:
                return JSONResponse({"error": "unknown user"}, status_code=400)
            hint = json.loads(params.get("lti_message_hint") or "{}")
            launch = Launch(preflight, platform.conf())
            launch.set_user_data(member.sub, member.roles, member.name, member.email or None)
            launch.set_extra_claims({"given_name": member.given_name, "family_name": member.family_name})
            course = platform.state.course
            launch.set_launch_context_claim(
                course["id"],
                [f"{LIS[: -len('membership#')]}course#CourseOffering"],
                course["title"],
                course["label"],
            )
            if hint.get("kind") == "deep":
                launch.set_dl(
                    f"{platform.url}/deep-link-return", title="atpace", accept_types={"ltiResourceLink"}
                )
            else:
                launch.set_resource_link_claim(hint.get("link", "link-1"), title="atpace practice")
                custom = hint.get("custom")
                if custom:
                    launch.set_custom_parameters_claim(custom)
            launch.set_ags(platform.lineitems_url(), allow_creating_lineitems=True)
            launch.set_nrps(platform.memberships_url())
            try:
                response: Response = launch.lti_launch()
            except LtiException as error:
                return JSONResponse({"error": str(error)}, status_code=400)
            return response

        @app.post("/token")
        async def token(request: Request) -> Response:
            data = (await _platform_request(request)).form_data
            platform.state.token_requests += 1
            try:
                return JSONResponse(platform.conf().get_access_token(data))
            except Exception as error:
                return JSONResponse(
                    {"error": "invalid_client", "error_description": str(error)}, status_code=400
                )

        def ags(request: _Request) -> Grades:
            return Grades(request, platform.conf(), platform.lineitems_url())

        @app.get("/ags/{course}/lineitems")
        async def list_lineitems(request: Request) -> Response:
            return _answer(ags(await _platform_request(request)).handle_get_lineitems(), unwrap=True)

        @app.post("/ags/{course}/lineitems")
        async def create_lineitem(request: Request) -> Response:
            return _answer(ags(await _platform_request(request)).handle_create_lineitem())

        @app.get("/ags/{course}/lineitems/{item}")
        async def get_lineitem(request: Request, item: str) -> Response:
            return _answer(ags(await _platform_request(request)).handle_get_lineitem(item))

        @app.put("/ags/{course}/lineitems/{item}")
        async def put_lineitem(request: Request, item: str) -> Response:
            return _answer(ags(await _platform_request(request)).handle_update_lineitem(item))

        @app.post("/ags/{course}/lineitems/{item}/scores")
        async def post_score(request: Request, item: str) -> Response:
            return _answer(ags(await _platform_request(request)).handle_update_score(item))

        @app.get("/nrps/{course}/memberships")
        async def members(request: Request) -> Response:
            service = Roster(await _platform_request(request), platform.conf(), platform.memberships_url())
            return _answer(service.handle_get_members())

        @app.post("/deep-link-return")
        async def deep_link_return(request: Request) -> Response:
            data = (await _platform_request(request)).form_data
            try:
                items = platform.conf().validate_deeplinking_resp(data)
            except Exception as error:
                return HTMLResponse(f"refused: {error}", status_code=400)
            platform.state.deep_link_items.extend(items)
            return HTMLResponse("<p>Content placed.</p>")

        @app.get("/.well-known/openid-configuration")
        def openid_configuration() -> JSONResponse:
            """LTI Dynamic Registration (not in lti1p3platform: written here from the IMS LTI-DR spec)."""
            return JSONResponse(
                {
                    "issuer": platform.url, "authorization_endpoint": f"{platform.url}/authorize",
                    "token_endpoint": f"{platform.url}/token", "jwks_uri": f"{platform.url}/jwks",
                    "registration_endpoint": f"{platform.url}/register",
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                    "scopes_supported": ["openid"], "response_types_supported": ["id_token"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                        "product_family_code": "lti1p3platform-test", "version": "0.1.8",
                        "messages_supported": [{"type": "LtiResourceLinkRequest"}, {"type": "LtiDeepLinkingRequest"}],
                    },
                }
            )  # fmt: skip

        @app.post("/register")
        async def register(request: Request) -> Response:
            if request.headers.get("authorization") != f"Bearer {platform.registration_token}":
                return JSONResponse({"error": "invalid registration token"}, status_code=401)
            data = await request.json()
            platform.state.registrations.append(data)
            number = len(platform.state.registrations)
            tool = dict(data["https://purl.imsglobal.org/spec/lti-tool-configuration"])
            tool["deployment_id"] = f"dyn-deployment-{number}"
            return JSONResponse({**data, "client_id": f"dyn-client-{number}",
                                 "https://purl.imsglobal.org/spec/lti-tool-configuration": tool})  # fmt: skip

        class Grades(AssignmentsGradesService):
            def find_lineitems(self, page: int = 1, limit: int | None = None, line_item_id: str | None = None,
                               resource_link_id: str | None = None, resource_id: str | None = None,
                               tag: str | None = None) -> TPage:  # fmt: skip
                items = [
                    i for i in platform.state.line_items.values()
                    if (tag is None or i.get("tag") == tag) and (resource_id is None or i.get("resourceId") == resource_id)
                    and (resource_link_id is None or i.get("resourceLinkId") == resource_link_id)
                ]  # fmt: skip
                return {"content": items, "has_next": False, "next": None}

            def find_lineitem(self, line_item_id: str) -> TLineItem:
                item = platform.state.line_items.get(line_item_id)
                if item is None:
                    raise LineItemNotFoundException()
                return item  # type: ignore[return-value]

            def create_lineitem(self, creation_data: TLineItem) -> TLineItem:
                number = str(len(platform.state.line_items) + 1)
                item = dict(creation_data)
                item["id"] = f"{platform.lineitems_url()}/{number}"
                platform.state.line_items[number] = item
                return item  # type: ignore[return-value]

            def update_lineitem(self, update_data: TLineItem) -> TLineItem:
                number = str(update_data["id"]).rsplit("/", 1)[-1]
                if number not in platform.state.line_items:
                    raise LineItemNotFoundException()
                platform.state.line_items[number].update({k: v for k, v in update_data.items() if k != "id"})
                return platform.state.line_items[number]  # type: ignore[return-value]

            def delete_lineitem(self, line_item_id: str) -> None:
                platform.state.line_items.pop(line_item_id, None)

            def update_score(self, line_item_id: str, score: TScore) -> UpdateScoreStatus:
                if line_item_id not in platform.state.line_items:
                    raise LineItemNotFoundException()
                given = platform.state.scores.setdefault(line_item_id, {})
                created = str(score["userId"]) not in given
                given[str(score["userId"])] = dict(score)
                return UpdateScoreStatus.CREATED if created else UpdateScoreStatus.SUCCESS

            def get_results(self, line_item_id: str, page: int = 1, limit: int | None = None,
                            user_id: str | None = None) -> TPage:  # fmt: skip
                scores = platform.state.scores.get(line_item_id, {})
                return {"content": list(scores.values()), "has_next": False, "next": None}

        class Roster(NamesRoleProvisioningService):
            def get_context_by_id(self) -> Context:
                course = platform.state.course
                return Context(course["id"], course["label"], course["title"])

            def get_member_data_page(self, page: int = 1, limit: int | None = None, role: str | None = None,
                                     since: str | None = None) -> TPage:  # fmt: skip
                members = [
                    {"user_id": m.sub, "roles": m.roles, "name": m.name, "email": m.email,
                     "given_name": m.given_name, "family_name": m.family_name, "status": "Active"}
                    for m in platform.state.members.values()
                ]  # fmt: skip
                return {"content": members, "has_next": False, "next": None}

        return app

    def start(self) -> Platform:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()


def _answer(response: PlatformResponse, *, unwrap: bool = False) -> Response:
    result = response.result
    if unwrap and isinstance(result, dict) and "content" in result:
        result = result["content"]
    if response.code >= 400:
        return JSONResponse({"error": response.message}, status_code=response.code)
    if result is None:
        return Response(status_code=response.code, media_type=response.media_type)
    return Response(
        json.dumps(result, default=str), status_code=response.code, media_type=response.media_type
    )


def new_id() -> str:
    return uuid.uuid4().hex

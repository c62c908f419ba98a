"""LTI in the authorization matrix: the administrators' LTI page and its forms are for the school's
administrators only; an LMS course's page (link to a class, sync the roster) is for the teachers of its
class and the school's administrators. The LMS-facing endpoints (/lti/login, /lti/launch, /lti/register,
/lti/jwks.json) are verified by LTI itself (tests/service/test_lti_refusals.py)."""

from __future__ import annotations

from sqlalchemy import select

from atpace.store.tables_lti import LtiContext, LtiPlatform
from tests.service.authz import Case, everyone
from tests.service.conftest import RollbackDatabase, World

ADMINS_ONLY = {**everyone(403), "admin": 200}
ADMINS_ACT = {**everyone(403), "admin": 303}
# the LMS course of the main class: its teacher and the school's administrator; another school's: 404
CONTEXT_PAGE = {
    "student": 403, "classmate": 403, "teacher": 200, "other_teacher": 403, "admin": 200,
    "foreign_teacher": 404, "foreign_student": 404,
}  # fmt: skip
CONTEXT_LINK = {**CONTEXT_PAGE, "teacher": 303, "admin": 303}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    with database.transaction() as session:
        platform = session.scalar(
            select(LtiPlatform).where(LtiPlatform.issuer == "https://lms.authz.example")
        )
        if platform is None:
            platform = LtiPlatform(
                school_id=world.school_id, name="Authz LMS", issuer="https://lms.authz.example", client_id="c1",
                auth_login_url="https://lms.authz.example/auth", auth_token_url="https://lms.authz.example/token",
                auth_audience="", key_set_url="https://lms.authz.example/jwks", deployment_ids=["d1"],
                is_active=True,
            )  # fmt: skip
            session.add(platform)
            session.flush()
            session.add(
                LtiContext(
                    platform_id=platform.id,
                    deployment_id="d1",
                    context_id="authz-course",
                    title="Authz",
                    class_id=world.class_id,
                    memberships_url="",
                    lineitems_url="",
                    ags_scopes=[],
                )
            )
            session.flush()
        context = session.scalars(select(LtiContext).where(LtiContext.platform_id == platform.id)).one()
        return {"lti_platform": platform.id, "lti_context": context.id}


CASES = [
    Case("GET", "/admin/lti", lambda w, i: "/admin/lti", ADMINS_ONLY),
    Case(
        "POST", "/admin/lti/platforms", lambda w, i: "/admin/lti/platforms",
        {**everyone(403), "admin": 303},
        body=lambda w, i, actor: {
            "issuer": f"https://lms-{actor}.authz.example", "client_id": "c2",
            "auth_login_url": "https://lms.authz.example/auth", "auth_token_url": "https://lms.authz.example/token",
            "key_set_url": "https://lms.authz.example/jwks", "deployment_ids": "d1",
        },
        form=True,
    ),
    Case(
        "POST", "/admin/lti/platforms/{platform_id}/active",
        lambda w, i: f"/admin/lti/platforms/{i['lti_platform']}/active", ADMINS_ACT,
        body=lambda w, i, actor: {"active": "true"}, form=True,
    ),
    Case("POST", "/admin/lti/keys/rotate", lambda w, i: "/admin/lti/keys/rotate", ADMINS_ACT,
         body=lambda w, i, actor: {}, form=True),
    Case("GET", "/lti/contexts/{context_pk}", lambda w, i: f"/lti/contexts/{i['lti_context']}", CONTEXT_PAGE),
    Case(
        "POST", "/lti/contexts/{context_pk}/link", lambda w, i: f"/lti/contexts/{i['lti_context']}/link",
        CONTEXT_LINK, body=lambda w, i, actor: {"class_id": w.class_id}, form=True,
    ),
    # authorised: 409, the LMS offered no roster service for this course (nothing is asked of any LMS)
    Case(
        "POST", "/lti/contexts/{context_pk}/sync", lambda w, i: f"/lti/contexts/{i['lti_context']}/sync",
        {**CONTEXT_PAGE, "teacher": 409, "admin": 409}, body=lambda w, i, actor: {}, form=True,
    ),
]  # fmt: skip

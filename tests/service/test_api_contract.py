"""The OpenAPI document is exact: schemathesis generates requests for every operation of the JSON API from
the document alone, as nobody, a student and a teacher, on SQLite and on PostgreSQL, and checks every
answer: no server error, a status code the document declares for that operation, the declared content
type and headers, and a body that matches the declared schema (the error body too).

The examples are bounded (a few per operation, derandomized) so that the run stays in CI's time; each
role's run works in one rolled-back transaction of the seeded school (tests/service/conftest.py)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from atpace.config import Settings
from atpace.web.app import create_app
from tests.service.conftest import RollbackDatabase, World
from tests.service.web import TEST_SETTINGS, bearer

EXAMPLES_PER_OPERATION = 4
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(params=["nobody", "student", "teacher"])
def credentials(request: pytest.FixtureRequest, database: RollbackDatabase, world: World) -> dict[str, str]:
    user_id = {"nobody": None, "student": world.classmate_id, "teacher": world.teacher_id}[request.param]
    return {} if user_id is None else bearer(database, user_id)


@pytest.fixture
def api_schema(database: RollbackDatabase, credentials: dict[str, str]) -> schemathesis.schemas.BaseSchema:
    del credentials  # asked for here so that each role is a test of its own
    # The sign-in throttle would turn a generated burst of bad logins into 429s, which the document
    # declares; a high limit lets the other answers be checked too.
    settings_ = Settings(**{**TEST_SETTINGS, "login_failures_per_minute": 1000})  # type: ignore[arg-type]
    app = create_app(settings_, database)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_matches_the_openapi_document(case: Case, credentials: dict[str, str]) -> None:
    case.call_and_validate(headers=credentials, checks=CHECKS)

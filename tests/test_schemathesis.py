"""Schemathesis against our own OpenAPI, on a live server: no 5xx anywhere, and every
response conforms to what the schema documents, with keys of each scope.

`positive_data_acceptance` is left out: it expects every schema-valid request to be
accepted, but some rules are not expressible in the schema (an opaque cursor must be one
we issued; start_date must not follow end_date). Every other built-in check runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests import live_server

pytestmark = pytest.mark.e2e

EXAMPLES_PER_OPERATION = 60

# Raw mail for POST /api/v1/inbound/email: arbitrary bytes, and headers around arbitrary
# text (the parser's own fuzzing is in tests/email/).
_HEADER_TEXT = st.text(max_size=60).map(lambda text: text.replace("\r", " ").replace("\n", " "))
schemathesis.openapi.media_type(
    "message/rfc822",
    st.one_of(
        st.binary(max_size=2000),
        st.builds(
            lambda sender, subject, body: (
                f"From: {sender}\r\nSubject: {subject}\r\n\r\n{body}".encode(
                    "utf-8", errors="surrogateescape"
                )
            ),
            st.sampled_from(["ana@customer.example", "x", "", "<a@b>", "MAILER-DAEMON@x.example"]),
            _HEADER_TEXT,
            st.text(max_size=500),
        ),
    ),
)


@dataclass
class LiveApi:
    base_url: str
    keys: dict[str, str]


@pytest.fixture
def live_api(settings: Settings, database: Database) -> Iterator[LiveApi]:
    # A fuzzed provider setting must not send tickets anywhere: port 9 on loopback refuses.
    env = live_server.server_env(
        settings,
        SERVICEDESK_RATE_LIMIT_ENABLED="false",
        SERVICEDESK_FRESHSERVICE_BASE_URL="http://127.0.0.1:9",
        SERVICEDESK_ZENDESK_BASE_URL="http://127.0.0.1:9",
    )
    keys = {
        "all": live_server.create_key(
            env,
            "fuzz",
            "tickets:read",
            "tickets:write",
            "config:read",
            "config:write",
            "kb:read",
            "kb:write",
            "webhooks:manage",
            "email:ingest",
        ),
        "read": live_server.create_key(env, "fuzz", "tickets:read"),
        "write": live_server.create_key(env, "fuzz", "tickets:write"),
    }
    with live_server.running(env) as server:
        yield LiveApi(server.base_url, keys)


def operations(live_api: LiveApi) -> list[APIOperation]:
    schema = schemathesis.openapi.from_url(f"{live_api.base_url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_conforms_to_its_schema(live_api: LiveApi) -> None:
    found = operations(live_api)
    assert {op.label for op in found} >= {
        "POST /api/v1/tickets",
        "GET /api/v1/tickets",
        "GET /api/v1/tickets/{ticket_id}",
        "PATCH /api/v1/tickets/{ticket_id}",
    }
    keys = itertools.cycle(live_api.keys.values())
    for operation in found:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Case) -> None:
            # Each example with the next key in turn: every scope sees a third of them.
            key = next(keys)
            case.call_and_validate(
                headers={"X-API-Key": key}, excluded_checks=[positive_data_acceptance]
            )

        check()

"""The published OpenAPI: the key header, the seed's examples and every error body."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from servicedesk.webhooks.events import VALID_EVENTS


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def test_docs_page_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")

    assert response.status_code == 200
    assert "swagger" in response.text.lower()


async def test_api_key_header_is_a_security_scheme(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]

    assert {"type": "apiKey", "in": "header", "name": "X-API-Key"}.items() <= next(
        iter(schemes.values())
    ).items()
    assert list(schemes) == ["APIKeyHeader", "HTTPBearer", "InboundSecret"]
    assert schemes["HTTPBearer"]["type"] == "http"
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    for path, operations in spec["paths"].items():
        if path.startswith("/api/") and "/integrations/" not in path:
            for operation in operations.values():
                # Either scheme (a list of alternatives), X-API-Key first.
                assert operation.get("security") == [{"APIKeyHeader": []}, {"HTTPBearer": []}], path


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        (
            "/api/v1/tickets",
            "post",
            {"201", "400", "401", "403", "409", "413", "415", "422", "429", "503"},
        ),
        ("/api/v1/tickets", "get", {"200", "401", "403", "422", "429", "503"}),
        ("/api/v1/tickets/{ticket_id}", "get", {"200", "401", "403", "404", "422", "429", "503"}),
        (
            "/api/v1/tickets/{ticket_id}",
            "patch",
            {"200", "400", "401", "403", "404", "413", "415", "422", "429", "503"},
        ),
    ],
)
async def test_every_error_status_is_documented(
    spec: dict[str, Any], path: str, method: str, statuses: set[str]
) -> None:
    assert statuses <= set(spec["paths"][path][method]["responses"])


async def test_documented_error_examples_match_the_contract(spec: dict[str, Any]) -> None:
    responses = spec["paths"]["/api/v1/tickets/{ticket_id}"]["patch"]["responses"]

    def example(status: str) -> Any:
        return responses[status]["content"]["application/json"]["example"]

    assert example("404") == {"detail": "Ticket not found"}
    assert example("400") == {
        "detail": "No valid fields to update",
        "error": "No valid fields to update",
    }
    assert example("401") == {"error": "unauthorized", "message": "Invalid or missing API key"}
    assert example("403")["error"] == "forbidden"


async def test_seed_examples_are_published(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]

    assert schemas["TicketCreate"]["examples"][0]["subject"] == "VPN not connecting"
    assert schemas["TicketOut"]["examples"][0]["external_provider"] == "freshservice"


# Generated clients name their methods after these: a rename is a breaking change for
# integrators, so it has to be made here on purpose.
OPERATION_IDS = {
    ("POST", "/api/v1/tickets"): "create_ticket",
    ("GET", "/api/v1/tickets"): "list_tickets",
    ("GET", "/api/v1/tickets/{ticket_id}"): "get_ticket",
    ("PATCH", "/api/v1/tickets/{ticket_id}"): "update_ticket",
    ("POST", "/api/v1/tickets/{ticket_id}/notes"): "add_note",
    ("GET", "/api/v1/tickets/{ticket_id}/notes"): "list_notes",
    ("GET", "/api/v1/tickets/{ticket_id}/attachments"): "list_attachments",
    ("GET", "/api/v1/attachments/{attachment_id}"): "download_attachment",
    ("GET", "/api/v1/tickets/{ticket_id}/history"): "ticket_history",
    ("GET", "/api/v1/custom-fields"): "list_custom_fields",
    ("POST", "/api/v1/custom-fields"): "create_custom_field",
    ("POST", "/api/v1/custom-fields/validate"): "validate_values",
    ("GET", "/api/v1/custom-fields/{field_id}"): "get_custom_field",
    ("PATCH", "/api/v1/custom-fields/{field_id}"): "update_custom_field",
    ("DELETE", "/api/v1/custom-fields/{field_id}"): "delete_custom_field",
    ("POST", "/api/v1/webhooks"): "create_webhook",
    ("GET", "/api/v1/webhooks"): "list_webhooks",
    ("GET", "/api/v1/webhooks/{webhook_id}"): "get_webhook",
    ("PATCH", "/api/v1/webhooks/{webhook_id}"): "update_webhook",
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): "delete_webhook",
    ("POST", "/api/v1/webhooks/{webhook_id}/rotate-secret"): "rotate_webhook_secret",
    ("POST", "/api/v1/webhooks/{webhook_id}/test"): "send_test_event",
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): "list_deliveries",
    ("POST", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"): "retry_delivery",
    ("POST", "/api/v1/kb/articles"): "create_article",
    ("GET", "/api/v1/kb/articles"): "list_articles",
    ("GET", "/api/v1/kb/articles/{article_id}"): "get_article",
    ("PATCH", "/api/v1/kb/articles/{article_id}"): "update_article",
    ("DELETE", "/api/v1/kb/articles/{article_id}"): "delete_article",
    ("GET", "/api/v1/configuration/triage"): "get_triage_config",
    ("PUT", "/api/v1/configuration/triage"): "put_triage_config",
    ("GET", "/api/v1/configuration/provider"): "get_provider",
    ("PUT", "/api/v1/configuration/provider"): "put_provider",
    ("DELETE", "/api/v1/configuration/provider"): "delete_provider",
    ("POST", "/api/v1/configuration/provider/inbound-secret"): "rotate_inbound_secret",
    ("POST", "/api/v1/integrations/{provider}/events/{token}"): "provider_event",
    ("GET", "/api/v1/configuration/email"): "get_email_config",
    ("PUT", "/api/v1/configuration/email"): "put_email_config",
    ("DELETE", "/api/v1/configuration/email"): "delete_email_config",
    ("GET", "/api/v1/configuration/email/set-aside"): "list_set_aside_email",
    ("POST", "/api/v1/configuration/email/set-aside/{set_aside_id}/release"): (
        "release_set_aside_email"
    ),
    ("POST", "/api/v1/inbound/email"): "take_email",
    ("GET", "/api/v1/users"): "list_users",
    ("GET", "/api/v1/users/{user_id}"): "get_user",
    ("POST", "/api/v1/groups"): "create_group",
    ("GET", "/api/v1/groups"): "list_groups",
    ("GET", "/api/v1/groups/{group_id}"): "get_group",
    ("PATCH", "/api/v1/groups/{group_id}"): "update_group",
    ("POST", "/api/v1/sla/policies"): "create_sla_policy",
    ("GET", "/api/v1/sla/policies"): "list_sla_policies",
    ("GET", "/api/v1/sla/policies/{policy_id}"): "get_sla_policy",
    ("PATCH", "/api/v1/sla/policies/{policy_id}"): "update_sla_policy",
    ("DELETE", "/api/v1/sla/policies/{policy_id}"): "delete_sla_policy",
    ("GET", "/api/v1/reports/sla"): "sla_report",
    ("GET", "/healthz"): "healthz",
    ("GET", "/readyz"): "readyz",
}


async def test_operation_ids_are_the_route_names_unique_and_stable(
    spec: dict[str, Any],
) -> None:
    found = {
        (method.upper(), path): operation["operationId"]
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    }

    assert found == OPERATION_IDS
    assert len(set(found.values())) == len(found)


NAMED_ENUMS = {
    "TicketStatus",
    "TicketPriority",
    "SyncStatus",
    "SlaTarget",
    "TicketEventType",
    "ProviderKind",
    "CustomFieldType",
    "TriageEngine",
    "UserRole",
    "WebhookEvent",
    "TicketOrder",
    "SlaReportGroupBy",
    "ImapSecurity",
}


async def test_enums_are_named_and_shared(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert {name for name, schema in schemas.items() if "enum" in schema} == NAMED_ENUMS
    ticket = schemas["TicketOut"]["properties"]
    assert ticket["status"] == {"$ref": "#/components/schemas/TicketStatus"}
    status_filter = next(
        p for p in spec["paths"]["/api/v1/tickets"]["get"]["parameters"] if p["name"] == "status"
    )
    assert {"$ref": "#/components/schemas/TicketStatus"} in status_filter["schema"]["anyOf"]
    history = schemas["HistoryEvent"]["properties"]["type"]
    assert history == {"$ref": "#/components/schemas/TicketEventType"}
    named_values = {value for name in NAMED_ENUMS for value in schemas[name]["enum"]}
    enums = _enums(spec)
    for named in NAMED_ENUMS:
        enums.remove(schemas[named]["enum"])
    # What is left inline: the weekdays of a calendar and `true`-only headers.
    assert [enum for enum in enums if set(enum) & named_values] == [], "an enum is repeated"


def _enums(node: Any) -> list[list[Any]]:
    """Every `enum` list in the document."""
    if isinstance(node, dict):
        found = [node["enum"]] if isinstance(node.get("enum"), list) else []
        return found + [enum for value in node.values() for enum in _enums(value)]
    if isinstance(node, list):
        return [enum for value in node for enum in _enums(value)]
    return []


@pytest.mark.parametrize(
    "model", ["TicketOut", "TicketList", "HistoryEvent", "PolicyOut", "ProviderConfigOut"]
)
async def test_output_fields_that_are_always_sent_are_required(
    spec: dict[str, Any], model: str
) -> None:
    schema = spec["components"]["schemas"][model]
    assert set(schema["required"]) == set(schema["properties"])


async def test_every_error_has_its_body_model_and_the_headers_a_client_reads(
    spec: dict[str, Any],
) -> None:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            where = f"{method.upper()} {path}"
            for status, response in responses.items():
                if status[0] in "45":
                    schema = response["content"]["application/json"]["schema"]
                    assert "$ref" in schema, (where, status)
                else:
                    assert "X-Request-ID" in response["headers"], (where, status)
            if {"APIKeyHeader": []} in operation.get("security", []):
                assert {"401", "403", "429", "503"} <= responses.keys(), where
                assert "Retry-After" in responses["429"]["headers"], where
                assert "RateLimit-Remaining" in responses["429"]["headers"], where
                assert "Retry-After" in responses["503"]["headers"], where
                success = next(r for s, r in responses.items() if s.startswith("2"))
                assert "RateLimit-Remaining" in success["headers"], where
    tickets = spec["paths"]["/api/v1/tickets"]
    assert "Idempotent-Replayed" in tickets["post"]["responses"]["201"]["headers"]
    assert "Total-Is-Estimate" in tickets["get"]["responses"]["200"]["headers"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    validation = tickets["post"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert validation == {"$ref": "#/components/schemas/ValidationErrorBody"}


async def test_history_entries_are_typed(spec: dict[str, Any]) -> None:
    entry = spec["components"]["schemas"]["HistoryEvent"]["properties"]
    assert {"$ref": "#/components/schemas/NoteOut"} in entry["note"]["anyOf"]
    assert {"$ref": "#/components/schemas/TriageDetails"} in entry["triage"]["anyOf"]
    assert {"$ref": "#/components/schemas/SlaTarget"} in entry["sla_target"]["anyOf"]


async def test_webhook_events_are_the_named_enum_of_the_valid_ones(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert tuple(schemas["WebhookEvent"]["enum"]) == VALID_EVENTS
    for model in ("WebhookCreate", "WebhookUpdate", "WebhookOut"):
        events = schemas[model]["properties"]["events"]
        items = events.get("items") or next(o for o in events["anyOf"] if "items" in o)["items"]
        assert items == {"$ref": "#/components/schemas/WebhookEvent"}, model


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/tickets", "start_date"),
        ("/api/v1/tickets", "end_date"),
        ("/api/v1/tickets", "updated_since"),
        ("/api/v1/tickets", "sla_due_before"),
        ("/api/v1/reports/sla", "from"),
        ("/api/v1/reports/sla", "to"),
    ],
)
async def test_date_parameters_are_typed_as_a_date_time_or_a_date(
    spec: dict[str, Any], path: str, name: str
) -> None:
    parameter = next(p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == name)
    assert parameter["schema"]["anyOf"] == [
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date"},
        {"type": "null"},
    ]


async def test_the_list_documents_each_parameter_it_reads_itself(spec: dict[str, Any]) -> None:
    """The list reads its query string in one dependency (servicedesk.tickets.filters);
    the document still names every parameter, as FastAPI writes a declared one."""
    operation = spec["paths"]["/api/v1/tickets"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}

    assert list(parameters) == [
        *("limit", "offset", "cursor", "order"),
        *("status", "start_date", "end_date", "priority", "category", "requester_email"),
        *("updated_since", "group_id", "assignee_id", "sla_breached", "sla_due_before"),
        *("search", "cf"),
    ]
    assert all(p["in"] == "query" and p["required"] is False for p in parameters.values())
    assert parameters["limit"]["schema"] == {
        "type": "integer",
        "maximum": 100,
        "minimum": 1,
        "description": "Results per page",
        "default": 20,
        "title": "Limit",
    }
    assert parameters["order"]["schema"]["$ref"] == "#/components/schemas/TicketOrder"
    assert "TicketOrder" in spec["components"]["schemas"]
    assert parameters["cf"]["schema"]["anyOf"][0] == {
        "type": "array",
        "items": {"type": "string"},
        "maxItems": 20,
    }
    assert operation["security"] == [{"APIKeyHeader": []}, {"HTTPBearer": []}]

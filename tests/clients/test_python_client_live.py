"""clients/python against a live server on each database: every operation of the
document at least once, each documented error parsed into its typed body, paging,
idempotent replays, a signed delivery verified, and the example program run."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from servicedesk_client import (
    ApiError,
    AuthenticatedClient,
    Client,
    RetryPolicy,
    check,
    connect,
    idempotency_key_for,
    iter_tickets,
    unwrap,
    verify_webhook,
)
from servicedesk_client.api.configuration import (
    delete_email_config,
    delete_provider,
    get_email_config,
    get_provider,
    get_triage_config,
    put_email_config,
    put_provider,
    put_triage_config,
    rotate_inbound_secret,
)
from servicedesk_client.api.custom_fields import (
    create_custom_field,
    delete_custom_field,
    get_custom_field,
    list_custom_fields,
    update_custom_field,
    validate_values,
)
from servicedesk_client.api.email import take_email
from servicedesk_client.api.groups import create_group, get_group, list_groups, update_group
from servicedesk_client.api.health import healthz, readyz
from servicedesk_client.api.integrations import provider_event
from servicedesk_client.api.knowledge_base import (
    create_article,
    delete_article,
    get_article,
    list_articles,
    update_article,
)
from servicedesk_client.api.reports import sla_report
from servicedesk_client.api.sla import (
    create_sla_policy,
    delete_sla_policy,
    get_sla_policy,
    list_sla_policies,
    update_sla_policy,
)
from servicedesk_client.api.tickets import (
    add_note,
    create_ticket,
    get_ticket,
    list_notes,
    list_tickets,
    ticket_history,
    update_ticket,
)
from servicedesk_client.api.users import get_user, list_users
from servicedesk_client.api.webhooks import (
    create_webhook,
    delete_webhook,
    get_webhook,
    list_deliveries,
    list_webhooks,
    retry_delivery,
    rotate_webhook_secret,
    send_test_event,
    update_webhook,
)
from servicedesk_client.models import (
    ArticleCreate,
    ArticleList,
    ArticleOut,
    ArticleUpdate,
    AuthErrorBody,
    CustomFieldCreate,
    CustomFieldList,
    CustomFieldOut,
    CustomFieldType,
    CustomFieldUpdate,
    DeliveryList,
    DetailBody,
    EmailConfigIn,
    EmailConfigOut,
    GroupCreate,
    GroupList,
    GroupOut,
    GroupUpdate,
    History,
    InboundEmailResult,
    InboundResult,
    InboundSecretOut,
    Liveness,
    NoteCreate,
    NoteList,
    NoteOut,
    NoValidFieldsBody,
    PolicyCreate,
    PolicyCreateTargets,
    PolicyList,
    PolicyOut,
    PolicyUpdate,
    ProviderConfigIn,
    ProviderConfigOut,
    ProviderEventPayload,
    ProviderKind,
    Readiness,
    SlaReport,
    SlaReportGroupBy,
    Target,
    TicketCreate,
    TicketCreateCustomFieldsType0,
    TicketEventType,
    TicketList,
    TicketOrder,
    TicketOut,
    TicketPriority,
    TicketStatus,
    TicketUpdate,
    TriageConfigIn,
    TriageConfigOut,
    UserList,
    UserOut,
    UserRole,
    ValidationErrorBody,
    ValuesIn,
    ValuesInCustomFields,
    ValuesOk,
    WebhookCreate,
    WebhookEvent,
    WebhookList,
    WebhookOut,
    WebhookUpdate,
    WebhookWithSecret,
)
from servicedesk_client.types import File, Response

from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests import live_server
from tests.clients.conftest import Live, live_env
from tests.fakes.itsm import FakeZendesk

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).parents[2] / "clients" / "python" / "examples" / "integrator.py"


def error_of(response: Response[Any]) -> ApiError:
    with pytest.raises(ApiError) as caught:
        unwrap(response, object)
    return caught.value


def test_tickets_notes_history_and_paging(live: Live) -> None:
    client = live.client()
    field = unwrap(
        create_custom_field.sync_detailed(
            client=client,
            body=CustomFieldCreate(name="asset", label="Asset tag", type_=CustomFieldType.TEXT),
        ),
        CustomFieldOut,
    )
    values = TicketCreateCustomFieldsType0.from_dict({"asset": "LT-0042"})
    new = TicketCreate(
        subject="Laptop will not boot",
        description="Black screen after the update.",
        priority=TicketPriority.HIGH,
        requester_email="ana@acme.example",
        custom_fields=values,
    )
    key = idempotency_key_for("client-test", "laptop")
    first = create_ticket.sync_detailed(client=client, body=new, idempotency_key=key)
    ticket = unwrap(first, TicketOut)
    assert first.status_code == 201
    assert ticket.priority is TicketPriority.HIGH
    assert isinstance(ticket.status, TicketStatus)
    assert ticket.custom_fields.additional_properties == {"asset": "LT-0042"}

    replay = create_ticket.sync_detailed(client=client, body=new, idempotency_key=key)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert unwrap(replay, TicketOut).id == ticket.id
    new.subject = "Another subject"
    conflict = error_of(create_ticket.sync_detailed(client=client, body=new, idempotency_key=key))
    assert conflict.status_code == 409
    assert isinstance(conflict.body, DetailBody)

    fetched = unwrap(get_ticket.sync_detailed(ticket.id, client=client), TicketOut)
    assert fetched.id == ticket.id
    assert fetched.requester_email == "ana@acme.example"

    changed = unwrap(
        update_ticket.sync_detailed(
            ticket.id,
            client=client,
            body=TicketUpdate(status=TicketStatus.PENDING, category="Hardware"),
        ),
        TicketOut,
    )
    assert changed.status is TicketStatus.PENDING
    note = unwrap(
        add_note.sync_detailed(
            ticket.id, client=client, body=NoteCreate(body="Sent a loaner.", private=False)
        ),
        NoteOut,
    )
    notes = unwrap(list_notes.sync_detailed(ticket.id, client=client), NoteList)
    assert [n.id for n in notes.notes] == [note.id]
    history = unwrap(ticket_history.sync_detailed(ticket.id, client=client), History)
    types = [event.type_ for event in history.events]
    assert TicketEventType.TICKET_CREATED in types
    assert TicketEventType.TICKET_NOTE_ADDED in types

    # Filters typed as the document types them: a status, a date, a custom field.
    listed = unwrap(
        list_tickets.sync_detailed(
            client=client,
            status=changed.status,
            start_date=datetime.date.today() - datetime.timedelta(days=1),
            updated_since=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1),
            cf=["asset:LT-0042"],
            order=TicketOrder.UPDATED,
        ),
        TicketList,
    )
    assert [t.id for t in listed.tickets] == [ticket.id]

    for n in range(7):
        unwrap(
            create_ticket.sync_detailed(
                client=client, body=TicketCreate(subject=f"Paged {n}", description="x")
            ),
            TicketOut,
        )
    paged = list(iter_tickets(client, page_size=3))
    assert len(paged) == 8
    assert len({t.id for t in paged}) == 8
    searched = list(iter_tickets(client, page_size=2, search="Paged"))
    assert len(searched) == 7

    unwrap(
        update_custom_field.sync_detailed(
            field.id, client=client, body=CustomFieldUpdate(label="Asset")
        ),
        CustomFieldOut,
    )
    assert unwrap(get_custom_field.sync_detailed(field.id, client=client), CustomFieldOut)
    assert unwrap(list_custom_fields.sync_detailed(client=client), CustomFieldList).custom_fields
    ok = validate_values.sync_detailed(
        client=client,
        body=ValuesIn(custom_fields=ValuesInCustomFields.from_dict({"asset": "LT-1"})),
    )
    assert unwrap(ok, ValuesOk).custom_fields.additional_properties == {"asset": "LT-1"}
    check(delete_custom_field.sync_detailed(field.id, client=client, force=True))


def test_every_documented_error_body_parses_typed(live: Live) -> None:
    client = live.client()

    missing = error_of(get_ticket.sync_detailed(uuid.uuid4(), client=client))
    assert missing.status_code == 404
    assert missing.body == DetailBody(detail="Ticket not found")
    assert missing.request_id

    invalid = error_of(
        create_ticket.sync_detailed(
            client=client, body=TicketCreate(subject="x" * 256, description="d")
        )
    )
    assert invalid.status_code == 422
    assert isinstance(invalid.body, ValidationErrorBody)
    assert invalid.body.detail[0].loc == ["body", "subject"]

    ticket = unwrap(
        create_ticket.sync_detailed(client=client, body=TicketCreate(subject="s", description="d")),
        TicketOut,
    )
    nothing = error_of(update_ticket.sync_detailed(ticket.id, client=client, body=TicketUpdate()))
    assert nothing.status_code == 400
    assert isinstance(nothing.body, NoValidFieldsBody)

    too_big = error_of(
        create_ticket.sync_detailed(
            client=client, body=TicketCreate(subject="big", description="x" * 2_000_000)
        )
    )
    assert too_big.status_code == 413
    assert isinstance(too_big.body, DetailBody)

    wrong_key = connect(live.base_url, "itsm_sk_live_" + "0" * 40)
    unauthorized = error_of(list_tickets.sync_detailed(client=wrong_key))
    assert unauthorized.status_code == 401
    assert isinstance(unauthorized.body, AuthErrorBody)
    assert unauthorized.body.error == "unauthorized"

    reader = connect(live.base_url, live_server.create_key(live.env, "client", "tickets:read"))
    forbidden = error_of(create_webhook.sync_detailed(client=reader, body=_webhook(live)))
    assert forbidden.status_code == 403
    assert isinstance(forbidden.body, AuthErrorBody)
    assert forbidden.message == "API key lacks required scope: webhooks:manage"

    # The key as `Authorization: Bearer`, what the generated client sends by default.
    bearer = AuthenticatedClient(base_url=live.base_url, token=live.key)
    assert unwrap(get_ticket.sync_detailed(ticket.id, client=bearer), TicketOut).id == ticket.id

    # A provider that refuses the ticket (Zendesk's RecordInvalid): 400, nothing stored.
    configured = put_provider.sync_detailed(client=client, body=_zendesk(live))
    assert unwrap(configured, ProviderConfigOut).kind is ProviderKind.ZENDESK
    refused = error_of(
        create_ticket.sync_detailed(client=client, body=TicketCreate(subject="s", description="d"))
    )
    assert refused.status_code == 400
    assert isinstance(refused.body, DetailBody)
    check(delete_provider.sync_detailed(client=client))
    not_configured = error_of(get_provider.sync_detailed(client=client))
    assert not_configured.body == DetailBody(detail="No ITSM provider is configured")


def test_configuration_people_knowledge_and_sla(live: Live) -> None:
    client = live.client()
    assert (
        unwrap(healthz.sync_detailed(client=Client(base_url=live.base_url)), Liveness).status
        == "ok"
    )
    assert unwrap(readyz.sync_detailed(client=client), Readiness).status == "ready"

    config = unwrap(
        put_triage_config.sync_detailed(
            client=client,
            body=TriageConfigIn(categories=["Hardware", "Network"], auto_routing=False),
        ),
        TriageConfigOut,
    )
    assert config.categories == ["Hardware", "Network"]
    assert unwrap(get_triage_config.sync_detailed(client=client), TriageConfigOut).threshold == 0.7

    agent_id = live_server.create_user(
        live.env, "client", "agent@acme.example", "a long password 1", role="agent"
    )
    users = unwrap(list_users.sync_detailed(client=client, role=UserRole.AGENT), UserList)
    assert [str(user.id) for user in users.users] == [agent_id]
    agent = unwrap(get_user.sync_detailed(users.users[0].id, client=client), UserOut)
    assert agent.role is UserRole.AGENT
    group = unwrap(
        create_group.sync_detailed(
            client=client, body=GroupCreate(name="Desk", member_ids=[agent.id])
        ),
        GroupOut,
    )
    unwrap(
        update_group.sync_detailed(group.id, client=client, body=GroupUpdate(round_robin=True)),
        GroupOut,
    )
    assert unwrap(get_group.sync_detailed(group.id, client=client), GroupOut).round_robin is True
    assert len(unwrap(list_groups.sync_detailed(client=client), GroupList).groups) == 1

    article = unwrap(
        create_article.sync_detailed(
            client=client,
            body=ArticleCreate(title="Reset VPN", body="Open the app, then…", category="Network"),
        ),
        ArticleOut,
    )
    unwrap(
        update_article.sync_detailed(article.id, client=client, body=ArticleUpdate(tags=["vpn"])),
        ArticleOut,
    )
    assert unwrap(get_article.sync_detailed(article.id, client=client), ArticleOut).tags == ["vpn"]
    found = unwrap(list_articles.sync_detailed(client=client, search="VPN"), ArticleList)
    assert [a.id for a in found.articles] == [article.id]
    check(delete_article.sync_detailed(article.id, client=client))

    targets = PolicyCreateTargets.from_dict(
        {"high": {"first_response_minutes": 60, "resolution_minutes": 480}}
    )
    policy = unwrap(
        create_sla_policy.sync_detailed(
            client=client,
            body=PolicyCreate(
                name="Standard", targets=targets, pause_statuses=[TicketStatus.PENDING]
            ),
        ),
        PolicyOut,
    )
    assert policy.pause_statuses == [TicketStatus.PENDING]
    assert isinstance(policy.targets.additional_properties["high"], Target)
    unwrap(
        update_sla_policy.sync_detailed(policy.id, client=client, body=PolicyUpdate(warn_at=0.5)),
        PolicyOut,
    )
    assert unwrap(get_sla_policy.sync_detailed(policy.id, client=client), PolicyOut).warn_at == 0.5
    assert len(unwrap(list_sla_policies.sync_detailed(client=client), PolicyList).policies) == 1
    unwrap(
        create_ticket.sync_detailed(
            client=client,
            body=TicketCreate(subject="VPN down", description="d", priority=TicketPriority.HIGH),
        ),
        TicketOut,
    )
    report = unwrap(
        sla_report.sync_detailed(
            client=client,
            from_=datetime.date.today(),
            group_by=SlaReportGroupBy.PRIORITY,
        ),
        SlaReport,
    )
    assert report.group_by is SlaReportGroupBy.PRIORITY
    assert [(group.key, group.tickets) for group in report.groups] == [("high", 1)]
    bad_pause = error_of(
        update_sla_policy.sync_detailed(
            policy.id, client=client, body=PolicyUpdate(pause_statuses=[TicketStatus.CLOSED])
        )
    )
    assert isinstance(bad_pause.body, ValidationErrorBody)
    check(delete_sla_policy.sync_detailed(policy.id, client=client))


def test_provider_mirroring_and_inbound_events(live: Live) -> None:
    client = live.client()
    config = unwrap(
        put_provider.sync_detailed(client=client, body=_zendesk(live)), ProviderConfigOut
    )
    assert unwrap(get_provider.sync_detailed(client=client), ProviderConfigOut).domain == "acme"
    secret = unwrap(rotate_inbound_secret.sync_detailed(client=client), InboundSecretOut)
    ticket = unwrap(
        create_ticket.sync_detailed(
            client=client,
            body=TicketCreate(
                subject="Printer jam", description="Tray 2", requester_email="bo@acme.example"
            ),
        ),
        TicketOut,
    )
    assert ticket.external_ticket_id

    # The provider calls in with the inbound secret as a Bearer token.
    provider = AuthenticatedClient(base_url=live.base_url, token=secret.inbound_secret)
    token = config.inbound_url.rsplit("/", 1)[-1]
    payload = ProviderEventPayload.from_dict(
        {"ticket_id": ticket.external_ticket_id, "priority": "Urgent"}
    )
    result = unwrap(
        provider_event.sync_detailed(ProviderKind.ZENDESK, token, client=provider, body=payload),
        InboundResult,
    )
    assert result.changed == ["priority"]
    fetched = unwrap(get_ticket.sync_detailed(ticket.id, client=client), TicketOut)
    assert fetched.priority is TicketPriority.URGENT
    check(delete_provider.sync_detailed(client=client))


def test_webhooks_deliver_what_verify_webhook_accepts(live: Live) -> None:
    client = live.client()
    hook = unwrap(
        create_webhook.sync_detailed(client=client, body=_webhook(live)), WebhookWithSecret
    )
    live.receiver.secret = hook.secret
    assert unwrap(get_webhook.sync_detailed(hook.id, client=client), WebhookOut).url == hook.url
    assert [
        w.id for w in unwrap(list_webhooks.sync_detailed(client=client), WebhookList).webhooks
    ] == [hook.id]
    unwrap(
        update_webhook.sync_detailed(
            hook.id,
            client=client,
            body=WebhookUpdate(events=[WebhookEvent.TICKET_CREATED, WebhookEvent.TICKET_UPDATED]),
        ),
        WebhookOut,
    )
    unwrap(
        create_ticket.sync_detailed(
            client=client, body=TicketCreate(subject="hook", description="d")
        ),
        TicketOut,
    )
    received = _wait_for(live, 1)
    event = verify_webhook(hook.secret, received.body, received.headers)
    assert event["type"] == "ticket.created"
    with pytest.raises(Exception, match="no signature matches"):
        verify_webhook(hook.secret, received.body + b" ", received.headers)

    rotated = unwrap(rotate_webhook_secret.sync_detailed(hook.id, client=client), WebhookWithSecret)
    live.receiver.secret = rotated.secret
    assert send_test_event.sync_detailed(hook.id, client=client).status_code == 202
    test_delivery = _wait_for(live, 2)
    # During the overlap, the old secret's signature is still sent beside the new one's.
    assert verify_webhook(rotated.secret, test_delivery.body, test_delivery.headers)
    assert verify_webhook("whsec_" + hook.secret, test_delivery.body, test_delivery.headers)

    deliveries = unwrap(list_deliveries.sync_detailed(hook.id, client=client), DeliveryList)
    assert len(deliveries.deliveries) == 2
    retried = retry_delivery.sync_detailed(hook.id, deliveries.deliveries[0].id, client=client)
    assert retried.status_code == 202
    again = _wait_for(live, 3)
    assert again.webhook_id in {received.webhook_id, test_delivery.webhook_id}
    check(delete_webhook.sync_detailed(hook.id, client=client))
    gone = error_of(get_webhook.sync_detailed(hook.id, client=client))
    assert gone.status_code == 404


def test_mail_settings_and_a_raw_message_handed_in(live: Live) -> None:
    client = live.client()
    settings = unwrap(
        put_email_config.sync_detailed(
            client=client, body=EmailConfigIn(addresses=["support@acme.example"])
        ),
        EmailConfigOut,
    )
    assert settings.addresses == ["support@acme.example"]
    assert unwrap(get_email_config.sync_detailed(client=client), EmailConfigOut).send_replies
    raw = (
        b"From: Ana <ana@customer.example>\r\nTo: support@acme.example\r\n"
        b"Subject: Monitor flickers\r\nMessage-ID: <client-test@customer.example>\r\n\r\n"
        b"Since the update.\r\n"
    )
    taken = take_email.sync_detailed(client=client, body=File(payload=io.BytesIO(raw)))
    result = unwrap(taken, InboundEmailResult)
    assert taken.status_code == 201
    assert result.created is True
    again = take_email.sync_detailed(client=client, body=File(payload=io.BytesIO(raw)))
    assert again.status_code == 200
    assert unwrap(again, InboundEmailResult).ticket_id == result.ticket_id
    assert result.ticket_id
    ticket = unwrap(get_ticket.sync_detailed(uuid.UUID(result.ticket_id), client=client), TicketOut)
    assert ticket.requester_email == "ana@customer.example"
    check(delete_email_config.sync_detailed(client=client))
    assert error_of(get_email_config.sync_detailed(client=client)).status_code == 404


def test_rate_limited_calls_are_retried_after_what_the_server_asks(
    settings: Settings, database: Database
) -> None:
    zendesk = FakeZendesk()
    env = live_env(
        settings,
        zendesk,
        SERVICEDESK_RATE_LIMIT_ENABLED="true",
        SERVICEDESK_RATE_LIMIT_PER_KEY="4/second",
    )
    key = live_server.create_key(env, "client", "tickets:read")
    with live_server.running(env) as server:
        impatient = connect(server.base_url, key, retry=RetryPolicy(retries=0))
        answers = [list_tickets.sync_detailed(client=impatient) for _ in range(8)]
        limited = [error_of(answer) for answer in answers if answer.status_code == 429]
        assert limited, "the burst never reached the limit"
        assert isinstance(limited[0].body, DetailBody)
        assert limited[0].retry_after is not None
        assert 0 < limited[0].retry_after <= 1

        patient = connect(server.base_url, key)
        pages = [unwrap(list_tickets.sync_detailed(client=patient), TicketList) for _ in range(12)]
        assert len(pages) == 12


def test_the_example_program_runs_as_written(live: Live) -> None:
    env = {**os.environ, "SERVICEDESK_URL": live.base_url, "SERVICEDESK_API_KEY": live.key}
    run = [sys.executable, str(EXAMPLE), "ALERT-7"]
    first = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60, check=True)
    again = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60, check=True)

    assert "(new): open" in first.stdout
    assert "(again): open" in again.stdout
    assert first.stdout.split()[1] == again.stdout.split()[1]  # the same ticket
    assert "1 high-priority tickets are pending" in again.stdout
    assert "unknown ticket: 404 Ticket not found" in again.stdout


def _wait_for(live: Live, count: int) -> Any:
    deadline = time.monotonic() + 30
    while len(live.receiver.requests) < count:
        assert time.monotonic() < deadline, "no delivery arrived"
        time.sleep(0.05)
    return live.receiver.requests[count - 1]


def _webhook(live: Live) -> WebhookCreate:
    return WebhookCreate(url=live.receiver.url, events=[WebhookEvent.TICKET])


def _zendesk(live: Live) -> ProviderConfigIn:
    return ProviderConfigIn(
        kind=ProviderKind.ZENDESK,
        domain="acme",
        agent_email=live.zendesk.agent_email,
        api_key=live.zendesk.api_token,
    )

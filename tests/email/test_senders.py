"""Who sent a mail decides what it may do (servicedesk.email.senders): a reply from an
agent's address is the agent's, public and mailed on, only when a receiving MTA the
tenant names vouches for the domain; the requester's address counts when the mail
answers one the desk sent, or the MTA vouches. Everything else is a private note
marked for an agent to confirm.

The attacks these stop, found in a probe: `From: Acme Agent <agent@acme.test>` with
`In-Reply-To` of the desk's mail became a public note in the agent's name and was
mailed to the requester; someone CC'd once wrote `From:` the requester and reopened the
ticket in their name."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from servicedesk.email.senders import vouched_domains
from tests.conftest import Drain, UserFactory
from tests.email.conftest import configure, hand_in, mail
from tests.smtp_server import SmtpServer

MX = "mx.acme.test"
AGENT = "agent@acme.test"


def _passed(domain: str, host: str = MX) -> str:
    return (
        f"{host}; spf=pass smtp.mailfrom={domain}; dkim=pass header.d={domain}; "
        f"dmarc=pass (p=reject) header.from={domain}"
    )


async def _notes(client: httpx.AsyncClient, headers: dict[str, str], ticket_id: str) -> Any:
    response = await client.get(f"/api/v1/tickets/{ticket_id}/notes", headers=headers)
    return response.json()["notes"]


async def _desk_replied(
    client: httpx.AsyncClient, headers: dict[str, str], drained: Drain, smtp: SmtpServer
) -> tuple[str, str]:
    """A ticket from ana@, answered by the desk by mail: (ticket id, the reply's Message-ID)."""
    first = await hand_in(client, headers, mail(message_id="<first@customer.example>"))
    reply = {"body": "Please restart it.", "private": False}
    sent = await client.post(
        f"/api/v1/tickets/{first['ticket_id']}/notes", json=reply, headers=headers
    )
    assert sent.status_code == 201
    await drained()
    (desk_mail,) = smtp.messages
    return first["ticket_id"], str(desk_mail["Message-ID"])


@pytest.mark.parametrize(
    ("evidence", "agents"),
    [
        ({}, False),
        ({"Authentication-Results": _passed("acme.test", host="mx.attacker.example")}, False),
        ({"Authentication-Results": _passed("attacker.example")}, False),
        (
            {"Authentication-Results": f"{MX}; dkim=fail header.d=acme.test; dmarc=fail"},
            False,
        ),
        ({"Authentication-Results": _passed("acme.test")}, True),
        ({"Authentication-Results": f"{MX}; dkim=pass header.d=acme.test"}, True),
    ],
    ids=["no-evidence", "untrusted-host", "other-domain", "failed", "dmarc-pass", "dkim-pass"],
)
async def test_a_reply_from_an_agents_address_is_the_agents_only_when_the_mta_vouches(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_user: UserFactory,
    smtp: SmtpServer,
    drained: Drain,
    evidence: dict[str, str],
    agents: bool,
) -> None:
    agent = await make_user(email=AGENT, name="Acme Agent")
    await configure(client, headers, authentication_hosts=[MX.upper()])
    ticket_id, desk_id = await _desk_replied(client, headers, drained, smtp)

    forged = mail(
        sender=f"Acme Agent <{AGENT}>",
        body="Log in at https://acme-login.attacker.example to fix it.",
        headers={"In-Reply-To": desk_id, **evidence},
    )
    await hand_in(client, headers, forged)
    await drained()

    note = (await _notes(client, headers, ticket_id))[-1]
    assert note["private"] is not agents
    assert note["author"] == (f"user:{agent}" if agents else "email")
    if not agents:
        assert note["body"].startswith(f"[From {AGENT}, an agent's address, but unverified")
    assert len(smtp.messages) == (2 if agents else 1)  # mailed on to the requester or not


async def test_the_requester_counts_when_answering_the_desks_mail_not_their_own(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    smtp: SmtpServer,
    drained: Drain,
) -> None:
    await configure(client, headers, authentication_hosts=[MX])
    ticket_id, desk_id = await _desk_replied(client, headers, drained, smtp)
    resolved = {"status": "resolved"}
    await client.patch(f"/api/v1/tickets/{ticket_id}", json=resolved, headers=headers)

    # Someone CC'd on the first mail knows its Message-ID, not the desk's reply's.
    copied = {"In-Reply-To": "<first@customer.example>"}
    await hand_in(client, headers, mail(body="Cancel it, I'm the requester.", headers=copied))
    status_after_copy = (await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)).json()
    vouched = {**copied, "Authentication-Results": _passed("customer.example")}
    await hand_in(client, headers, mail(body="Vouched for.", headers=vouched))
    await hand_in(client, headers, mail(body="Still broken.", headers={"In-Reply-To": desk_id}))

    notes = await _notes(client, headers, ticket_id)
    assert status_after_copy["status"] == "resolved"
    copy, by_mta, answer = notes[-3:]
    assert (copy["private"], copy["author"]) == (True, "email")
    assert copy["body"].startswith("[From ana@customer.example, the requester's address")
    assert (by_mta["private"], by_mta["author"]) == (False, "requester")
    assert (answer["private"], answer["author"], answer["body"]) == (
        False,
        "requester",
        "Still broken.",
    )
    ticket = (await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)).json()
    assert ticket["status"] == "open"


def test_authentication_results_are_read_as_rfc_8601_writes_them() -> None:
    hosts = frozenset({MX})
    assert vouched_domains([_passed("acme.test")], hosts) == {"acme.test"}
    assert vouched_domains([f"{MX} 1; dkim=pass (good signature) header.i=@Acme.Test"], hosts) == {
        "acme.test"
    }
    folded = f"{MX};\r\n\tdmarc=pass (p=none dis=none)\r\n\theader.from=acme.test"
    assert vouched_domains([folded], hosts) == {"acme.test"}
    assert vouched_domains([f"{MX}; spf=pass smtp.mailfrom=acme.test"], hosts) == set()
    assert vouched_domains([f"{MX}; dkim=neutral header.d=acme.test"], hosts) == set()
    assert vouched_domains(["other.example; dmarc=pass header.from=acme.test"], hosts) == set()
    assert vouched_domains([f"{MX}; none"], hosts) == set()

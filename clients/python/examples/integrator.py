"""What an integrator writes with servicedesk_client: open a ticket from another
system exactly once, follow it, answer it, and list what still waits.

    SERVICEDESK_URL=http://127.0.0.1:8000 SERVICEDESK_API_KEY=itsm_sk_live_... \
        python examples/integrator.py ALERT-1234

The tests run it against a live server and check it with `mypy --strict`.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Mapping
from typing import Any

from servicedesk_client import (
    ApiError,
    AuthenticatedClient,
    connect,
    idempotency_key_for,
    iter_tickets,
    unwrap,
    verify_webhook,
)
from servicedesk_client.api.tickets import (
    add_note,
    create_ticket,
    get_ticket,
    list_tickets,
    update_ticket,
)
from servicedesk_client.models import (
    NoteCreate,
    NoteOut,
    TicketCreate,
    TicketList,
    TicketOut,
    TicketPriority,
    TicketStatus,
    TicketUpdate,
)


def open_ticket_once(client: AuthenticatedClient, alert_id: str) -> TicketOut:
    """The ticket for a monitoring alert: a re-run (after a crash, say) gets the same one."""
    new = TicketCreate(
        subject=f"Disk almost full ({alert_id})",
        description="The monitoring system reports /var at 95% on db-01.",
        priority=TicketPriority.HIGH,
        requester_email="monitoring@example.com",
    )
    response = create_ticket.sync_detailed(
        client=client, body=new, idempotency_key=idempotency_key_for("monitoring", alert_id)
    )
    ticket = unwrap(response, TicketOut)
    replayed = response.headers.get("Idempotent-Replayed") == "true"
    print(f"ticket {ticket.id} {'(again)' if replayed else '(new)'}: {ticket.status.value}")
    return ticket


def answer(client: AuthenticatedClient, ticket: TicketOut) -> None:
    note = NoteCreate(body="We are cleaning up old logs on db-01.", private=False)
    unwrap(add_note.sync_detailed(ticket.id, client=client, body=note), NoteOut)
    change = TicketUpdate(status=TicketStatus.PENDING)
    updated = unwrap(update_ticket.sync_detailed(ticket.id, client=client, body=change), TicketOut)
    print(f"answered; now {updated.status.value}")


def still_waiting(client: AuthenticatedClient, ticket: TicketOut) -> int:
    """Tickets in the same status and priority as `ticket`, every page of them."""
    same = iter_tickets(client, status=ticket.status, priority=TicketPriority.HIGH, page_size=50)
    count = sum(1 for _ in same)
    first_page = unwrap(
        list_tickets.sync_detailed(client=client, status=ticket.status, limit=1), TicketList
    )
    if first_page.total != count:
        raise SystemExit(f"paged {count} tickets of {first_page.total}")
    print(f"{count} high-priority tickets are {ticket.status.value}")
    return count


def missing_ticket_is_an_error(client: AuthenticatedClient) -> None:
    try:
        unwrap(get_ticket.sync_detailed(uuid.uuid4(), client=client), TicketOut)
    except ApiError as error:
        print(f"unknown ticket: {error.status_code} {error.message}")
    else:
        raise SystemExit("an unknown ticket was found")


def on_webhook(secret: str, body: bytes, headers: Mapping[str, str]) -> str:
    """What a receiver does first with a delivery (a web framework passes these in)."""
    event: dict[str, Any] = verify_webhook(secret, body, headers)
    return str(event["type"])


def main(alert_id: str) -> None:
    client = connect(os.environ["SERVICEDESK_URL"], os.environ["SERVICEDESK_API_KEY"])
    ticket = open_ticket_once(client, alert_id)
    answer(client, ticket)
    still_waiting(client, unwrap(get_ticket.sync_detailed(ticket.id, client=client), TicketOut))
    missing_ticket_is_an_error(client)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "ALERT-1")

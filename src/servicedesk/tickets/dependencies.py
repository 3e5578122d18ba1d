"""The app's `TicketService`, as a FastAPI dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from servicedesk.tickets.service import TicketService


def ticket_service(request: Request) -> TicketService:
    tickets: TicketService = request.app.state.tickets
    return tickets


TicketsDep = Annotated[TicketService, Depends(ticket_service)]

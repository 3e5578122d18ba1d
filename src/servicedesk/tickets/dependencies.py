"""The app's `TicketService`, as a FastAPI dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from servicedesk.tickets.service import TicketService


async def ticket_service(request: Request) -> TicketService:
    # async: FastAPI runs a plain function dependency in a thread (a hop per request).
    tickets: TicketService = request.app.state.tickets
    return tickets


TicketsDep = Annotated[TicketService, Depends(ticket_service)]

"""Round-robin assignment: a new ticket that arrives in a group with `round_robin` on
(created in it, or routed to it by triage) and has no assignee goes to the group's next
active member, in a fixed order, after the one who got the group's newest assigned
ticket. A create step (`servicedesk.composition`); the assignment is published as
`ticket.assigned` by `assignment:round_robin`.

Two tickets created in the same instant may go to the same member: the turn is read,
not locked, so that a create never waits on another. Tickets moved into a group later
(by PATCH or in the console) keep the assignee they are given."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from servicedesk.db.database import Database
from servicedesk.tenant_config import TenantConfig
from servicedesk.tickets.drafts import FollowUp, NewTicket
from servicedesk.tickets.events import TicketEventType
from servicedesk.tickets.repository import TicketRepository
from servicedesk.users.service import DIRECTORY

ACTOR = "assignment:round_robin"


def next_in_turn(members: Sequence[uuid.UUID], last: uuid.UUID | None) -> uuid.UUID:
    """The member after `last` in `members` (the first when `last` is not one)."""
    if last in members:
        return members[(members.index(last) + 1) % len(members)]
    return members[0]


class RoundRobinStep:
    def __init__(self, database: Database) -> None:
        self.database = database

    def reaches_out(self, config: TenantConfig) -> bool:
        return False

    async def __call__(self, config: TenantConfig, draft: NewTicket) -> NewTicket:
        state = draft.state()
        group_id = state.get("group_id")
        if group_id is None or state.get("assignee_id") is not None:
            return draft
        directory = config[DIRECTORY]
        team = directory.groups.get(group_id)
        if team is None or not team.round_robin:
            return draft
        members = sorted(m for m in team.member_ids if directory.active_user(m) is not None)
        if not members:
            return draft
        last = await self.database.lookup(
            lambda session: TicketRepository(session, draft.tenant_id).last_assignee_in_group(
                group_id
            )
        )
        chosen = next_in_turn(members, last)
        return draft.followed_by(
            FollowUp(TicketEventType.ASSIGNED, ACTOR, {"assignee_id": chosen}, {})
        )

"""The rules of tickets, and the one path every change to a ticket takes.

Each change is one call of `TicketService`, a named sequence of steps:

    create         validate → claim the Idempotency-Key → triage → assign → provider → write
                   → publish
    update         validate → write → publish          (PATCH, a provider's report)
    add_note       write → publish
    reply          write the note → write its changes → publish both   (one transaction)
    change         write → publish                     (the system: a triage result, a sync)
    remove values  write → publish                     (a custom field's, in the background)

*write* stores the ticket; *publish* hands the change's events to the subscribers in
the same transaction, so that what they write (history, webhook deliveries, provider
jobs, triage feedback) commits or rolls back with the change. The create's middle steps
(triage, the provider) and the subscribers belong to other packages and are given to the
service when the app is assembled (`servicedesk.composition`): this package imports none
of them.

`TicketService` is the one object callers hold; each of its jobs lives in a module of
its own, as a part the service is made of:

    core.py          what every part shares (database, configuration, steps, subscribers)
    creating.py      create: the draft, its steps, the Idempotency-Key
    reading.py       get, list pages, totals, cursors, mirror states
    changing.py      update, update_mirrored, change, derive
    conversation.py  add_note, reply, list_notes, attachments
    field_values.py  deleting a custom field that tickets hold, removing its values
    documents.py     the ticket, note and event documents all of them return
"""

from __future__ import annotations

from servicedesk.tickets.conversation import Conversation
from servicedesk.tickets.creating import Creating
from servicedesk.tickets.field_values import FieldValues
from servicedesk.tickets.reading import Reading


class TicketService(Creating, Reading, Conversation, FieldValues):
    """Creating, reading, changing and conversing: every operation on tickets."""

"""The model registry: imports every package's models, so that `Base.metadata` knows
every table and every mapper can resolve the relationships it names by string.

Imported by whatever assembles a process (the app factory, `servicedesk.composition`,
the CLI), by Alembic's `env.py` and by `servicedesk.backup`, which moves every table. It
lives outside `servicedesk.db` because it imports every domain package, and each of
them imports `db`: from inside `db` it would make each pair a cycle.
"""

from sqlalchemy import Table

from servicedesk.auth.models import ApiKey, Tenant
from servicedesk.console.models import ConsoleSession
from servicedesk.custom_fields.models import CustomFieldDefinition
from servicedesk.db.base import Base
from servicedesk.email.models import EmailMessage, EmailSettings, EmailThread, SetAsideMessage
from servicedesk.events.models import Event
from servicedesk.idempotency.models import IdempotencyRecord
from servicedesk.jobs.models import OutboxJob
from servicedesk.kb.models import KbArticle
from servicedesk.providers.models import ProviderConfig
from servicedesk.sla.models import SlaPolicy
from servicedesk.tickets.models import Ticket, TicketNote
from servicedesk.triage.models import TriageFeedback, TriageModelRecord, TriageSettings
from servicedesk.users.models import Group, GroupMember, User
from servicedesk.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery


def tables() -> list[Table]:
    """Every table of the models, each after the tables it refers to (what
    `servicedesk db copy` and an export move, in that order)."""
    return list(Base.metadata.sorted_tables)


__all__ = [
    "ApiKey",
    "Base",
    "ConsoleSession",
    "CustomFieldDefinition",
    "EmailMessage",
    "EmailSettings",
    "EmailThread",
    "Event",
    "Group",
    "GroupMember",
    "IdempotencyRecord",
    "KbArticle",
    "OutboxJob",
    "ProviderConfig",
    "SetAsideMessage",
    "SlaPolicy",
    "Tenant",
    "Ticket",
    "TicketNote",
    "TriageFeedback",
    "TriageModelRecord",
    "TriageSettings",
    "User",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "tables",
]

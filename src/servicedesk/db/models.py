"""Imports every model module so that `Base.metadata` knows all tables."""

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
]

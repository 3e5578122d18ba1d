"""Request and response bodies of the webhooks API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from servicedesk.webhooks.events import ALL_TICKET_EVENTS, SUBSCRIBABLE, WebhookEvent

URL_MAX = 2048
EVENTS_MAX = 20

WebhookUrl = Annotated[str, Field(min_length=1, max_length=URL_MAX)]
# Checked by the service, not here: an unknown event is the contract's 400 naming the
# valid ones, not a 422. The document still names the enum, for generated clients.
EventName = Annotated[
    str,
    Field(min_length=1, max_length=50),
    WithJsonSchema({"$ref": "#/components/schemas/WebhookEvent"}),
]
EventList = Annotated[
    list[EventName],
    Field(
        min_length=1,
        max_length=EVENTS_MAX,
        description=f"Any of: {', '.join([ALL_TICKET_EVENTS, *SUBSCRIBABLE])}",
    ),
]


class WebhookCreate(BaseModel):
    """Only `url` and `events` are read; anything else, `secret` included, is ignored."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"url": "https://example.com/hooks/servicedesk", "events": ["ticket.*"]}]
        }
    )

    url: WebhookUrl
    events: EventList


class WebhookUpdate(BaseModel):
    url: WebhookUrl | None = None
    events: EventList | None = None
    is_active: bool | None = None

    def changes(self) -> dict[str, Any]:
        return {
            field: value
            for field, value in self.model_dump(exclude_unset=True).items()
            if value is not None
        }


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    url: str
    events: list[WebhookEvent]
    is_active: bool
    disabled_reason: str | None = Field(
        description="Why the endpoint was deactivated, when the service did it."
    )
    created_at: datetime
    updated_at: datetime


class WebhookWithSecret(WebhookOut):
    secret: str = Field(
        description="Shown only in this response: store it now. Keys "
        "`X-Servicedesk-Signature` (HMAC-SHA256 with these UTF-8 bytes)."
    )
    standard_webhooks_secret: str = Field(
        description="The same secret as Standard Webhooks libraries take it, `whsec_` + "
        "`secret`: verifies `webhook-signature`."
    )


class WebhookList(BaseModel):
    webhooks: list[WebhookOut]


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None
    latency_ms: float
    error: str | None


class DeliveryOut(BaseModel):
    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True, from_attributes=True
    )

    id: str
    webhook_id: str
    event_id: str
    event_type: str
    status: str = Field(description="pending, succeeded or failed")
    attempt_count: int
    last_status_code: int | None
    last_error: str | None
    next_retry_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    attempts: list[AttemptOut] = Field(default_factory=list)


class DeliveryList(BaseModel):
    deliveries: list[DeliveryOut]
    total: int
    limit: int
    offset: int

"""HTTP routes of the webhooks API: /api/v1/webhooks (scope `webhooks:manage`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import (
    Conflict,
    DeliveryNotFound,
    InvalidWebhook,
    NoValidFields,
    WebhookNotFound,
)
from servicedesk.http import (
    JSON_BODY_ERRORS,
    VALIDATION_422,
    Responses,
    SettingsDep,
    require_json_body,
)
from servicedesk.webhooks import service, signing
from servicedesk.webhooks.models import Webhook
from servicedesk.webhooks.schemas import (
    AttemptOut,
    DeliveryList,
    DeliveryOut,
    WebhookCreate,
    WebhookList,
    WebhookOut,
    WebhookUpdate,
    WebhookWithSecret,
)

router = APIRouter(
    prefix="/api/v1/webhooks",
    tags=["webhooks"],
)

Manager = Annotated[Principal, Depends(require_scope(Scope.WEBHOOKS_MANAGE))]


# A path id is a string: a 422 is FastAPI's check of the path itself.
_NOT_FOUND: Responses = {404: WebhookNotFound.openapi_response(), 422: VALIDATION_422}
_VALIDATION_422: Responses = {422: VALIDATION_422}
_INVALID: Responses = {
    400: InvalidWebhook.openapi_response(
        {"detail": "Invalid event type: ticket.deleted. Valid events: ticket.*, ticket.created"}
    )
}


def _with_secret(webhook: Webhook, secret: str) -> WebhookWithSecret:
    return WebhookWithSecret(
        **WebhookOut.model_validate(webhook).model_dump(),
        secret=secret,
        standard_webhooks_secret=signing.standard_form(secret),
    )


def _delivery_out(found: service.DeliveryWithAttempts) -> DeliveryOut:
    out = DeliveryOut.model_validate(found.delivery)
    out.attempts = [AttemptOut.model_validate(attempt) for attempt in found.attempts]
    return out


@router.post(
    "",
    status_code=201,
    response_model=WebhookWithSecret,
    summary="Register a webhook",
    dependencies=[Depends(require_json_body)],
    responses={**_INVALID, **JSON_BODY_ERRORS, **_VALIDATION_422},
)
async def create_webhook(
    data: WebhookCreate, database: DatabaseDep, principal: Manager, settings: SettingsDep
) -> Any:
    """The secret is generated here and shown only in this response. `url` must be
    https:// and resolve to public addresses only."""
    webhook, secret = await service.create_webhook(database, settings, principal.tenant_id, data)
    return _with_secret(webhook, secret)


@router.get("", response_model=WebhookList, summary="List webhooks")
async def list_webhooks(database: DatabaseDep, principal: Manager) -> Any:
    """Secrets are never listed."""
    webhooks = await service.list_webhooks(database, principal.tenant_id)
    return WebhookList(webhooks=[WebhookOut.model_validate(webhook) for webhook in webhooks])


@router.get(
    "/{webhook_id}", response_model=WebhookOut, summary="Get a webhook", responses=_NOT_FOUND
)
async def get_webhook(webhook_id: str, database: DatabaseDep, principal: Manager) -> Any:
    """`disabled_reason` says why the service deactivated it, if it did."""
    return await service.get_webhook(database, principal.tenant_id, webhook_id)


@router.patch(
    "/{webhook_id}",
    response_model=WebhookOut,
    summary="Update a webhook",
    dependencies=[Depends(require_json_body)],
    responses={
        **_NOT_FOUND,
        400: {
            "model": InvalidWebhook.model,
            "description": "Invalid URL or event type, or no valid fields to update",
            "content": {"application/json": {"example": NoValidFields().body()}},
        },
        **JSON_BODY_ERRORS,
        **_VALIDATION_422,
    },
)
async def update_webhook(
    webhook_id: str,
    patch: WebhookUpdate,
    database: DatabaseDep,
    principal: Manager,
    settings: SettingsDep,
) -> Any:
    """`url`, `events` and `is_active`; setting `is_active: true` clears `disabled_reason`."""
    return await service.update_webhook(database, settings, principal.tenant_id, webhook_id, patch)


@router.delete("/{webhook_id}", status_code=204, summary="Delete a webhook", responses=_NOT_FOUND)
async def delete_webhook(webhook_id: str, database: DatabaseDep, principal: Manager) -> Response:
    await service.delete_webhook(database, principal.tenant_id, webhook_id)
    return Response(status_code=204)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookWithSecret,
    summary="Rotate a webhook's secret",
    responses=_NOT_FOUND,
)
async def rotate_webhook_secret(
    webhook_id: str, database: DatabaseDep, principal: Manager, settings: SettingsDep
) -> Any:
    """Returns the new secret, once. For 24 h, `webhook-signature` and
    `X-Servicedesk-Signature` carry a signature with the old secret beside the new one,
    so receivers can switch without a gap."""
    webhook, secret = await service.rotate_secret(
        database, settings, principal.tenant_id, webhook_id
    )
    return _with_secret(webhook, secret)


_INACTIVE: Responses = {
    409: Conflict.openapi_response({"detail": "Webhook is inactive; set is_active to true first"})
}


@router.post(
    "/{webhook_id}/test",
    status_code=202,
    response_model=DeliveryOut,
    summary="Send a test event",
    responses={**_NOT_FOUND, **_INACTIVE},
)
async def send_test_event(webhook_id: str, database: DatabaseDep, principal: Manager) -> Any:
    """Queues a `webhook.test` event to this endpoint only; follow it in its deliveries."""
    found = await service.send_test_event(
        database, principal.tenant_id, webhook_id, actor=principal.key_id
    )
    return _delivery_out(found)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryList,
    summary="List a webhook's deliveries",
    responses={**_NOT_FOUND, **_VALIDATION_422},
)
async def list_deliveries(
    webhook_id: str,
    database: DatabaseDep,
    principal: Manager,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Any:
    """Newest first; each delivery lists its attempts (status code, latency, error) and
    its next retry."""
    found, total = await service.list_deliveries(
        database, principal.tenant_id, webhook_id, limit=limit, offset=offset
    )
    return DeliveryList(
        deliveries=[_delivery_out(item) for item in found], total=total, limit=limit, offset=offset
    )


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/retry",
    status_code=202,
    response_model=DeliveryOut,
    summary="Retry a delivery",
    responses={
        404: {
            "model": WebhookNotFound.model,
            "description": "Webhook not found, or Delivery not found",
            "content": {"application/json": {"example": DeliveryNotFound().body()}},
        },
        422: VALIDATION_422,
        409: Conflict.openapi_response({"detail": "Delivery is already scheduled"}),
    },
)
async def retry_delivery(
    webhook_id: str, delivery_id: str, database: DatabaseDep, principal: Manager
) -> Any:
    """Sends the same event (same `webhook-id`) again, now."""
    found = await service.retry_delivery(database, principal.tenant_id, webhook_id, delivery_id)
    return _delivery_out(found)

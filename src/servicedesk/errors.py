"""The API's error classes, each rendering exactly the body the contract documents."""

from __future__ import annotations

from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from servicedesk.db.fair import QueueTimeout
from servicedesk.logs import get_logger

log = get_logger(__name__)


class DetailBody(BaseModel):
    """`{"detail": "..."}`: the FastAPI-style body most errors use."""

    detail: str


class NoValidFieldsBody(BaseModel):
    """The PATCH 400 body, carrying both keys so clients of either seed document read it."""

    detail: str
    error: str


class ValidationErrorItem(BaseModel):
    """One failed check: where (`["body", "subject"]`, `["query", "limit"]`), what."""

    loc: list[str | int]
    msg: str
    type: str
    ctx: dict[str, Any] | None = None


class ValidationErrorBody(BaseModel):
    """The 422 body: FastAPI's and Pydantic's, every failed check listed."""

    detail: list[ValidationErrorItem]


class AuthErrorBody(BaseModel):
    """The 401/403 body of the Tickets API: a code and a message."""

    error: str
    message: str


class ApiError(Exception):
    """An error the API answers with a documented status and body."""

    status_code: ClassVar[int] = 500
    model: ClassVar[type[BaseModel]] = DetailBody
    description: ClassVar[str] = "Internal server error"
    headers: dict[str, str] | None = None

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.description
        super().__init__(self.detail)

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail}

    @classmethod
    def openapi_response(cls, example: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `responses=` entry that documents this error in OpenAPI."""
        sample = example if example is not None else cls().body()
        return {
            "model": cls.model,
            "description": cls.description,
            "content": {"application/json": {"example": sample}},
        }


class Unauthorized(ApiError):
    status_code = 401
    model = AuthErrorBody
    description = "Invalid or missing API key"

    def __init__(self) -> None:
        super().__init__()
        # RFC 6750 §3: a 401 names the scheme; the key may also come as a bearer token.
        self.headers = {"WWW-Authenticate": 'Bearer realm="servicedesk"'}

    def body(self) -> dict[str, Any]:
        return {"error": "unauthorized", "message": "Invalid or missing API key"}


class Forbidden(ApiError):
    status_code = 403
    model = AuthErrorBody
    description = "API key lacks required scope"

    def __init__(self, scope: str = "<scope>") -> None:
        self.scope = scope
        super().__init__(f"API key lacks required scope: {scope}")

    def body(self) -> dict[str, Any]:
        return {"error": "forbidden", "message": self.detail}


class TicketNotFound(ApiError):
    status_code = 404
    description = "Ticket not found"


class AttachmentNotFound(ApiError):
    status_code = 404
    description = "Attachment not found"


class AttachmentTooLarge(ApiError):
    status_code = 413
    description = "Attachment too large"

    def __init__(self, limit: int | None = None) -> None:
        super().__init__(None if limit is None else f"Attachment too large (limit {limit} bytes)")


class WebhookNotFound(ApiError):
    status_code = 404
    description = "Webhook not found"


class DeliveryNotFound(ApiError):
    status_code = 404
    description = "Delivery not found"


class InvalidWebhook(ApiError):
    """A webhook URL or event list that cannot be accepted; the detail says why."""

    status_code = 400
    description = "Invalid webhook"


class SetAsideMessageNotFound(ApiError):
    status_code = 404
    description = "Set-aside message not found"


class Conflict(ApiError):
    status_code = 409
    description = "The resource is not in a state that allows this"


class CustomFieldNotFound(ApiError):
    status_code = 404
    description = "Custom field not found"


class SlaPolicyNotFound(ApiError):
    status_code = 404
    description = "SLA policy not found"


class InvalidCustomField(ApiError):
    status_code = 400
    description = "Invalid custom field"


class ProviderRejected(ApiError):
    """The ITSM provider refused the ticket; the detail is the provider's own message."""

    status_code = 400
    description = "The ITSM provider rejected the ticket"


class ProviderNotConfigured(ApiError):
    status_code = 404
    description = "No ITSM provider is configured"


class EmailNotConfigured(ApiError):
    status_code = 404
    description = "E-mail is not configured"


class InvalidProviderConfig(ApiError):
    status_code = 400
    description = "Invalid provider configuration"


class ArticleNotFound(ApiError):
    status_code = 404
    description = "Article not found"


class UserNotFound(ApiError):
    status_code = 404
    description = "User not found"


class GroupNotFound(ApiError):
    status_code = 404
    description = "Group not found"


class InvalidTriageConfig(ApiError):
    status_code = 400
    description = "Invalid triage configuration"


class InboundNotAuthorized(ApiError):
    status_code = 401
    description = "Invalid or missing inbound secret"


class NoValidFields(ApiError):
    status_code = 400
    model = NoValidFieldsBody
    description = "No valid fields to update"

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, "error": self.detail}


class IdempotencyKeyReused(ApiError):
    status_code = 409
    description = "Idempotency key reused with a different payload"


class IdempotencyKeyInProgress(ApiError):
    status_code = 409
    description = "A request with this Idempotency-Key is still in progress; retry shortly"

    def __init__(self, retry_after: int = 1) -> None:
        super().__init__()
        self.headers = {"Retry-After": str(retry_after)}


class PayloadTooLarge(ApiError):
    """Documents the middleware's 413 (servicedesk.middleware answers it itself)."""

    status_code = 413
    description = "Request body too large (limit 1048576 bytes)"


class UnsupportedMediaType(ApiError):
    status_code = 415
    description = "Content-Type must be application/json"


class MessageTypeRequired(UnsupportedMediaType):
    description = "Content-Type must be message/rfc822"


class RateLimited(ApiError):
    status_code = 429
    description = "Rate limit exceeded"

    def __init__(self, limit: str = "<limit>", retry_after: int = 1) -> None:
        super().__init__(f"Rate limit exceeded: {limit}. Retry after {retry_after} seconds.")
        self.headers = {"Retry-After": str(retry_after)}


class ServiceUnavailable(ApiError):
    status_code = 503
    description = "Service unavailable"

    def __init__(self, detail: str | None = None, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class Overloaded(ServiceUnavailable):
    """A write that could not get its turn in time; nothing of it was written."""

    description = "Too many writes are waiting; retry shortly"


class ValidationFailed(ApiError):
    """422 with the FastAPI/Pydantic validation body, for checks that run after the body
    parsed (custom fields against the tenant's definitions, query values)."""

    status_code = 422
    model = ValidationErrorBody
    description = "Validation error (FastAPI/Pydantic body)"

    def __init__(self, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.errors = errors or []

    @classmethod
    def at(cls, loc: tuple[str, ...], message: str) -> ValidationFailed:
        return cls([{"type": "value_error", "loc": list(loc), "msg": message}])

    @classmethod
    def of_body(cls, errors: list[Any]) -> ValidationFailed:
        """Pydantic's errors of a model checked after parsing, located in the body."""
        return cls._located("body", errors)

    @classmethod
    def of_query(cls, errors: list[Any]) -> ValidationFailed:
        """Pydantic's errors of models read from the query string, located there."""
        return cls._located("query", errors)

    @classmethod
    def _located(cls, place: str, errors: list[Any]) -> ValidationFailed:
        return cls(
            [{**_public_validation_error(error), "loc": [place, *error["loc"]]} for error in errors]
        )

    def body(self) -> dict[str, Any]:
        return {"detail": [{**error, "loc": list(error["loc"])} for error in self.errors]}


def _render(error: ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status_code, headers=error.headers)


async def _api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _render(exc)


async def _http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # The input echo is dropped: it could be a megabyte of the caller's body, and the
    # location and message already say what is wrong.
    errors = [_public_validation_error(error) for error in exc.errors()]
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


def _public_validation_error(error: Any) -> dict[str, Any]:
    public = {key: value for key, value in error.items() if key not in {"input", "url"}}
    if isinstance(public.get("ctx"), dict):
        public["ctx"] = {key: str(value) for key, value in public["ctx"].items()}
    return public


async def _queue_timeout_handler(request: Request, exc: Exception) -> JSONResponse:
    log.warning("write_refused_overloaded", path=request.url.path, reason=str(exc))
    return _render(Overloaded())


async def _unhandled_error_handler(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", path=request.url.path, method=request.method)
    return JSONResponse({"detail": "Internal server error"}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error, expected or not, answer with a documented JSON body."""
    app.add_exception_handler(ApiError, _api_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_error_handler)
    app.add_exception_handler(QueueTimeout, _queue_timeout_handler)
    app.add_exception_handler(Exception, _unhandled_error_handler)

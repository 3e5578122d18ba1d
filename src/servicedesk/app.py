"""create_app(settings): the FastAPI application with its routers, middleware and errors."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from servicedesk import __version__, instruments, supervision
from servicedesk.apidocs import document_keys_and_headers, install_api_docs
from servicedesk.auth.cache import PrincipalCache
from servicedesk.composition import running_worker, ticket_service
from servicedesk.config import Settings, get_settings
from servicedesk.console.access import install_console_errors
from servicedesk.console.admin import router as console_admin_router
from servicedesk.console.dashboard import router as console_dashboard_router
from servicedesk.console.integrations import router as console_integrations_router
from servicedesk.console.kb import router as console_kb_router
from servicedesk.console.pages import router as console_pages_router
from servicedesk.console.render import HERE as CONSOLE_DIR
from servicedesk.console.sessions import SignInThrottle
from servicedesk.custom_fields.endpoints import router as custom_fields_router
from servicedesk.db.database import Database
from servicedesk.email.endpoints import inbound_router as email_inbound_router
from servicedesk.email.endpoints import router as email_config_router
from servicedesk.errors import install_error_handlers
from servicedesk.events.history import router as history_router
from servicedesk.health.endpoints import router as health_router
from servicedesk.http import KEYED_ERRORS, JsonResponse
from servicedesk.idempotency.repository import purge_expired
from servicedesk.kb.endpoints import router as kb_router
from servicedesk.logs import configure_logging, get_logger
from servicedesk.metrics.endpoints import router as metrics_router
from servicedesk.middleware import RequestMiddleware
from servicedesk.providers.endpoints import inbound_router as provider_inbound_router
from servicedesk.providers.endpoints import router as provider_config_router
from servicedesk.providers.service import new_http_client as new_provider_client
from servicedesk.ratelimit.service import RateLimiter
from servicedesk.sla.endpoints import reports_router as sla_reports_router
from servicedesk.sla.endpoints import router as sla_policies_router
from servicedesk.tickets.custom_field_endpoints import router as custom_field_values_router
from servicedesk.tickets.endpoints import attachments_router
from servicedesk.tickets.endpoints import router as tickets_router
from servicedesk.triage.endpoints import router as triage_config_router
from servicedesk.triage.starter import starter_models
from servicedesk.users import passwords
from servicedesk.users.endpoints import groups_router, users_router
from servicedesk.webhooks.endpoints import router as webhooks_router

log = get_logger(__name__)

DESCRIPTION = """
IT service desk API: tickets, AI triage, mirroring into your ITSM tool, signed webhooks.

Authenticate every request with the `X-API-Key` header (`itsm_sk_live_…`, made with
`servicedesk keys create`), or send the key as `Authorization: Bearer <key>`. A typed
Python client is generated from this document: `clients/python` in the repository.
Errors: 401 `{"error": "unauthorized", "message": ...}`,
403 `{"error": "forbidden", "message": "API key lacks required scope: <scope>"}`,
404 `{"detail": "Ticket not found"}`, 422 the FastAPI/Pydantic validation body.
"""

PURGE_INTERVAL_SECONDS = 300
CONSOLE_STATIC = CONSOLE_DIR / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the database engine is created when the app starts, not here."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings)
        app.state.database = database
        app.state.rate_limiter = RateLimiter(settings) if settings.rate_limit_enabled else None
        app.state.warm_up = asyncio.create_task(_load_starter_model(settings))
        background = [app.state.warm_up, asyncio.create_task(_purge_idempotency_records(database))]
        supervisor = supervision.supervisor_pid()
        if supervisor is not None:
            background.append(asyncio.create_task(supervision.stop_when_orphaned(supervisor)))
        async with contextlib.AsyncExitStack() as stack:
            provider_http = await stack.enter_async_context(
                new_provider_client(settings.provider_create_timeout_seconds)
            )
            app.state.tickets = ticket_service(database, settings, provider_http)
            if settings.worker_embedded:
                worker = await stack.enter_async_context(
                    running_worker(database, settings, app.state.tickets)
                )
                background.append(asyncio.create_task(worker.run()))
            try:
                yield
            finally:
                for task in background:
                    task.cancel()
                for task in background:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        await database.dispose()

    app = FastAPI(
        default_response_class=JsonResponse,
        title="servicedesk",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.principal_cache = PrincipalCache(settings.api_key_cache_seconds)
    app.add_middleware(
        RequestMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        timeout_seconds=settings.request_timeout_seconds,
        measured=settings.metrics_enabled,
    )
    install_error_handlers(app)
    install_api_docs(app, "servicedesk")
    document_keys_and_headers(app)
    app.include_router(health_router)
    if settings.metrics_enabled:
        instruments.enable()
        app.include_router(metrics_router)
    app.include_router(tickets_router, responses=KEYED_ERRORS)
    app.include_router(attachments_router, responses=KEYED_ERRORS)
    app.include_router(history_router, responses=KEYED_ERRORS)
    app.include_router(custom_fields_router, responses=KEYED_ERRORS)
    app.include_router(custom_field_values_router, responses=KEYED_ERRORS)
    app.include_router(webhooks_router, responses=KEYED_ERRORS)
    app.include_router(kb_router, responses=KEYED_ERRORS)
    app.include_router(triage_config_router, responses=KEYED_ERRORS)
    app.include_router(provider_config_router, responses=KEYED_ERRORS)
    app.include_router(provider_inbound_router)
    app.include_router(email_config_router, responses=KEYED_ERRORS)
    app.include_router(email_inbound_router, responses=KEYED_ERRORS)
    app.include_router(users_router, responses=KEYED_ERRORS)
    app.include_router(groups_router, responses=KEYED_ERRORS)
    app.include_router(sla_policies_router, responses=KEYED_ERRORS)
    app.include_router(sla_reports_router, responses=KEYED_ERRORS)
    _mount_console(app, settings)
    return app


def operation_id(route: APIRoute) -> str:
    """A route's OpenAPI operationId is its endpoint's name (`create_ticket`), so that
    generated clients get readable method names; tests/test_openapi.py holds them
    unique and stable."""
    return route.name


def _mount_console(app: FastAPI, settings: Settings) -> None:
    """The agents' console under /console/, its stylesheet shipped in the package."""
    app.state.sign_in_throttle = SignInThrottle(settings)
    app.mount("/console/static", StaticFiles(directory=CONSOLE_STATIC), name="console-static")
    app.include_router(console_pages_router)
    app.include_router(console_admin_router)
    app.include_router(console_kb_router)
    app.include_router(console_dashboard_router)
    app.include_router(console_integrations_router)
    install_console_errors(app)


async def _load_starter_model(settings: Settings) -> None:
    """Load (or train) the starter model off the event loop while the server answers:
    scikit-learn alone takes over a second to import. Until it is loaded, `/readyz` is
    503 and creates are triaged in the background rather than inline."""
    try:
        await asyncio.to_thread(passwords.warm_up)
        await asyncio.to_thread(starter_models, settings.cache_dir)
    except Exception:
        log.exception("starter_model_failed")
        return
    if settings.environment != "test":
        _freeze_startup_objects()


def _freeze_startup_objects() -> None:
    """Leave what startup made (modules, models: ~95,000 objects) out of every later
    garbage collection. A full collection walked them all: 60-80 ms pauses that set the
    p99 of allocation-heavy requests (search p99 80-93 ms → 9-10 ms at one connection).
    Not in tests, where each test's app would be frozen too and never freed."""
    gc.collect()
    gc.freeze()


async def _purge_idempotency_records(database: Database) -> None:
    while True:
        try:
            purged = await database.write(purge_expired)
            if purged:
                log.info("idempotency_records_purged", count=purged)
        except Exception:
            log.exception("idempotency_purge_failed")
        await asyncio.sleep(PURGE_INTERVAL_SECONDS)

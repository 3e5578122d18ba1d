"""Triage of a tenant's tickets: its settings, the engine built from its model and
knowledge (cached per process), routing, and the create step that triages a new ticket.

Hot swap without a restart: the tenant's settings are part of its configuration
(`TRIAGE`), which moves with every change of settings, model or knowledge-base article;
a process caches the tenant's model under its version and its knowledge index under the
configuration's version, so a new model (`servicedesk triage train`) or an article
written through any process is in use from the next ticket on.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from servicedesk import tenant_config
from servicedesk.config import Settings
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.db.upsert import insert_or_ignore
from servicedesk.errors import InvalidTriageConfig, ValidationFailed
from servicedesk.kb.repository import ArticleRepository
from servicedesk.logs import get_logger
from servicedesk.tenant_config import ConfigPart, TenantConfig
from servicedesk.triage import repository as triage_rows
from servicedesk.triage import starter
from servicedesk.triage.engine import LLM_ENGINE, LocalTriager, TicketText, Triage
from servicedesk.triage.models import TriageModelRecord, TriageSettings
from servicedesk.triage.schemas import (
    DEFAULT_NEVER_AUTO_RESOLVE,
    DEFAULT_THRESHOLD,
    ModelOut,
    TriageConfigIn,
)
from servicedesk.triage.sources import Source
from servicedesk.triage.starter import DEFAULT_CATEGORIES, starter_models
from servicedesk.users.service import Directory, load_directory

if TYPE_CHECKING:  # numpy and scikit-learn: imported when the first engine is built
    from servicedesk.triage.knowledge import KnowledgeIndex
    from servicedesk.triage.model import CategoryModel

log = get_logger(__name__)

ACTOR = "triage"
JOB_KIND = "triage.run"
# Tickets whose agent reply may answer a similar ticket.
ANSWERED_STATUSES = ("resolved", "closed", "ai_resolved")
MAX_ARTICLES = 5_000
MAX_AGENT_REPLIES = 2_000
MODEL_CACHE_SIZE = 32
# Threads for the inline triage of creates (about 1-2 ms of CPU each).
INLINE_THREADS = 4
# While a server starts, its starter model loads in the background (a second or two): a
# create waits for it this long at most, then leaves the triage to the worker.
STARTER_WAIT_SECONDS = 10.0
_INLINE_POOL = ThreadPoolExecutor(INLINE_THREADS, thread_name_prefix="triage-inline")


@dataclass(frozen=True, slots=True)
class TenantTriage:
    """A tenant's triage settings, defaults filled in."""

    tenant_id: uuid.UUID
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    auto_routing: bool = False
    threshold: float = DEFAULT_THRESHOLD
    never_auto_resolve: tuple[str, ...] = DEFAULT_NEVER_AUTO_RESOLVE
    engine: str = "local"
    active_model_version: int | None = None
    # (category, group id) pairs: where a new ticket of that category is routed.
    category_groups: tuple[tuple[str, uuid.UUID], ...] = ()
    # (category, description) pairs: training examples of categories.
    category_descriptions: tuple[tuple[str, str], ...] = ()
    retrain_every: int | None = None

    def group_for(self, category: str | None) -> uuid.UUID | None:
        return dict(self.category_groups).get(category) if category else None


def _from_row(tenant_id: uuid.UUID, row: TriageSettings | None) -> TenantTriage:
    if row is None:
        return TenantTriage(tenant_id)
    return TenantTriage(
        tenant_id=tenant_id,
        categories=tuple(row.categories),
        auto_routing=row.auto_routing,
        threshold=row.threshold,
        never_auto_resolve=tuple(row.never_auto_resolve),
        engine=row.engine,
        active_model_version=row.active_model_version,
        category_groups=tuple(
            (category, uuid.UUID(group)) for category, group in (row.category_groups or {}).items()
        ),
        category_descriptions=tuple((row.category_descriptions or {}).items()),
        retrain_every=row.retrain_every,
    )


def load_settings(session: Session, tenant_id: uuid.UUID) -> TenantTriage:
    return _from_row(tenant_id, session.get(TriageSettings, tenant_id))


TRIAGE: ConfigPart[TenantTriage] = ConfigPart("triage", load_settings)


def _settings_row(session: Session, tenant_id: uuid.UUID) -> TriageSettings:
    """The tenant's row, made with the defaults if it has none (race-free), locked."""
    defaults = TenantTriage(tenant_id)
    insert_or_ignore(
        session,
        TriageSettings,
        {
            "tenant_id": tenant_id,
            "categories": list(defaults.categories),
            "auto_routing": defaults.auto_routing,
            "threshold": defaults.threshold,
            "never_auto_resolve": list(defaults.never_auto_resolve),
            "engine": defaults.engine,
            "active_model_version": None,
            "category_groups": {},
            "category_descriptions": {},
            "retrain_every": None,
            "updated_at": utcnow(),
        },
    )
    row = session.get(TriageSettings, tenant_id, with_for_update=True, populate_existing=True)
    assert row is not None
    return row


async def get_settings(database: Database, tenant_id: uuid.UUID) -> tuple[TenantTriage, ModelOut]:
    def read(session: Session) -> tuple[TenantTriage, TriageModelRecord | None]:
        tenant = load_settings(session, tenant_id)
        return tenant, _active_record(session, tenant)

    tenant, record = await database.read(read)
    return tenant, await _model_info(record)


async def put_settings(
    database: Database, settings: Settings, tenant_id: uuid.UUID, data: TriageConfigIn
) -> tuple[TenantTriage, ModelOut]:
    if data.engine == LLM_ENGINE and not settings.llm_base_url:
        raise InvalidTriageConfig(
            "engine llm needs an LLM endpoint: the operator sets SERVICEDESK_LLM_BASE_URL"
        )

    def write(session: Session) -> tuple[TenantTriage, TriageModelRecord | None]:
        _check_groups(load_directory(session, tenant_id), data)
        row = _settings_row(session, tenant_id)
        row.category_groups = {
            category: str(group) for category, group in data.category_groups.items()
        }
        row.categories = list(data.categories)
        row.auto_routing = data.auto_routing
        row.threshold = data.threshold
        row.never_auto_resolve = list(data.never_auto_resolve or [])
        row.engine = data.engine
        row.category_descriptions = dict(data.category_descriptions)
        row.retrain_every = data.retrain_every
        row.updated_at = utcnow()
        tenant_config.bump(session, tenant_id)
        tenant = _from_row(tenant_id, row)
        return tenant, _active_record(session, tenant)

    tenant, record = await database.write(write, tenant_id=tenant_id)
    return tenant, await _model_info(record)


def activate_model(session: Session, tenant_id: uuid.UUID, version: int | None) -> None:
    row = _settings_row(session, tenant_id)
    row.active_model_version = version
    row.updated_at = utcnow()
    tenant_config.bump(session, tenant_id)


async def _model_info(record: TriageModelRecord | None) -> ModelOut:
    if record is not None:
        return ModelOut(
            version=record.version,
            name=f"tenant-v{record.version}",
            labels=list(record.labels),
            n_train=record.n_train,
            trained_at=record.created_at,
        )
    starter = await asyncio.to_thread(starter_models)
    return ModelOut(
        version=None,
        name=starter.version,
        labels=starter.category.labels,
        n_train=starter.n_train,
        trained_at=None,
    )


def _active_record(session: Session, tenant: TenantTriage) -> TriageModelRecord | None:
    if tenant.active_model_version is None:
        return None
    return triage_rows.model_record(session, tenant.tenant_id, tenant.active_model_version)


def active_model_record(session: Session, tenant_id: uuid.UUID) -> TriageModelRecord | None:
    return _active_record(session, load_settings(session, tenant_id))


# -- the engine, cached per process ---------------------------------------------------


class _Caches:
    """Models by (tenant, version) and knowledge indexes by tenant, shared by the
    request handlers and the worker of one process (engines run in threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: OrderedDict[tuple[uuid.UUID, int], CategoryModel] = OrderedDict()
        self._knowledge: dict[uuid.UUID, tuple[int, float, KnowledgeIndex]] = {}

    def model(self, tenant_id: uuid.UUID, version: int) -> CategoryModel | None:
        with self._lock:
            found = self._models.get((tenant_id, version))
            if found is not None:
                self._models.move_to_end((tenant_id, version))
            return found

    def keep_model(self, tenant_id: uuid.UUID, version: int, model: CategoryModel) -> None:
        with self._lock:
            self._models[(tenant_id, version)] = model
            while len(self._models) > MODEL_CACHE_SIZE:
                self._models.popitem(last=False)

    def knowledge(self, tenant_id: uuid.UUID, revision: int, ttl: float) -> KnowledgeIndex | None:
        with self._lock:
            cached = self._knowledge.get(tenant_id)
        if cached is None or cached[0] != revision or time.monotonic() - cached[1] > ttl:
            return None
        return cached[2]

    def keep_knowledge(self, tenant_id: uuid.UUID, revision: int, index: KnowledgeIndex) -> None:
        with self._lock:
            self._knowledge[tenant_id] = (revision, time.monotonic(), index)

    def clear(self) -> None:
        with self._lock:
            self._models.clear()
            self._knowledge.clear()


caches = _Caches()


@dataclass(frozen=True, slots=True)
class Prepared:
    """What building the tenant's engine needs that the caches did not have. The
    knowledge index is kept under the configuration's version, which every article
    write moves."""

    tenant: TenantTriage
    revision: int
    model_blob: bytes | None
    sources: list[Source] | None
    knowledge_ttl: float


def prepare(session: Session, config: TenantConfig, settings: Settings) -> Prepared:
    """Read from the database only what this process has not cached."""
    tenant = config[TRIAGE]
    blob = None
    version = tenant.active_model_version
    if version is not None and caches.model(tenant.tenant_id, version) is None:
        record = triage_rows.model_record(session, tenant.tenant_id, version)
        blob = record.model if record is not None else None
    ttl = settings.triage_knowledge_ttl_seconds
    sources = None
    if caches.knowledge(tenant.tenant_id, config.version, ttl) is None:
        sources = load_sources(session, tenant.tenant_id)
    return Prepared(tenant, config.version, blob, sources, ttl)


def needs_reading(config: TenantConfig, settings: Settings) -> bool:
    """Whether `prepare` would read anything (else the caches hold the engine)."""
    tenant = config[TRIAGE]
    version = tenant.active_model_version
    if version is not None and caches.model(tenant.tenant_id, version) is None:
        return True
    ttl = settings.triage_knowledge_ttl_seconds
    return caches.knowledge(tenant.tenant_id, config.version, ttl) is None


def local_triager(prepared: Prepared) -> LocalTriager:
    """The tenant's local engine (CPU work: call it in a thread)."""
    from servicedesk.triage.knowledge import KnowledgeIndex
    from servicedesk.triage.model import CategoryModel

    tenant = prepared.tenant
    starter = starter_models()
    category_model, model_version = starter.category, starter.version
    if tenant.active_model_version is not None:
        cached = caches.model(tenant.tenant_id, tenant.active_model_version)
        if cached is None and prepared.model_blob is not None:
            cached = CategoryModel.from_bytes(prepared.model_blob)
            caches.keep_model(tenant.tenant_id, tenant.active_model_version, cached)
        if cached is not None:
            category_model, model_version = cached, f"tenant-v{tenant.active_model_version}"
    knowledge = caches.knowledge(tenant.tenant_id, prepared.revision, prepared.knowledge_ttl)
    if knowledge is None:
        knowledge = KnowledgeIndex(prepared.sources or [])
        if prepared.sources is not None:
            # Else the index expired after `prepare` looked: this one triage goes
            # without suggestions, and the next create reads the sources again.
            caches.keep_knowledge(tenant.tenant_id, prepared.revision, knowledge)
    return LocalTriager(
        category_model, starter.priority, model_version, tenant.categories, knowledge
    )


def is_ready(prepared: Prepared) -> bool:
    """Whether the tenant's engine is built: its model and knowledge index cached."""
    tenant = prepared.tenant
    version = tenant.active_model_version
    if version is not None and caches.model(tenant.tenant_id, version) is None:
        return False
    return caches.knowledge(tenant.tenant_id, prepared.revision, prepared.knowledge_ttl) is not None


def run_local(prepared: Prepared, ticket: TicketText) -> Triage:
    return local_triager(prepared).triage(ticket)


async def triage_inline(
    prepared: Prepared, ticket: TicketText, budget_seconds: float, *, loop_max_chars: int
) -> Triage | None:
    """The local triage within `budget_seconds`, or None: a failing or slow engine
    never fails or slows the create (the ticket is then triaged in the background).

    A short ticket whose engine is ready (model and knowledge index cached) is triaged
    right here, on the event loop: its cost is bounded by the text (1-2 ms up to
    `loop_max_chars`), and handing it to a thread cost more CPU than the triage itself
    (0.46 ms against 0.25 ms, the GIL passing back and forth). Anything else runs on
    threads of its own, never the event loop's default executor (which DNS lookups for
    webhooks also need), queueing briefly when they are busy. An engine past its budget
    keeps its thread; once every thread is held by one, a create skips the inline triage
    at once instead of waiting its budget in the queue. While the process is starting,
    a create waits for the starter model, up to STARTER_WAIT_SECONDS."""
    if not await _starter_loaded_within(STARTER_WAIT_SECONDS):
        log.warning("triage_inline_starting", tenant_id=str(prepared.tenant.tenant_id))
        return None
    if len(ticket.subject) + len(ticket.description) <= loop_max_chars and is_ready(prepared):
        try:
            return run_local(prepared, ticket)
        except Exception:
            log.exception("triage_inline_failed", tenant_id=str(prepared.tenant.tenant_id))
            return None
    overdue = _INLINE_OVERDUE
    if overdue.count() >= INLINE_THREADS:
        log.warning("triage_inline_saturated", tenant_id=str(prepared.tenant.tenant_id))
        return None
    work = _INLINE_POOL.submit(run_local, prepared, ticket)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(work), budget_seconds)
    except TimeoutError:
        # Cancelled if it was still queued; a running engine holds its thread on.
        overdue.hold(work)
        log.warning("triage_inline_timed_out", tenant_id=str(prepared.tenant.tenant_id))
    except Exception:
        log.exception("triage_inline_failed", tenant_id=str(prepared.tenant.tenant_id))
    return None


async def _starter_loaded_within(seconds: float) -> bool:
    """Whether the starter model is loaded, waiting up to `seconds` for the load the
    server started (checked every 20 ms: only in a start's first seconds; no thread)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not starter.is_loaded():
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.02)
    return True


class _Overdue:
    """The inline runs still holding a thread after their create gave up on them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: set[Future[Triage]] = set()

    def count(self) -> int:
        with self._lock:
            return len(self._runs)

    def hold(self, work: Future[Triage]) -> None:
        with self._lock:
            if work.done():
                return
            self._runs.add(work)
        work.add_done_callback(self._release)

    def _release(self, work: Future[Triage]) -> None:
        with self._lock:
            self._runs.discard(work)


_INLINE_OVERDUE = _Overdue()


def load_sources(session: Session, tenant_id: uuid.UUID) -> list[Source]:
    """The tenant's articles (newest first) and its agents' replies on answered tickets."""
    sources = [
        Source(
            kind="kb_article",
            id=str(article.id),
            title=article.title,
            text=" ".join([article.title, article.title, *article.tags, article.body]),
            reply=article.body,
            category=article.category,
        )
        for article in ArticleRepository(session, tenant_id).recently_updated(MAX_ARTICLES)
    ]
    replies = triage_rows.agent_replies(session, tenant_id, ANSWERED_STATUSES, MAX_AGENT_REPLIES)
    seen: set[uuid.UUID] = set()
    for ticket_id, reply, text, subject, category in replies:
        if ticket_id in seen:
            continue  # the latest reply of a ticket is its answer
        seen.add(ticket_id)
        sources.append(Source("ticket", str(ticket_id), subject, text, reply or "", category))
    return sources


def _check_groups(directory: Directory, data: TriageConfigIn) -> None:
    """422 for a category routed to a group the tenant does not have."""
    for category, group in data.category_groups.items():
        if group not in directory.groups:
            raise ValidationFailed.at(
                ("body", "category_groups", category), "is not a group of this tenant"
            )

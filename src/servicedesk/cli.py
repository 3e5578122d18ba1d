"""The `servicedesk` command line: serve, worker, openapi, db, tenants, keys, provider,
triage."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import uvicorn
from pydantic import ValidationError
from sqlalchemy.orm import Session

from servicedesk import supervision
from servicedesk.auth import repository as auth_repository
from servicedesk.auth import service as auth
from servicedesk.auth.scopes import Scope
from servicedesk.config import Settings, get_settings
from servicedesk.console.sessions import disable_user, new_password
from servicedesk.db import migrate
from servicedesk.db.database import Database
from servicedesk.errors import ApiError
from servicedesk.logs import configure_logging
from servicedesk.metrics import instruments, multiprocess
from servicedesk.providers.schemas import ProviderConfigIn
from servicedesk.users import service as users
from servicedesk.users.repository import UserRepository
from servicedesk.users.schemas import RoleName as Role

app = typer.Typer(help="servicedesk: IT service desk API.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
tenants_app = typer.Typer(help="Tenants (organisations).", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(tenants_app, name="tenants")
app.add_typer(keys_app, name="keys")
triage_app = typer.Typer(help="AI triage models.", no_args_is_help=True)
app.add_typer(triage_app, name="triage")
users_app = typer.Typer(help="People who sign in to the console.", no_args_is_help=True)
app.add_typer(users_app, name="users")
provider_app = typer.Typer(help="A tenant's ITSM provider (Freshservice, Zendesk).")
app.add_typer(provider_app, name="provider", no_args_is_help=True)

T = TypeVar("T")


def _in_transaction(work: Callable[[Session], T]) -> T:
    """Run `work` in one committed transaction on the configured database."""
    return _with_database(lambda database: database.write(work))


def _with_database(use: Callable[[Database], Awaitable[T]]) -> T:
    """Run `use` on the configured database (migrated first, unless switched off)."""
    settings = get_settings()
    if settings.auto_migrate:
        migrate.upgrade(settings)

    async def run() -> T:
        database = Database(settings)
        try:
            return await use(database)
        finally:
            await database.dispose()

    return asyncio.run(run())


def _print_lines(tenant: str, work: Callable[[Session], list[str]]) -> None:
    """Print what `work` lists of the tenant `tenant`, a line each."""
    try:
        lines = _in_transaction(work)
    except auth.UnknownTenant:
        raise _fail(f"no tenant named {tenant!r}") from None
    for line in lines:
        typer.echo(line)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


@app.callback()
def _settings_checked() -> None:
    """Every command reads the settings first: a bad one is a line naming it, never a
    traceback from deep inside the command."""
    try:
        get_settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "SERVICEDESK_" + "_".join(str(part) for part in problem["loc"]).upper()
            message = str(problem["msg"]).removeprefix("Value error, ")
            typer.echo(f"error: {name}: {message}", err=True)
        raise typer.Exit(code=2) from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the API (migrating the schema first unless SERVICEDESK_AUTO_MIGRATE=false)."""
    settings: Settings = get_settings()
    if settings.auto_migrate:
        migrate.upgrade(settings)
    if workers > 1:
        supervision.mark_supervisor()
    multiprocess.prepare(settings, forget_dead=True)
    uvicorn.run(
        "servicedesk.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        server_header=False,
        # Forwarded headers only from the proxies named (uvicorn trusts loopback's by
        # default: any local process could then claim any client address).
        proxy_headers=bool(settings.trusted_proxy_list),
        forwarded_allow_ips=settings.trusted_proxy_list,
        # A time limit and size limits on each request's head (servicedesk.slow_clients).
        http="servicedesk.slow_clients:GuardedHttpToolsProtocol",
    )


@app.command()
def worker() -> None:
    """Drain the outbox (webhook deliveries, provider syncs) without serving the API; run
    as many as needed. Stops cleanly on SIGTERM or Ctrl-C."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    if settings.auto_migrate:
        migrate.upgrade(settings)
    if settings.metrics_enabled:
        # Counted into this host's shared directory: the API's /metrics shows them.
        multiprocess.prepare(settings, forget_dead=False)
        instruments.enable()
    asyncio.run(_run_worker(settings))


@app.command()
def openapi() -> None:
    """Print the API's OpenAPI document (what /openapi.json serves), for generating a
    client without a running server."""
    from servicedesk.app import create_app

    document = create_app(get_settings()).openapi()
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))


async def _run_worker(settings: Settings) -> None:
    # Imported here: the handlers pull in the triage engine (scikit-learn), which the
    # other commands (keys, tenants, db) do not need to start quickly.
    from servicedesk.composition import assembled, running_worker
    from servicedesk.triage.starter import starter_models

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await asyncio.to_thread(starter_models, settings.cache_dir)
    if stop.is_set():
        return  # stopped while it was starting
    async with (
        assembled(settings) as (database, tickets),
        running_worker(database, settings, tickets) as job_worker,
    ):
        await job_worker.run(stop)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Migrate the database to REVISION (default: the newest)."""

    migrate.upgrade(get_settings(), revision)
    typer.echo(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Migrate the database back to REVISION ("base" empties it)."""
    migrate.downgrade(get_settings(), revision)
    typer.echo(f"database at {revision}")


@db_app.command("copy")
def db_copy(
    to: Annotated[
        str, typer.Option("--to", help="The empty target database's URL (postgresql://...).")
    ],
) -> None:
    """Copy the whole installation (every tenant, key, ticket and setting) into another,
    empty database, migrated first. Stop the service first: writes made meanwhile are
    not copied. Then point SERVICEDESK_DATABASE_URL at the target."""
    from servicedesk.db import copy

    source = get_settings()
    target = source.model_copy(update={"database_url": to})
    if target.sqlalchemy_url == source.sqlalchemy_url:
        raise _fail("the target is the database the installation already uses")
    migrate.upgrade(source)
    migrate.upgrade(target)

    def report(table: copy.TableCopied) -> None:
        typer.echo(f"{table.table}: {table.rows} rows")

    try:
        copied = asyncio.run(copy.copy_installation(source, target, report))
    except copy.TargetNotEmpty as empty_needed:
        raise _fail(f"{empty_needed}; copy into an empty database") from None
    total = sum(table.rows for table in copied)
    typer.echo(f"copied {total} rows in {len(copied)} tables; now set SERVICEDESK_DATABASE_URL")


@app.command("export")
def export(
    tenant: Annotated[str, typer.Option(help="The tenant to export.")],
    output: Annotated[
        Path, typer.Option(help="The file to write (JSON Lines; gzip if it ends in .gz).")
    ],
) -> None:
    """Write everything of one tenant to a file: tickets, notes, events, settings, users,
    keys (as hashes), secrets (encrypted) and attachments. Safe while the service runs."""
    from servicedesk.backup import export as exporting

    if not output.parent.is_dir() or output.is_dir():
        raise _fail(f"cannot write {output}: name a file in an existing directory")
    settings = get_settings()
    migrate.upgrade(settings)
    try:
        tally = asyncio.run(exporting.export_tenant(settings, tenant, output, typer.echo))
    except exporting.UnknownTenant as unknown:
        raise _fail(str(unknown)) from None
    typer.echo(f"exported {sum(tally.rows.values())} rows of {tenant!r} to {output}")


@app.command("import")
def import_(
    input_: Annotated[Path, typer.Option("--input", help="A file `servicedesk export` wrote.")],
    tenant: Annotated[
        str | None, typer.Option(help="Name the tenant this, not as it was exported.")
    ] = None,
) -> None:
    """Read one tenant's export into this installation, whole or not at all. It needs the
    exporting installation's SERVICEDESK_SECRET_KEY to keep its encrypted secrets."""
    from servicedesk.backup import archive, restore

    if not input_.is_file():
        raise _fail(f"no file {input_}")
    settings = get_settings()
    migrate.upgrade(settings)
    try:
        tally = asyncio.run(restore.import_tenant(settings, input_, tenant, typer.echo))
    except (restore.ImportRefused, archive.ArchiveError) as refused:
        raise _fail(f"{refused}; nothing was imported") from None
    typer.echo(f"imported {sum(tally.rows.values())} rows")


@tenants_app.command("create")
def tenants_create(
    name: str,
    if_not_exists: Annotated[
        bool, typer.Option("--if-not-exists", help="Succeed if the tenant exists.")
    ] = False,
) -> None:
    """Create the tenant NAME."""

    def work(session: Session) -> str:
        if if_not_exists:
            tenant = auth.get_or_create_tenant(session, name)
        else:
            tenant = auth.create_tenant(session, name)
        return str(tenant.id)

    try:
        tenant_id = _in_transaction(work)
    except auth.TenantExists:
        raise _fail(f"tenant {name!r} already exists") from None
    typer.echo(f"tenant {name} {tenant_id}")


@tenants_app.command("list")
def tenants_list() -> None:
    """List the tenants."""

    def work(session: Session) -> list[str]:
        return [f"{t.name}\t{t.id}" for t in auth_repository.list_tenants(session)]

    for line in _in_transaction(work):
        typer.echo(line)


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Option(help="Tenant name.")],
    scope: Annotated[list[Scope], typer.Option(help="A scope; repeat for several.")],
    name: Annotated[str, typer.Option(help="A label for the key.")] = "",
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="First revoke the tenant's active keys with this --name (what `make run` "
            "does, so that running it again leaves one such key).",
        ),
    ] = False,
) -> None:
    """Create a key; its plaintext is printed alone on the last line, once."""
    if replace and not name:
        raise _fail("--replace needs --name: the keys it revokes are the ones of that name")

    def work(session: Session) -> tuple[str, str, list[str]]:
        owner = auth.require_tenant(session, tenant)
        revoked = auth.revoke_keys_named(session, owner, name) if replace else []
        key, plaintext = auth.create_api_key(session, owner, scope, name)
        return key.id, plaintext, revoked

    try:
        key_id, plaintext, revoked = _in_transaction(work)
    except auth.UnknownTenant:
        raise _fail(f"no tenant named {tenant!r}") from None
    for old_id in revoked:
        typer.echo(f"revoked {old_id}")
    scopes = ", ".join(sorted(s.value for s in set(scope)))
    typer.echo(f"created {key_id} for tenant {tenant} with scopes {scopes}")
    typer.echo("the key is shown only now:")
    typer.echo(plaintext)


@keys_app.command("list")
def keys_list(tenant: Annotated[str, typer.Option(help="Tenant name.")]) -> None:
    """List a tenant's keys (never their secrets)."""

    def work(session: Session) -> list[str]:
        owner = auth.require_tenant(session, tenant)
        return [
            "\t".join(
                [
                    key.id,
                    key.display_prefix,
                    ",".join(key.scopes),
                    "revoked" if key.revoked_at else "active",
                    key.created_at.isoformat(),
                    key.name,
                ]
            )
            for key in auth.list_api_keys(session, owner)
        ]

    _print_lines(tenant, work)


@keys_app.command("revoke")
def keys_revoke(key_id: str) -> None:
    """Revoke the key KEY_ID; it stops working at once."""
    if not _in_transaction(lambda session: auth.revoke_api_key(session, key_id)):
        raise _fail(f"no active key {key_id}")
    typer.echo(f"revoked {key_id}")


TenantName = Annotated[str, typer.Option("--tenant", help="Tenant name.")]
UserRef = Annotated[str, typer.Argument(help="The user's email or id.")]
PASSWORD_ENV = "SERVICEDESK_USER_PASSWORD"  # noqa: S105 (a variable's name)


def _new_password() -> str:
    """From SERVICEDESK_USER_PASSWORD, else asked for twice without echo: never an
    argument, so it stays out of shell history and the process list."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _tenant_id(session: Session, name: str) -> uuid.UUID:
    return auth.require_tenant(session, name).id


@users_app.command("create")
def users_create(
    tenant: TenantName,
    email: Annotated[str, typer.Option(help="Sign-in address.")],
    role: Annotated[Role, typer.Option(help="admin or agent.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a console user; its password comes from SERVICEDESK_USER_PASSWORD or a
    hidden prompt. Prints the user's id alone on the last line."""
    password = _new_password()

    def work(session: Session) -> str:
        user = users.create_user(
            session,
            _tenant_id(session, tenant),
            email=email,
            role=role.value,
            name=name,
            password=password,
        )
        return str(user.id)

    try:
        user_id = _in_transaction(work)
    except auth.UnknownTenant:
        raise _fail(f"no tenant named {tenant!r}") from None
    except users.UserExists:
        raise _fail(f"tenant {tenant} already has a user {email.lower()}") from None
    except ValueError as error:  # the address, the role, a weak password
        raise _fail(str(error)) from None
    typer.echo(f"created {role.value} {email.lower()} for tenant {tenant}")
    typer.echo(user_id)


@users_app.command("list")
def users_list(tenant: TenantName) -> None:
    """List a tenant's users: id, email, role, active or disabled, name."""

    def work(session: Session) -> list[str]:
        return [
            "\t".join(
                [
                    str(user.id),
                    user.email,
                    user.role,
                    "active" if user.active else "disabled",
                    user.name,
                ]
            )
            for user in UserRepository(session, _tenant_id(session, tenant)).everyone()
        ]

    _print_lines(tenant, work)


def _change_user(tenant: str, user: str, change: Callable[[Session, uuid.UUID], Any]) -> None:
    try:
        _in_transaction(lambda session: change(session, _tenant_id(session, tenant)))
    except auth.UnknownTenant:
        raise _fail(f"no tenant named {tenant!r}") from None
    except ApiError:  # UserNotFound
        raise _fail(f"tenant {tenant} has no user {user}") from None
    except ValueError as error:  # a weak password
        raise _fail(str(error)) from None


@users_app.command("disable")
def users_disable(tenant: TenantName, user: UserRef) -> None:
    """Disable a user: signed out everywhere, cannot sign in or be assigned."""
    _change_user(tenant, user, lambda session, tenant_id: disable_user(session, tenant_id, user))
    typer.echo(f"disabled {user}")


@users_app.command("enable")
def users_enable(tenant: TenantName, user: UserRef) -> None:
    """Enable a disabled user again."""
    _change_user(
        tenant, user, lambda session, tenant_id: users.set_active(session, tenant_id, user, True)
    )
    typer.echo(f"enabled {user}")


@users_app.command("set-password")
def users_set_password(tenant: TenantName, user: UserRef) -> None:
    """Set a user's password (from SERVICEDESK_USER_PASSWORD or a hidden prompt); their
    sessions end."""
    password = _new_password()
    _change_user(
        tenant, user, lambda session, tenant_id: new_password(session, tenant_id, user, password)
    )
    typer.echo(f"password set for {user}")


@provider_app.command("set")
def provider_set(
    tenant: Annotated[str, typer.Option(help="Tenant name.")],
    kind: Annotated[str, typer.Option(help="freshservice or zendesk.")],
    domain: Annotated[str, typer.Option(help="The account's subdomain, e.g. acme.")],
    api_key: Annotated[
        str,
        typer.Option(
            prompt="API key (Freshservice) or API token (Zendesk)",
            hide_input=True,
            envvar="SERVICEDESK_PROVIDER_API_KEY",
            help="Read from SERVICEDESK_PROVIDER_API_KEY or asked for; never an argument, "
            "so it stays out of shell history and the process list.",
            show_default=False,
        ),
    ],
    agent_email: Annotated[str | None, typer.Option(help="Zendesk: the token's agent.")] = None,
    default_requester_email: Annotated[
        str | None, typer.Option(help="Requester of tickets created without one.")
    ] = None,
    custom_field: Annotated[
        list[str] | None,
        typer.Option(
            help="OURS=THEIRS: our custom field OURS fills the provider's field THEIRS "
            "(a Freshservice name, a Zendesk id); repeat for several."
        ),
    ] = None,
) -> None:
    """Connect TENANT to its ITSM provider (as PUT /api/v1/configuration/provider)."""
    pairs = [entry.partition("=") for entry in custom_field or []]
    if any(not ours or not theirs for ours, _, theirs in pairs):
        raise _fail("--custom-field takes OURS=THEIRS")
    try:
        data = ProviderConfigIn.model_validate(
            {
                "kind": kind,
                "domain": domain,
                "api_key": api_key,
                "agent_email": agent_email,
                "default_requester_email": default_requester_email,
                "custom_field_map": {ours: theirs for ours, _, theirs in pairs},
            }
        )
    except ValidationError as error:
        raise _fail("; ".join(e["msg"] for e in error.errors())) from None
    from servicedesk.providers import service as providers

    settings = get_settings()

    async def put(database: Database) -> dict[str, Any]:
        owner = await database.read(lambda session: auth.require_tenant(session, tenant))
        config, secret = await providers.put_config(database, settings, owner.id, data)
        return providers.config_out(config, settings, secret).model_dump(mode="json")

    try:
        shown = _with_database(put)
    except auth.UnknownTenant:
        raise _fail(f"no tenant named {tenant!r}") from None
    except ApiError as error:
        raise _fail(error.detail) from None
    typer.echo(json.dumps(shown, indent=2))


@provider_app.command("show")
def provider_show(tenant: Annotated[str, typer.Option(help="Tenant name.")]) -> None:
    """Print TENANT's provider settings (never the credential)."""
    from servicedesk.providers.models import ProviderConfig
    from servicedesk.providers.service import config_out

    settings = get_settings()

    def work(session: Session) -> dict[str, Any] | None:
        owner = auth.require_tenant(session, tenant)
        config = session.get(ProviderConfig, owner.id)
        return config_out(config, settings).model_dump(mode="json") if config else None

    try:
        shown = _in_transaction(work)
    except auth.UnknownTenant:
        raise _fail(f"no tenant named {tenant!r}") from None
    if shown is None:
        raise _fail(f"tenant {tenant!r} has no provider")
    typer.echo(json.dumps(shown, indent=2))


@triage_app.command("train")
def triage_train(
    tenant: Annotated[str, typer.Option(help="Tenant name.")],
    from_csv: Annotated[
        Path | None, typer.Option("--from-csv", help="Also learn from these labelled tickets.")
    ] = None,
    text_col: Annotated[str, typer.Option("--text-col")] = "text",
    label_col: Annotated[str, typer.Option("--label-col")] = "category",
    starter: Annotated[
        bool, typer.Option(help="Include the starter examples of the tenant's categories.")
    ] = True,
) -> None:
    """Train TENANT's category model from its agents' overrides, its resolved and closed
    tickets and an optional CSV; store it as the next version and use it at once (no
    restart)."""
    from servicedesk.triage import datasets, training

    imported: list[tuple[str, str]] = []
    if from_csv is not None:
        try:
            texts, labels = datasets.read_labelled(from_csv, text_col, label_col)
        except (OSError, datasets.DatasetError) as error:
            raise _fail(str(error)) from None
        imported = list(zip(texts, labels, strict=True))

    async def train(database: Database) -> dict[str, Any]:
        owner = await database.read(lambda session: auth.require_tenant(session, tenant))
        record, _, settings = await training.train_and_activate(
            database, owner.id, imported=imported, with_starter=starter
        )
        outside = sorted(set(record.labels) - set(settings.categories))
        return {
            "tenant": tenant,
            "version": record.version,
            "labels": record.labels,
            "n_train": record.n_train,
            "sources": record.sources,
            "labels_outside_category_list": outside,
        }

    try:
        shown = _with_database(train)
    except auth.UnknownTenant:
        raise _fail(f"no tenant named {tenant!r}") from None
    except training.TrainingError as error:
        raise _fail(f"cannot train: {error}") from None
    typer.echo(json.dumps(shown, indent=2))
    if shown["labels_outside_category_list"]:
        typer.echo(
            "note: triage assigns only the tenant's categories; add "
            f"{', '.join(shown['labels_outside_category_list'])} with PUT "
            "/api/v1/configuration/triage to use them",
            err=True,
        )


@triage_app.command("use")
def triage_use(
    tenant: Annotated[str, typer.Option(help="Tenant name.")],
    version: Annotated[
        str, typer.Option(help="A trained version of the tenant's model, or `starter`.")
    ],
) -> None:
    """Switch TENANT to another of its model versions (a rollback), or to the starter."""
    from servicedesk.triage import service as triage

    wanted = None if version == "starter" else _model_version(version)

    def work(session: Session) -> bool:
        owner = auth.require_tenant(session, tenant)
        if wanted is not None and triage.model_record(session, owner.id, wanted) is None:
            return False
        triage.activate_model(session, owner.id, wanted)
        return True

    try:
        found = _in_transaction(work)
    except auth.UnknownTenant:
        raise _fail(f"no tenant named {tenant!r}") from None
    if not found:
        raise _fail(f"tenant {tenant!r} has no model version {version}")
    typer.echo(f"tenant {tenant} uses model {version}")


def _model_version(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise _fail(f"--version must be a number or `starter`, not {raw!r}") from None


@triage_app.command("eval")
def triage_eval(
    csv_file: Annotated[Path, typer.Option("--csv", help="Labelled tickets to evaluate on.")],
    text_col: Annotated[str, typer.Option("--text-col", help="Column with the ticket text.")],
    label_col: Annotated[str, typer.Option("--label-col", help="Column with the category.")],
    train_csv: Annotated[
        Path | None,
        typer.Option(
            "--train-csv",
            help="Train a fresh model on this file (same columns); no tenant is touched.",
        ),
    ] = None,
    tenant: Annotated[
        str | None,
        typer.Option(help="Without --train-csv: evaluate this tenant's model in use."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    baseline: Annotated[
        bool,
        typer.Option(
            help="With --train-csv: also train and score plain TF-IDF + logistic regression."
        ),
    ] = True,
) -> None:
    """Accuracy, macro-F1, per-class scores, calibration (ECE) and latency per ticket on
    --csv, of a model trained on --train-csv, of --tenant's model, or else of the
    starter model."""
    from servicedesk.triage import datasets, evaluation, model

    try:
        test_texts, test_labels = datasets.read_labelled(csv_file, text_col, label_col)
        train_set = datasets.read_labelled(train_csv, text_col, label_col) if train_csv else None
    except (OSError, datasets.DatasetError) as error:
        raise _fail(str(error)) from None

    def scored(trained: model.CategoryModel, n_train: int, seconds: float) -> evaluation.Report:
        return evaluation.evaluate(
            trained, test_texts, test_labels, n_train=n_train, train_seconds=seconds
        )

    def trained_on_file(trainer: Callable[..., model.CategoryModel]) -> evaluation.Report:
        assert train_set is not None
        started = time.perf_counter()
        trained = trainer(*train_set)
        return scored(trained, len(train_set[0]), time.perf_counter() - started)

    if train_set is not None:
        try:
            report = trained_on_file(model.train)
        except ValueError as error:  # e.g. a label with fewer examples than calibration folds
            raise _fail(f"cannot train: {error}") from None
        if baseline:
            report.baseline = trained_on_file(model.train_baseline)
    else:
        in_use, n_train = _model_in_use(tenant)
        _warn_of_unknown_labels(test_labels, in_use.labels)
        report = scored(in_use, n_train, 0.0)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        typer.echo(_report_text(report))


def _warn_of_unknown_labels(labels: Sequence[str], known: Sequence[str]) -> None:
    """The CSV's tickets of a category the model does not have can never be right: say
    so, rather than report a low score that looks like the model's fault."""
    unknown = sorted(set(labels) - set(known))
    if not unknown:
        return
    share = sum(label in unknown for label in labels) / len(labels)
    typer.echo(
        f"warning: {len(unknown)} of the CSV's labels are not categories of this model "
        f"({', '.join(unknown[:10])}{', ...' if len(unknown) > 10 else ''}); "
        f"their {share:.0%} of the tickets count as wrong",
        err=True,
    )


def _model_in_use(tenant: str | None) -> tuple[Any, int]:
    """The tenant's active category model (or the starter) and its training size."""
    from servicedesk.triage import service as triage
    from servicedesk.triage.model import CategoryModel
    from servicedesk.triage.starter import starter_models

    starter = starter_models()
    if tenant is None:
        return starter.category, starter.n_train

    def work(session: Session) -> tuple[bytes, int] | None:
        owner = auth.require_tenant(session, tenant)
        record = triage.active_model_record(session, owner.id)
        return (record.model, record.n_train) if record else None

    try:
        found = _in_transaction(work)
    except auth.UnknownTenant:
        raise _fail(f"no tenant named {tenant!r}") from None
    if found is None:
        return starter.category, starter.n_train
    return CategoryModel.from_bytes(found[0]), found[1]


def _report_text(report: Any) -> str:
    lines = []
    for entry in [report, *([report.baseline] if report.baseline else [])]:
        lines.append(
            f"{entry.model}: accuracy {entry.accuracy:.4f}  macro-F1 {entry.macro_f1:.4f}  "
            f"ECE {entry.ece:.4f}  latency p50 {entry.latency_ms_p50:.2f} ms "
            f"p99 {entry.latency_ms_p99:.2f} ms  trained on {entry.n_train} in "
            f"{entry.train_seconds:.1f} s, tested on {entry.n_test}"
        )
    lines.append("")
    lines.append(f"{'class':<24} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}")
    for scores in report.per_class:
        lines.append(
            f"{scores.label[:24]:<24} {scores.precision:>9.3f} {scores.recall:>7.3f} "
            f"{scores.f1:>7.3f} {scores.support:>8}"
        )
    lines.append("")
    lines.append(f"{'confidence':<12} {'tickets':>8} {'mean conf':>10} {'accuracy':>9}")
    for row in report.calibration:
        lines.append(
            f"({row.lower:.1f}, {row.upper:.1f}] {row.count:>8} {row.mean_confidence:>10.3f} "
            f"{row.accuracy:>9.3f}"
        )
    return "\n".join(lines)

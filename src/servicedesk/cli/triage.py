"""`servicedesk triage`: train, switch and evaluate a tenant's models."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.cli.base import (
    fail,
    in_transaction,
    triage_app,
    with_database,
)
from servicedesk.db.database import Database


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
            raise fail(str(error)) from None
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
        shown = with_database(train)
    except auth.UnknownTenant:
        raise fail(f"no tenant named {tenant!r}") from None
    except training.TrainingError as error:
        raise fail(f"cannot train: {error}") from None
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
    from servicedesk.triage import repository as triage_rows
    from servicedesk.triage import service as triage

    wanted = None if version == "starter" else _model_version(version)

    def work(session: Session) -> bool:
        owner = auth.require_tenant(session, tenant)
        if wanted is not None and triage_rows.model_record(session, owner.id, wanted) is None:
            return False
        triage.activate_model(session, owner.id, wanted)
        return True

    try:
        found = in_transaction(work)
    except auth.UnknownTenant:
        raise fail(f"no tenant named {tenant!r}") from None
    if not found:
        raise fail(f"tenant {tenant!r} has no model version {version}")
    typer.echo(f"tenant {tenant} uses model {version}")


def _model_version(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise fail(f"--version must be a number or `starter`, not {raw!r}") from None


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
        raise fail(str(error)) from None

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
            raise fail(f"cannot train: {error}") from None
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
        found = in_transaction(work)
    except auth.UnknownTenant:
        raise fail(f"no tenant named {tenant!r}") from None
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

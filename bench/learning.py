"""How fast triage becomes a tenant's own: a simulated tenant's learning curve.

    python bench/learning.py --train-csv A --test-csv B --text-col C --label-col L
        [--json] [--retrain-every K] [--max-tickets N] [--extra-points N,N] [--seed S]
        [--descriptions FILE.json] [--chart FILE.svg] [--no-ceiling] [--no-baseline]

A new tenant whose categories are the labels of A starts on the starter model (and, with
--descriptions, a model trained on its descriptions of its categories, {category: text},
which the triage configuration holds). The tickets of A then arrive in a shuffled order
(--seed) through the real API of an in-process server on a fresh SQLite database: each
is created (and triaged on create), an agent overrides the category of each wrong one
and resolves every one (PATCH: the feedback path a person's correction takes). The
tenant retrains after every K overrides (default 25) through the code of `servicedesk
triage train`; it also retrains at each point of the curve, so that a point is a model
trained on the first N tickets.

After 0, 25, 50, 100, 200, 500, 1,000 and 5,000 tickets (those A reaches, up to
--max-tickets), the tenant's model in use is scored on B, which is never trained on:
macro-F1 and accuracy over B's labels, ECE (10 bins) of the confidence create reports,
and the share of the first N tickets agents had to correct. Beside it: a plain TF-IDF +
linear SVM trained on the same first N (the reference the issue names) and a model
trained on all of A (the ceiling). Prints a table; with --json, one object with
`points`: [{"n", "macro_f1", "accuracy", "ece", "corrected_share", ...}], and nothing
else on standard output (progress goes to standard error).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from servicedesk.app import create_app
from servicedesk.auth import service as auth
from servicedesk.auth.scopes import Scope
from servicedesk.config import Settings
from servicedesk.db import migrate
from servicedesk.db.database import Database
from servicedesk.triage import datasets, model, training
from servicedesk.triage import service as triage
from servicedesk.triage.engine import TicketText, best_allowed
from servicedesk.triage.evaluation import calibration_table
from servicedesk.triage.starter import starter_models

POINTS = (0, 25, 50, 100, 200, 500, 1_000, 5_000)
SUBJECT_WORDS = 8


@dataclass
class Point:
    n: int
    macro_f1: float
    accuracy: float
    ece: float
    corrected_share: float
    corrected: int
    model_version: str
    n_train: int
    baseline_macro_f1: float | None = None


@dataclass(frozen=True, slots=True)
class Ticket:
    subject: str
    description: str
    label: str

    @property
    def text(self) -> str:
        return TicketText(self.subject, self.description).text


def as_ticket(text: str, label: str) -> Ticket:
    """The first words as the subject, the rest as the description (a subject alone
    when the text is short), as a requester would split it."""
    words = text.split()
    subject = " ".join(words[:SUBJECT_WORDS])[:255]
    description = " ".join(words[SUBJECT_WORDS:]) or subject
    return Ticket(subject, description, label)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Tenant:
    """The simulated tenant: an in-process server, its key, its database."""

    def __init__(self, database: Database, client: httpx.AsyncClient, tenant_id: Any) -> None:
        self.database = database
        self.client = client
        self.tenant_id = tenant_id

    async def create(self, ticket: Ticket) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/tickets",
            json={"subject": ticket.subject, "description": ticket.description},
        )
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    async def review(self, created: dict[str, Any], ticket: Ticket) -> bool:
        """The agent's turn: the right category if triage got it wrong, then resolved.
        True if the category had to be corrected."""
        wrong = created["category"] != ticket.label
        body: dict[str, Any] = {"status": "resolved"}
        if wrong:
            body["category"] = ticket.label
        response = await self.client.patch(f"/api/v1/tickets/{created['id']}", json=body)
        response.raise_for_status()
        return wrong

    async def retrain(self) -> int | None:
        """`servicedesk triage train`'s code; the new version, or None when there is
        nothing to train on yet (the starter model stays)."""
        try:
            record, _, _ = await training.train_and_activate(self.database, self.tenant_id)
        except training.TrainingError:
            return None
        return record.version

    async def model_in_use(self) -> tuple[model.CategoryModel, str, int]:
        record = await self.database.read(
            lambda session: triage.active_model_record(session, self.tenant_id)
        )
        if record is None:
            starter = starter_models()
            return starter.category, starter.version, starter.n_train
        return model.CategoryModel.from_bytes(record.model), f"v{record.version}", record.n_train


def score(
    category_model: model.CategoryModel, categories: Sequence[str], test: Sequence[Ticket]
) -> tuple[float, float, float]:
    """(macro-F1, accuracy, ECE) on `test` of the category and confidence create would
    give: `engine.best_allowed` itself, one ticket at a time (a few seconds per point)."""
    answers = [best_allowed(category_model, ticket.text, categories) for ticket in test]
    predicted = np.array([label or "" for label, _ in answers])
    confidence = np.array([probability for _, probability in answers])
    truth = np.array([ticket.label for ticket in test])
    ece, _ = calibration_table(confidence, predicted == truth)
    macro = f1_score(truth, predicted, average="macro", labels=sorted(set(truth)))
    return float(macro), float(accuracy_score(truth, predicted)), float(ece)


def baseline(train: Sequence[Ticket], test: Sequence[Ticket]) -> float | None:
    """Plain TF-IDF and a linear SVM on the same tickets: the reference curve."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    if len({ticket.label for ticket in train}) < 2:
        return None
    pipeline = make_pipeline(TfidfVectorizer(), LinearSVC())
    pipeline.fit([ticket.text for ticket in train], [ticket.label for ticket in train])
    predicted = pipeline.predict([ticket.text for ticket in test])
    truth = [ticket.label for ticket in test]
    return float(f1_score(truth, predicted, average="macro", labels=sorted(set(truth))))


async def simulate(args: argparse.Namespace, train: list[Ticket], test: list[Ticket]) -> dict:
    with tempfile.TemporaryDirectory(prefix="learning-") as folder:
        return await simulate_in(Path(folder), args, train, test)


async def simulate_in(
    data_dir: Path, args: argparse.Namespace, train: list[Ticket], test: list[Ticket]
) -> dict:
    """The tenant's life on a fresh embedded database in `data_dir`."""
    categories = sorted({ticket.label for ticket in train} | {ticket.label for ticket in test})
    descriptions = json.loads(args.descriptions.read_text()) if args.descriptions else {}
    settings = Settings(
        database_url=None,
        data_dir=data_dir,
        rate_limit_enabled=False,
        worker_embedded=False,
        log_level="WARNING",
    )
    migrate.upgrade(settings)
    database = Database(settings)
    app = create_app(settings)

    def make_tenant(session: Any) -> tuple[Any, str]:
        owner = auth.get_or_create_tenant(session, "learning")
        _, key = auth.create_api_key(session, owner, list(Scope), name="bench")
        return owner.id, key

    tenant_id, key = await database.write(make_tenant)
    points: list[Point] = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers={"X-API-Key": key}
        ) as client:
            tenant = Tenant(database, client, tenant_id)
            response = await client.put(
                "/api/v1/configuration/triage",
                json={"categories": categories, "category_descriptions": descriptions},
            )
            response.raise_for_status()
            every = sorted({*POINTS, *args.extra_points})
            wanted = [n for n in every if n <= min(args.max_tickets, len(train))]
            corrected = 0
            since_training = 0
            started = time.perf_counter()
            await tenant.retrain()
            for index in range(wanted[-1] + 1):
                if index in wanted:
                    if since_training:
                        await tenant.retrain()
                        since_training = 0
                    point = await measure(tenant, categories, test, index, corrected, train, args)
                    points.append(point)
                    elapsed = time.perf_counter() - started
                    log(
                        f"n={index:>5} macro-F1 {point.macro_f1:.3f} ECE {point.ece:.3f} "
                        f"corrected {point.corrected_share:.2f} ({elapsed:.0f} s)"
                    )
                if index == wanted[-1]:
                    break
                ticket = train[index]
                if await tenant.review(await tenant.create(ticket), ticket):
                    corrected += 1
                    since_training += 1
                    if since_training >= args.retrain_every:
                        await tenant.retrain()
                        since_training = 0
    await database.dispose()
    return {"points": [asdict(point) for point in points], "categories": categories}


async def measure(
    tenant: Tenant,
    categories: list[str],
    test: list[Ticket],
    n: int,
    corrected: int,
    train: list[Ticket],
    args: argparse.Namespace,
) -> Point:
    category_model, version, n_train = await tenant.model_in_use()
    macro, accuracy, ece = await asyncio.to_thread(score, category_model, categories, test)
    reference = None
    if not args.no_baseline and n > 0:
        reference = await asyncio.to_thread(baseline, train[:n], test)
    return Point(
        n=n,
        macro_f1=round(macro, 4),
        accuracy=round(accuracy, 4),
        ece=round(ece, 4),
        corrected_share=round(corrected / n, 4) if n else 0.0,
        corrected=corrected,
        model_version=version,
        n_train=n_train,
        baseline_macro_f1=round(reference, 4) if reference is not None else None,
    )


def ceiling(train: list[Ticket], test: list[Ticket], categories: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    trained = model.train([t.text for t in train], [t.label for t in train])
    seconds = time.perf_counter() - started
    macro, accuracy, ece = score(trained, categories, test)
    return {
        "n": len(train),
        "macro_f1": round(macro, 4),
        "accuracy": round(accuracy, 4),
        "ece": round(ece, 4),
        "train_seconds": round(seconds, 1),
    }


def chart(result: dict[str, Any], path: Path) -> None:
    """macro-F1 against tickets (log scale): ours, the reference and the ceiling."""
    width, height, left, bottom, top, right = 640, 380, 56, 44, 24, 150
    points = [p for p in result["points"] if p["n"] > 0]
    if not points:
        return
    most = max(p["n"] for p in points)
    span = np.log10(most) - np.log10(min(p["n"] for p in points))

    def x(n: int) -> float:
        offset = (np.log10(n) - np.log10(points[0]["n"])) / (span or 1)
        return float(left + offset * (width - left - right))

    def y(value: float) -> float:
        return top + (1 - value) * (height - top - bottom)

    def line(values: list[tuple[int, float]], colour: str, dash: str = "") -> str:
        coordinates = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in values)
        dots = "".join(
            f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>' for n, v in values
        )
        return (
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{dash}" points="{coordinates}"/>{dots}'
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#fff"/>'
    ]
    for tick in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#ddd"/><text x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end">'
            f"{tick:.1f}</text>"
        )
    labelled = -100.0
    for p in points:
        if x(p["n"]) - labelled < 40:  # too close to the last label to read
            continue
        labelled = x(p["n"])
        parts.append(
            f'<text x="{labelled:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{p['n']:,}</text>"
        )
    parts.append(
        f'<text x="{(left + width - right) / 2}" y="{height - 8}" text-anchor="middle">'
        "tickets arrived (log scale)</text>"
        f'<text x="14" y="{(top + height - bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {(top + height - bottom) / 2})">macro-F1 on held-out</text>'
    )
    series = [("servicedesk", "#1f6feb", "", [(p["n"], p["macro_f1"]) for p in points])]
    reference = [(p["n"], p["baseline_macro_f1"]) for p in points if p["baseline_macro_f1"]]
    if reference:
        series.append(("TF-IDF + SVM", "#999", "5 4", reference))
    if result.get("ceiling"):
        value = result["ceiling"]["macro_f1"]
        series.append(("all of train", "#2da44e", "2 3", [(points[0]["n"], value), (most, value)]))
    for index, (name, colour, dash, values) in enumerate(series):
        parts.append(line(values, colour, dash))
        legend_y = top + 16 + 18 * index
        parts.append(
            f'<line x1="{width - right + 12}" x2="{width - right + 36}" y1="{legend_y - 4}" '
            f'y2="{legend_y - 4}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
            f'<text x="{width - right + 42}" y="{legend_y}">{name}</text>'
        )
    parts.append("</svg>\n")
    path.write_text("".join(parts))


def table(result: dict[str, Any]) -> str:
    lines = [
        "| tickets | macro-F1 | accuracy | ECE | corrected so far | model | examples | "
        "TF-IDF + SVM |",
        "|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for p in result["points"]:
        reference = f"{p['baseline_macro_f1']:.3f}" if p["baseline_macro_f1"] else ""
        lines.append(
            f"| {p['n']:,} | {p['macro_f1']:.3f} | {p['accuracy']:.3f} | {p['ece']:.3f} | "
            f"{p['corrected']:,} ({p['corrected_share']:.1%}) | {p['model_version']} | "
            f"{p['n_train']:,} | {reference} |"
        )
    if result.get("ceiling"):
        c = result["ceiling"]
        lines.append(
            f"| all {c['n']:,} | {c['macro_f1']:.3f} | {c['accuracy']:.3f} | {c['ece']:.3f} | "
            f"| ceiling | {c['n']:,} | |"
        )
    return "\n".join(lines)


def read(path: Path, text_col: str, label_col: str) -> list[Ticket]:
    texts, labels = datasets.read_labelled(path, text_col, label_col)
    return [as_ticket(text, label) for text, label in zip(texts, labels, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-csv", type=Path, required=True)
    parser.add_argument("--test-csv", type=Path, required=True)
    parser.add_argument("--text-col", required=True)
    parser.add_argument("--label-col", required=True)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--retrain-every", type=int, default=25)
    parser.add_argument("--max-tickets", type=int, default=POINTS[-1])
    parser.add_argument(
        "--extra-points",
        type=lambda value: [int(n) for n in value.split(",") if n],
        default=[],
        help="more points of the curve, e.g. 2000,10000 (with --max-tickets)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--descriptions", type=Path)
    parser.add_argument("--chart", type=Path)
    parser.add_argument("--no-ceiling", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()

    train = read(args.train_csv, args.text_col, args.label_col)
    test = read(args.test_csv, args.text_col, args.label_col)
    random.Random(args.seed).shuffle(train)
    result = asyncio.run(simulate(args, train, test))
    if not args.no_ceiling:
        log(f"ceiling: training on all {len(train):,} tickets")
        result["ceiling"] = ceiling(train, test, result["categories"])
    result["seed"] = args.seed
    result["retrain_every"] = args.retrain_every
    if args.chart:
        chart(result, args.chart)
    if args.json:
        print(json.dumps(result))
    else:
        print(table(result))


if __name__ == "__main__":
    main()

"""Latency and throughput of the local triage engine, as a create request runs it.

    python bench/triage.py [--tickets N] [--articles N] [--csv FILE --text-col COL
                           [--label-col COL]]

One ticket at a time (as each create does): category, priority head and knowledge
match. Prints p50/p99 per ticket and tickets per second, for the starter model, and with
--csv --label-col also for a model trained on that file (as `triage train` would),
beside a knowledge base of --articles synthetic articles. Tickets come from --csv or,
without it, from the starter examples.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from servicedesk.triage import datasets, model
from servicedesk.triage.engine import LocalTriager, TicketText
from servicedesk.triage.knowledge import KnowledgeIndex, Source
from servicedesk.triage.starter import DEFAULT_CATEGORIES, examples, starter_models


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--label-col")
    args = parser.parse_args()

    rng = random.Random(7)
    if args.csv:
        texts, labels = datasets.read_labelled(
            args.csv, args.text_col, args.label_col or args.text_col
        )
    else:
        texts = [example.text for example in examples()]
        labels = [example.category for example in examples()]
    tickets = [rng.choice(texts) for _ in range(args.tickets)]
    knowledge = KnowledgeIndex(_articles(texts, args.articles, rng))

    started = time.perf_counter()
    starter = starter_models()
    print(f"starter model trained in {time.perf_counter() - started:.2f} s")
    _report(
        "starter",
        LocalTriager(
            starter.category, starter.priority, starter.version, DEFAULT_CATEGORIES, knowledge
        ),
        tickets,
    )
    if args.csv and args.label_col:
        started = time.perf_counter()
        trained = model.train(texts, labels)
        print(f"tenant model trained on {len(texts)} in {time.perf_counter() - started:.1f} s")
        tenant = LocalTriager(trained, starter.priority, "tenant", sorted(set(labels)), knowledge)
        _report("tenant model", tenant, tickets)


def _articles(texts: list[str], count: int, rng: random.Random) -> list[Source]:
    """Articles written around real ticket wording, so matches happen as in use."""
    return [
        Source(
            "kb_article",
            str(index),
            f"How to fix: {text[:60]}",
            f"{text} {rng.choice(texts)}",
            f"Steps that resolve: {text[:200]}",
            None,
        )
        for index, text in enumerate(rng.sample(texts, min(count, len(texts))))
    ]


def _report(name: str, triager: LocalTriager, tickets: list[str]) -> None:
    for text in tickets[:50]:  # warm caches and the allocator
        triager.triage(TicketText(text, text))
    latencies = []
    matched = 0
    started = time.perf_counter()
    for text in tickets:
        one = time.perf_counter()
        result = triager.triage(TicketText(text[:255], text))
        latencies.append((time.perf_counter() - one) * 1000)
        matched += result.suggested_response is not None
    total = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"{name:<14} {len(tickets)} tickets: p50 {statistics.median(latencies):.2f} ms  "
        f"p99 {p99:.2f} ms  {len(tickets) / total:,.0f} tickets/s (one core)  "
        f"with a suggestion: {matched / len(tickets):.0%}"
    )


if __name__ == "__main__":
    main()

"""How often the suggested reply fits: retrieval over the Tobi Bueck sample tickets.

    python bench/retrieval.py DIR   (DIR: ../shared/datasets/tobi_bueck_support_tickets_sample)

The three files take turns: the English tickets of two are indexed as agents' replies
(as `servicedesk.triage.knowledge` indexes them), the third's tickets are the queries.
For each query the best source above the match threshold is the suggestion; we count
how often it comes from a ticket of the same queue, of the same type, and of both, and
compare with chance (two random tickets sharing a queue). Two ways of indexing: by the
answered ticket's text (what the service does) and by the answer's own text.
CC-BY-NC data: used here to measure, never shipped or committed.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

from servicedesk.triage.knowledge import KnowledgeIndex, Source

# Match-score bands, highest first (the engine's threshold is 0.12, full match 0.35).
BANDS = (("≥0.35", 0.35), ("0.20–0.35", 0.20), ("0.12–0.20", 0.0))


def read(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        width = len(reader.fieldnames or [])
        return [
            row
            for row in reader
            if len(row) == width and None not in row.values() and row["language"] == "en"
        ]


def chance(rows: list[dict[str, str]], key: str) -> float:
    counts = Counter(row[key] for row in rows)
    total = sum(counts.values())
    return sum((n / total) ** 2 for n in counts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    args = parser.parse_args()
    files = sorted(args.dir.glob("*.csv"))
    tables = {path.name: read(path) for path in files}
    print(
        f"{'indexed by':<12} {'queries':<46} {'n':>5} {'answered':>9} {'queue':>6} "
        f"{'type':>6} {'both':>6} {'chance q':>9}"
    )
    for by in ("ticket", "answer"):
        totals: Counter[str] = Counter()
        for query_name, queries in tables.items():
            indexed = [row for name, rows in tables.items() if name != query_name for row in rows]
            index = KnowledgeIndex(
                [
                    Source(
                        "ticket",
                        str(i),
                        row["subject"],
                        f"{row['subject']} {row['body']}" if by == "ticket" else row["answer"],
                        row["answer"],
                        None,
                    )
                    for i, row in enumerate(indexed)
                ]
            )
            counts: Counter[str] = Counter()
            for row in queries:
                match = index.best_match(f"{row['subject']}\n{row['body']}", None)
                counts["n"] += 1
                if match is None:
                    continue
                source = indexed[int(match.source.id)]
                counts["answered"] += 1
                counts["queue"] += source["queue"] == row["queue"]
                counts["type"] += source["type"] == row["type"]
                counts["both"] += source["queue"] == row["queue"] and source["type"] == row["type"]
                band = next(name for name, low in BANDS if match.score >= low)
                counts[f"n {band}"] += 1
                counts[f"queue {band}"] += source["queue"] == row["queue"]
            totals.update(counts)
            answered = max(counts["answered"], 1)
            print(
                f"{by:<12} {query_name:<46} {counts['n']:>5} "
                f"{counts['answered'] / counts['n']:>9.1%} {counts['queue'] / answered:>6.1%} "
                f"{counts['type'] / answered:>6.1%} {counts['both'] / answered:>6.1%} "
                f"{chance(indexed, 'queue'):>9.1%} {chance(indexed, 'type'):>9.1%}"
            )
        answered = max(totals["answered"], 1)
        by_band = "  ".join(
            f"score {name}: {totals[f'queue {name}'] / max(totals[f'n {name}'], 1):.1%} "
            f"same queue of {totals[f'n {name}']}"
            for name, _ in BANDS
        )
        print(f"{'':<12} {by_band}")
        print(
            f"{by:<12} {'all three':<46} {totals['n']:>5} "
            f"{totals['answered'] / totals['n']:>9.1%} {totals['queue'] / answered:>6.1%} "
            f"{totals['type'] / answered:>6.1%} {totals['both'] / answered:>6.1%}"
        )


if __name__ == "__main__":
    main()

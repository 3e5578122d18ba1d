"""Reading labelled tickets from CSV files (any column names)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path


class DatasetError(ValueError):
    """A CSV that cannot serve as labelled tickets; the message says why."""


def read_labelled(path: Path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    """The (texts, labels) of a CSV; rows with an empty text or label are skipped."""
    csv.field_size_limit(sys.maxsize)
    texts: list[str] = []
    labels: list[str] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {text_column, label_column} - set(reader.fieldnames or [])
        if missing:
            raise DatasetError(
                f"{path}: no column {', '.join(sorted(missing))} "
                f"(columns: {', '.join(reader.fieldnames or [])})"
            )
        for row in reader:
            text, label = (row[text_column] or "").strip(), (row[label_column] or "").strip()
            if text and label:
                texts.append(text)
                labels.append(label)
    if not texts:
        raise DatasetError(f"{path}: no labelled rows")
    return texts, labels

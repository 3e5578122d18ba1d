"""Split a labelled CSV into stratified train and test files, for `servicedesk triage eval`.

    python bench/split_csv.py FILE --label-col COL [--test 0.2] [--seed 42] [--out DIR]

Writes DIR/train.csv and DIR/test.csv (default DIR: a new temporary directory) with the
same columns, each label split in the same proportion, and prints both paths.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from collections import defaultdict
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--label-col", required=True)
    parser.add_argument("--test", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    csv.field_size_limit(sys.maxsize)
    with args.file.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        by_label: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in reader:
            by_label[row[args.label_col]].append(row)
    rng = random.Random(args.seed)
    train: list[dict[str, str]] = []
    test: list[dict[str, str]] = []
    for label in sorted(by_label):
        rows = by_label[label]
        rng.shuffle(rows)
        cut = round(len(rows) * args.test)
        test += rows[:cut]
        train += rows[cut:]
    out = args.out or Path(tempfile.mkdtemp(prefix="split-"))
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("train.csv", train), ("test.csv", test)):
        with (out / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        print(out / name, len(rows))


if __name__ == "__main__":
    main()

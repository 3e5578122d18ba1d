"""The starter model every tenant begins with: trained from the labelled examples that
ship with the package (`data/starter_examples.csv`, written for this project over the
default IT taxonomy), once per process, on first use.

It has two heads: the category and a suggested priority. A tenant that trains its own
model (`servicedesk triage train`) replaces the category head; the priority head stays.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
from dataclasses import dataclass
from importlib import resources

from servicedesk.triage import model

DEFAULT_CATEGORIES = (
    "Network",
    "Hardware",
    "Software",
    "Access Management",
    "Email",
    "Printing",
    "Security",
    "Other",
)
EXAMPLES_FILE = "starter_examples.csv"


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    category: str
    priority: str


@dataclass(frozen=True, slots=True)
class StarterModels:
    category: model.CategoryModel
    priority: model.CategoryModel
    version: str  # a digest of the examples: the same file trains the same model
    n_train: int


def examples() -> list[Example]:
    text = resources.files("servicedesk.triage.data").joinpath(EXAMPLES_FILE).read_text("utf-8")
    return [
        Example(row["text"], row["category"], row["priority"])
        for row in csv.DictReader(io.StringIO(text, newline=""))
    ]


@functools.cache
def starter_models() -> StarterModels:
    """Trained on first call (about a second), then shared by the whole process."""
    rows = examples()
    texts = [row.text for row in rows]
    digest = hashlib.sha256(
        "\n".join(f"{r.text}\t{r.category}\t{r.priority}" for r in rows).encode()
    )
    return StarterModels(
        category=model.train(texts, [row.category for row in rows]),
        priority=model.train(texts, [row.priority for row in rows], words_only=True),
        version=f"starter-{digest.hexdigest()[:12]}",
        n_train=len(rows),
    )

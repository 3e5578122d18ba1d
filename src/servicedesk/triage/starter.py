"""The starter model every tenant begins with: trained from the labelled examples that
ship with the package (`data/starter_examples.csv`, written for this project over the
default IT taxonomy), once per process. A server saves it under its data directory
(`cache/`, named by the examples' digest and the scikit-learn version) and loads it from
there at the next start instead of training again; it does so in the background, and
reports ready (`/readyz`) once the models are loaded.

It has two heads: the category and a suggested priority. A tenant that trains its own
model (`servicedesk triage train`) replaces the category head; the priority head stays.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import struct
import tempfile
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from servicedesk.logs import get_logger

if TYPE_CHECKING:  # numpy and scikit-learn: imported when the model is loaded
    from servicedesk.triage import model

log = get_logger(__name__)

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


class _Loaded:
    """The process's starter models, made once even when several threads ask at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.models: StarterModels | None = None


_loaded = _Loaded()


def starter_models(cache_dir: Path | None = None) -> StarterModels:
    """The process's starter models: loaded from `cache_dir` when a start before saved
    them there, else trained (a fraction of a second) and saved there; then shared."""
    models = _loaded.models
    if models is not None:
        return models
    with _loaded.lock:
        if _loaded.models is None:
            _loaded.models = _load_or_train(cache_dir)
        return _loaded.models


def is_loaded() -> bool:
    """Whether `starter_models()` answers without loading or training."""
    return _loaded.models is not None


def _load_or_train(cache_dir: Path | None) -> StarterModels:
    from servicedesk.triage import model

    rows = examples()
    version = _version(rows)
    saved = _saved_path(cache_dir, version) if cache_dir is not None else None
    if saved is not None and saved.exists():
        try:
            return _load(saved, version, len(rows))
        except Exception as error:  # unreadable or from an incompatible build: retrain
            log.warning("starter_model_unreadable", path=str(saved), error=type(error).__name__)
    texts = [row.text for row in rows]
    models = StarterModels(
        category=model.train(texts, [row.category for row in rows]),
        priority=model.train(texts, [row.priority for row in rows], words_only=True),
        version=version,
        n_train=len(rows),
    )
    if saved is not None:
        _save(saved, models)
    return models


def _version(rows: list[Example]) -> str:
    """A digest of the examples: the same file trains the same model."""
    digest = hashlib.sha256(
        "\n".join(f"{r.text}\t{r.category}\t{r.priority}" for r in rows).encode()
    )
    return f"starter-{digest.hexdigest()[:12]}"


def _saved_path(cache_dir: Path, version: str) -> Path:
    import sklearn  # a pickle is only read back by the scikit-learn that wrote it

    return cache_dir / f"{version}-sklearn-{sklearn.__version__}.bin"


def _load(path: Path, version: str, n_train: int) -> StarterModels:
    from servicedesk.triage import model

    data = path.read_bytes()
    (length,) = _LENGTH.unpack_from(data)
    start = _LENGTH.size
    return StarterModels(
        category=model.CategoryModel.from_bytes(data[start : start + length]),
        priority=model.CategoryModel.from_bytes(data[start + length :]),
        version=version,
        n_train=n_train,
    )


_LENGTH = struct.Struct(">Q")  # the saved file: category's length, category, priority


def _save(path: Path, models: StarterModels) -> None:
    """Written whole or not at all (temporary file, then rename): a server starting
    beside this one reads either no file or a complete one."""
    category = models.category.to_bytes()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".starter-")
        with os.fdopen(handle, "wb") as out:
            out.write(_LENGTH.pack(len(category)) + category + models.priority.to_bytes())
        os.replace(temporary, path)
    except OSError as error:  # a read-only data directory: train at every start
        log.warning("starter_model_not_saved", path=str(path), error=type(error).__name__)

"""A server answers before its triage model loads: scikit-learn is not imported with the
app, the starter model is loaded in the background (from the copy an earlier start
saved), `/readyz` says "starting" until then, and a create meanwhile waits for it (or,
past a bound, is stored at once and triaged in the background)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from servicedesk.triage import model, starter
from servicedesk.triage import service as triage_service
from tests.conftest import SEED_CREATE, Drain


def test_importing_the_app_imports_no_scikit_learn_numpy_or_alembic() -> None:
    probe = "import sys, servicedesk.app, servicedesk.cli; print(sorted(m for m in "
    probe += "('sklearn', 'scipy', 'joblib', 'numpy', 'alembic') if m in sys.modules))"
    imported = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert imported == "[]"


class Loading:
    """The starter model still loading: whoever asks for it waits until `finish()`."""

    def __init__(self) -> None:
        self.models = starter.starter_models()
        self.state = starter._Loaded()
        self.state.lock.acquire()
        self.finished = False

    def finish(self) -> None:
        if not self.finished:
            self.finished = True
            self.state.models = self.models
            self.state.lock.release()


@pytest.fixture
def loading(monkeypatch: pytest.MonkeyPatch) -> Iterator[Loading]:
    still = Loading()
    monkeypatch.setattr(starter, "_loaded", still.state)
    try:
        yield still
    finally:
        still.finish()


async def test_a_starting_server_answers_and_a_create_waits_for_the_model(
    loading: Loading, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    alive = await client.get("/healthz")
    ready_while_loading = await client.get("/readyz")
    listed = await client.get("/api/v1/tickets", headers=headers)
    creating = asyncio.create_task(
        client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)
    )
    await asyncio.sleep(0.3)
    waited = not creating.done()
    loading.finish()
    created = await creating
    ready = await client.get("/readyz")

    assert alive.status_code == 200
    assert listed.status_code == 200
    assert ready_while_loading.status_code == 503
    assert ready_while_loading.json() == {"status": "starting", "detail": "triage model loading"}
    assert waited
    assert created.status_code == 201
    assert created.json()["category"] == "Network"
    assert ready.status_code == 200


async def test_a_create_that_waited_too_long_for_the_model_is_triaged_in_the_background(
    loading: Loading,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    drained: Drain,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(triage_service, "STARTER_WAIT_SECONDS", 0.1)

    created = await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)
    loading.finish()
    await drained()
    ticket = await client.get(f"/api/v1/tickets/{created.json()['id']}", headers=headers)

    assert created.status_code == 201
    assert created.json()["category"] is None
    assert ticket.json()["category"] == "Network"


def test_the_starter_model_is_saved_once_and_loaded_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trained = starter._load_or_train(tmp_path)
    saved = list(tmp_path.iterdir())

    def no_training(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("trained again")

    monkeypatch.setattr(model, "train", no_training)
    loaded = starter._load_or_train(tmp_path)

    assert [path.name for path in saved] == [path.name for path in tmp_path.iterdir()]
    assert len(saved) == 1
    assert saved[0].name.startswith(trained.version)
    assert loaded.version == trained.version
    assert loaded.n_train == trained.n_train
    texts = ["printer jammed on floor 3", "cannot log in to vpn"]
    for head in ("category", "priority"):
        np.testing.assert_allclose(
            getattr(loaded, head).probabilities(texts), getattr(trained, head).probabilities(texts)
        )


def test_an_unreadable_saved_model_is_trained_again_and_replaced(tmp_path: Path) -> None:
    first = starter._load_or_train(tmp_path)
    (saved,) = tmp_path.iterdir()
    saved.write_bytes(b"\x00\x00\x00\x00\x00\x00\x00\x05junk!")

    again = starter._load_or_train(tmp_path)

    assert again.category.labels == first.category.labels
    assert starter._load_or_train(tmp_path).version == first.version
    assert saved.read_bytes() != b"\x00\x00\x00\x00\x00\x00\x00\x05junk!"

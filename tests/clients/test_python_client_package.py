"""clients/python as a package: generated from today's document by the pinned generator,
installable with pip from the repository, typed, and the example program clean under
`mypy --strict`."""

from __future__ import annotations

import enum
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import servicedesk_client.models

ROOT = Path(__file__).parents[2]
CLIENT = ROOT / "clients" / "python"
GENERATED_MARKERS = ("api/tickets/create_ticket.py", "models/ticket_out.py", "client.py")


def test_the_checked_in_client_is_generated_from_todays_document() -> None:
    """Fails after a change to the API until `make client` is run and committed."""
    result = subprocess.run(
        [sys.executable, str(CLIENT / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_document_gives_short_names_and_one_class_per_enum() -> None:
    document = json.loads((CLIENT / "openapi.json").read_text())
    operations = [
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    ]
    assert all(len(name) <= 25 and "api_v1" not in name for name in operations), operations
    # No enum generated twice under other names (a status enum per model, say).
    enums = [
        member
        for member in vars(servicedesk_client.models).values()
        if isinstance(member, type) and issubclass(member, enum.Enum)
    ]
    value_sets = [frozenset(item.value for item in kind) for kind in enums]
    assert len(value_sets) == len(set(value_sets)), sorted(kind.__name__ for kind in enums)
    assert {"TicketStatus", "TicketPriority", "TicketEventType"} <= {k.__name__ for k in enums}


def test_the_package_installs_with_pip_from_the_repository(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), CLIENT],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("servicedesk_client-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "servicedesk_client/py.typed" in names
    for marker in GENERATED_MARKERS:
        assert f"servicedesk_client/{marker}" in names
    assert "servicedesk_client/paging.py" in names

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            wheel,
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import servicedesk_client; print(servicedesk_client.__file__)"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(target))


@pytest.mark.parametrize(
    "target", ["examples/integrator.py", "src/servicedesk_client"], ids=["example", "package"]
)
def test_mypy_strict_accepts_the_client_and_the_example(target: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "mypy"),
            target,
        ],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

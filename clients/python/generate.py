"""Regenerate servicedesk_client's generated parts from the service's OpenAPI document.

    python clients/python/generate.py           # write openapi.json and the generated code
    python clients/python/generate.py --check   # exit 1, naming the files, when either is stale

The document comes from `servicedesk openapi` (the app itself, no server needed); the
code from the pinned openapi-python-client in .venv/generator (`make install` makes it).
Only GENERATED is replaced: the hand-written modules beside it (connection, paging,
results, webhooks, idempotency, `__init__`, py.typed) are never touched.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PACKAGE = HERE / "src" / "servicedesk_client"
DOCUMENT = HERE / "openapi.json"
CONFIG = HERE / "generator" / "config.yaml"
GENERATOR_BIN = ROOT / ".venv" / "generator" / "bin"
GENERATED = ("api", "models", "client.py", "errors.py", "types.py")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Report staleness, write nothing")
    args = parser.parse_args()
    document = openapi_document()
    with tempfile.TemporaryDirectory() as scratch:
        generated = generate(document, Path(scratch))
        if args.check:
            stale = stale_files(document, generated)
            for name in stale:
                print(f"stale: {name}", file=sys.stderr)
            if stale:
                print("run `make client` and commit the result", file=sys.stderr)
            return 1 if stale else 0
        DOCUMENT.write_text(document)
        replace_generated(generated)
    return 0


def openapi_document() -> str:
    command = [sys.executable, "-m", "servicedesk", "openapi"]
    # The document is the same whatever the settings; quiet logs keep stdout pure JSON.
    env = {**os.environ, "SERVICEDESK_LOG_LEVEL": "error"}
    return subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout


def generate(document: str, scratch: Path) -> Path:
    """The generator's package for `document`, built under `scratch`."""
    generator = GENERATOR_BIN / "openapi-python-client"
    if not generator.exists():
        raise SystemExit(f"{generator} is missing: run `make install`")
    source = scratch / "openapi.json"
    source.write_text(json_bodies_only(document))
    output = scratch / "servicedesk_client"
    env = {**os.environ, "PATH": f"{GENERATOR_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [str(generator), "generate", "--path", str(source), "--config", str(CONFIG)]
    command += ["--meta", "none", "--output-path", str(output)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    # The generator answers 0 even when it skipped an operation; a warning is a failure.
    if result.returncode != 0 or "Warning" in result.stdout + result.stderr:
        raise SystemExit(f"openapi-python-client failed:\n{result.stdout}{result.stderr}")
    return output


def json_bodies_only(document: str) -> str:
    """`document` without the multipart alternative of a body that is also JSON (a note
    with files): for such a union, openapi-python-client 0.29.1 writes code that uses
    `Unset` without importing it. The generated call sends JSON; files go with httpx's
    own `files=` on the client's httpx client (README)."""
    parsed = json.loads(document)
    for path in parsed["paths"].values():
        for operation in path.values():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                content.pop("multipart/form-data", None)
    return json.dumps(parsed, indent=2)


def stale_files(document: str, generated: Path) -> list[str]:
    stale = [] if _read(DOCUMENT) == document else [str(DOCUMENT.relative_to(ROOT))]
    for name in GENERATED:
        stale += [str((PACKAGE / path).relative_to(ROOT)) for path in _differing(generated, name)]
    return stale


def _differing(generated: Path, name: str) -> list[Path]:
    """Paths under `name` that the fresh generation and the checked-in package disagree on."""
    fresh, current = generated / name, PACKAGE / name
    if fresh.is_file() or current.is_file():
        same = fresh.is_file() and current.is_file() and filecmp.cmp(fresh, current, False)
        return [] if same else [Path(name)]
    names = {p.relative_to(generated) for p in fresh.rglob("*.py")}
    names |= {p.relative_to(PACKAGE) for p in current.rglob("*.py")}
    return sorted(
        path
        for path in names
        if not (generated / path).is_file()
        or not (PACKAGE / path).is_file()
        or not filecmp.cmp(generated / path, PACKAGE / path, False)
    )


def replace_generated(generated: Path) -> None:
    for name in GENERATED:
        target = PACKAGE / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        source = generated / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)


def _read(path: Path) -> str | None:
    return path.read_text() if path.exists() else None


if __name__ == "__main__":
    sys.exit(main())

"""The house rules of `src/servicedesk`, checked by reading its source (docs/architecture.md):

- no package imports a package that imports it back (top-level modules count as packages
  of their own; Alembic's migration scripts, run by Alembic and imported by nothing, aside);
- no module over MAX_LINES lines (migrations aside);
- no SQL statement built or executed outside the `repository.py` modules (or the
  modules of a `repository/` package) and `db/`
  (`models.py` may use `text()` in its schema: server defaults, partial indexes).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "servicedesk"
MAX_LINES = 500
STATEMENT_BUILDERS = frozenset({"select", "insert", "update", "delete", "text"})
EXECUTORS = frozenset({"execute"})


def modules() -> Iterator[Path]:
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" not in path.relative_to(SOURCE).parts:
            yield path


def package_of(path: Path) -> str:
    """The first name under `servicedesk`: a package, or a top-level module."""
    return path.relative_to(SOURCE).with_suffix("").parts[0]


def module_name(path: Path) -> str:
    parts = ("servicedesk", *path.relative_to(SOURCE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, tree: ast.Module) -> Iterator[str]:
    """Every `servicedesk.*` name the module imports, at any depth (a function's lazy
    import and a TYPE_CHECKING import are imports too)."""
    own = module_name(path).split(".")
    package = own if path.name == "__init__.py" else own[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def internal_package(name: str) -> str | None:
    """The package (or top-level module) of `servicedesk` that `name` is in, if any."""
    parts = name.split(".")
    if parts[0] != "servicedesk" or len(parts) < 2:
        return None
    exists = (SOURCE / parts[1]).is_dir() or (SOURCE / f"{parts[1]}.py").is_file()
    return parts[1] if exists else None


def package_imports() -> dict[tuple[str, str], set[str]]:
    """(importing package, imported package) → the modules that import so."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in modules():
        source = package_of(path)
        for name in imported(path, ast.parse(path.read_text(), str(path))):
            target = internal_package(name)
            if target is not None and target != source:
                edges[(source, target)].add(str(path.relative_to(SOURCE)))
    return edges


def test_no_package_imports_a_package_that_imports_it_back() -> None:
    edges = package_imports()
    pairs = sorted({tuple(sorted(pair)) for pair in edges if pair[::-1] in edges})
    found = [f"{a} ↔ {b}: {sorted(edges[(a, b)])} / {sorted(edges[(b, a)])}" for a, b in pairs]
    assert not found, "\n".join(found)


def test_the_walk_sees_imports() -> None:
    """The check above can fail: it sees the imports everyone knows are there."""
    edges = package_imports()
    assert ("tickets", "db") in edges
    assert ("composition", "tickets") in edges
    assert ("tickets", "composition") not in edges


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {path: len(path.read_text().splitlines()) for path in modules()}
    over = {str(path.relative_to(SOURCE)): lines for path, lines in sizes.items()}
    over = {name: lines for name, lines in over.items() if lines > MAX_LINES}
    assert not over, f"over {MAX_LINES} lines: {over}"


def sql_outside_repositories(path: Path) -> list[str]:
    """`select(` / `insert(` / `update(` / `delete(` / `text(` of SQLAlchemy's, and
    `.execute(`, where the module may not build or run SQL."""
    tree = ast.parse(path.read_text(), str(path))
    builders = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy")
        for alias in node.names
        if alias.name in STATEMENT_BUILDERS
    }
    if path.name == "models.py":
        builders.discard("text")  # a schema's server defaults and partial indexes
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = node.func
        if isinstance(called, ast.Name) and called.id in builders:
            found.append(f"{called.id}( at line {node.lineno}")
        elif isinstance(called, ast.Attribute) and called.attr in EXECUTORS:
            found.append(f".{called.attr}( at line {node.lineno}")
    return found


def may_hold_sql(path: Path) -> bool:
    """A `repository.py`, a module of a `repository/` package, or `db/`."""
    parts = path.relative_to(SOURCE).parts
    return path.name == "repository.py" or "repository" in parts[:-1] or parts[0] == "db"


def test_every_sql_statement_is_in_a_repository_or_db() -> None:
    found = {
        str(path.relative_to(SOURCE)): sql
        for path in modules()
        if not may_hold_sql(path) and (sql := sql_outside_repositories(path))
    }
    assert not found, found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from sqlalchemy import select\nselect(1)\n", ["select( at line 2"]),
        ("from sqlalchemy import update as u\nu(t)\n", ["u( at line 2"]),
        ("session.execute(x)\n", [".execute( at line 1"]),
        ("from somewhere import select\nselect(1)\n", []),
    ],
)
def test_the_sql_walk_sees_statements(tmp_path: Path, source: str, expected: list[str]) -> None:
    module = tmp_path / "service.py"
    module.write_text(source)
    assert sql_outside_repositories(module) == expected


# Where a running app's parts are reached: the factory that puts them there, the
# composition root, and the modules of FastAPI dependencies that hand them to routes.
WIRING = frozenset({"app.py", "composition.py", "db/session.py", "http.py"})


def reads_of_app_state(path: Path) -> list[int]:
    """The lines where the module reads `….app.state` (or `app.state`)."""
    tree = ast.parse(path.read_text(), str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "state"
        and (
            (isinstance(node.value, ast.Attribute) and node.value.attr == "app")
            or (isinstance(node.value, ast.Name) and node.value.id == "app")
        )
    ]


def test_only_the_wiring_reads_the_apps_state() -> None:
    """Routes, console pages included, take their parts as `Annotated` dependencies
    (DatabaseDep, TicketsDep, SettingsDep, ...), never from `request.app.state`."""
    found = {
        name: lines
        for path in modules()
        if (name := str(path.relative_to(SOURCE))) not in WIRING
        and path.name != "dependencies.py"
        and (lines := reads_of_app_state(path))
    }
    assert not found, found

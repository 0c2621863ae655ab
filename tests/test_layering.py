"""The sandbox and the student side (and what they share: the wire, the course) know nothing
of grading, reports or pytest.

``grader.student`` runs next to the student's code and ``grader.sandbox`` carries requests to
it, in the ``grader.wire`` language, with ``grader.course``'s settings; what a result is, how it
is scored and shown, and the pytest machinery that runs graders belong to ``grader.grading``
and ``grader.reports``. A dependency the other way would let a change in results or reports
reach code that runs in (or next to) the student's process.

Two checks: every import statement of those packages, followed through the grader's own
modules (also imports inside functions, which a plain import does not execute), and a fresh
interpreter that imports each module (which also sees what third-party imports pull in).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from importlib.util import resolve_name
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "grader"
LAYERS = ("sandbox", "student", "wire", "course")
FORBIDDEN = ("grader.grading", "grader.reports", "pytest", "_pytest")
# Importing the zygote module *is* starting a zygote (it enters namespaces, forks and warms
# TensorFlow up): its imports are checked statically only.
STARTS_A_PROCESS = {"grader.sandbox.zygote"}


def layer_modules() -> list[str]:
    return sorted(
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for layer in LAYERS
        for path in (PACKAGE / layer).glob("*.py")
    )


def forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def module_file(name: str) -> Path | None:
    """The file of one of the grader's own modules, or None (a name inside a module)."""
    parts = name.split(".")
    if parts[0] != "grader":
        return None
    base = PACKAGE.parent.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def imported_names(name: str) -> tuple[str, ...]:
    """Every module ``name`` imports anywhere in its source, with the packages that executes."""
    path = module_file(name)
    if path is None:
        return ()
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            package = name if path.name == "__init__.py" else name.rpartition(".")[0]
            module = resolve_name("." * node.level + (node.module or ""), package)
            found.append(module)
            found.extend(
                f"{module}.{alias.name}"
                for alias in node.names
                if module_file(f"{module}.{alias.name}") is not None
            )
    parents = {".".join(n.split(".")[:i]) for n in found for i in range(1, n.count(".") + 1)}
    return tuple(sorted(set(found) | parents))


def forbidden_chain(start: str) -> list[str] | None:
    """The import path from ``start`` to a forbidden module, through grader modules, or None."""
    seen = {start}
    queue: list[list[str]] = [[start]]
    while queue:
        chain = queue.pop(0)
        for name in imported_names(chain[-1]):
            if forbidden(name):
                return [*chain, name]
            if name not in seen and module_file(name) is not None:
                seen.add(name)
                queue.append([*chain, name])
    return None


@pytest.mark.parametrize("module", layer_modules())
def test_no_import_statement_reaches_grading_reports_or_pytest(module: str) -> None:
    chain = forbidden_chain(module)
    assert chain is None, " → ".join(chain or [])


_PROBE = """
import importlib, sys, traceback

FORBIDDEN = {forbidden!r}

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
            raise ImportError(f"layering: {{name}} imported")

sys.meta_path.insert(0, Refuse())
problems = []
for module in sys.argv[1:]:
    try:
        importlib.import_module(module)
    except ImportError as exc:
        if "layering:" not in str(exc):
            raise
        problems.append(f"{{module}}: {{exc}}\\n" + "".join(traceback.format_exc(limit=-4)))
    loaded = sorted(n for n in sys.modules if any(n == f or n.startswith(f + ".") for f in FORBIDDEN))
    if loaded:
        problems.append(f"{{module}}: loaded {{loaded}}")
print("\\n".join(problems) or "ok")
"""


def test_importing_each_module_loads_no_grading_reports_or_pytest() -> None:
    modules = [m for m in layer_modules() if m not in STARTS_A_PROCESS]
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(forbidden=FORBIDDEN), *modules],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PACKAGE.parent,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stdout.strip() == "ok", result.stdout[-4000:]

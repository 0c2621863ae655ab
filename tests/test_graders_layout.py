"""The graders' layout keeps its promises: test modules share code only through helper modules,
the shipped folders name nothing that only hidden tests use, and one function reads what a
grader test declares about itself."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from grader.course.messages import Msg
from grader.graders.meta import TestMeta, test_meta

GRADERS = Path(__file__).resolve().parent.parent / "grader" / "graders"
TEST_MODULES = sorted([*GRADERS.glob("public/test_*.py"), *GRADERS.glob("hidden/test_*.py")])


def _is_hidden(path: Path) -> bool:
    return "hidden" in path.relative_to(GRADERS).parts


def _imported_modules(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _defined_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(GRADERS.parent.parent).with_suffix("").parts)


def _uses(path: Path, tree: ast.AST) -> set[tuple[str, str]]:
    """``(module, name)`` pairs the file reads: its own names, names imported from a module,
    and attributes of an imported module (``ref.X``)."""
    own = _module_name(path)
    aliases: dict[str, str] = {}  # local name -> module it stands for
    uses = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                uses.add((node.module, alias.name))
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            uses.add((own, node.id))
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            uses.add((aliases[node.value.id], node.attr))
    return uses


def test_test_modules_share_code_only_through_helper_modules():
    """A hidden test module importing from a public one makes the public module a library
    whose every edit may change hidden verdicts; shared checks live in helper modules."""
    assert TEST_MODULES
    offenders = []
    for path in TEST_MODULES:
        for module in _imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            parts = module.split(".")
            if any(part.startswith("test_") for part in parts) or module.startswith(
                "grader.graders.public"
            ):
                offenders.append(f"{path.relative_to(GRADERS)} imports {module}")
    assert not offenders, "\n".join(offenders)


def test_shipped_graders_name_nothing_only_hidden_tests_use():
    """Everything outside ``hidden/`` ships to students: a name defined there that no shipped
    code uses, but a hidden test does (a hidden data placement, a hidden method), reveals a
    hidden input and belongs in ``hidden/``."""
    shipped = [p for p in GRADERS.rglob("*.py") if not _is_hidden(p)]
    hidden = [p for p in GRADERS.rglob("*.py") if _is_hidden(p)]
    uses = {p: _uses(p, ast.parse(p.read_text(encoding="utf-8"))) for p in [*shipped, *hidden]}
    used_shipped = set().union(*(uses[p] for p in shipped))
    used_hidden = set().union(*(uses[p] for p in hidden))
    leaks = [
        f"{path.relative_to(GRADERS)}: {name}"
        for path in shipped
        for name in sorted(_defined_names(ast.parse(path.read_text(encoding="utf-8"))))
        if (_module_name(path), name) in used_hidden - used_shipped
    ]
    assert not leaks, "\n".join(leaks)


def test_only_the_meta_module_reads_the_grader_markers():
    """The plugin's records and the notebook build's cell points must split an exercise the
    same way: both read a test's declaration through ``test_meta``, nothing else reads it."""
    package = GRADERS.parent
    readers = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "get_closest_marker(" in path.read_text(encoding="utf-8") and path != GRADERS / "meta.py"
    ]
    assert not readers, readers


class _Recorder:
    def __init__(self) -> None:
        self.metas: dict[str, TestMeta] = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.metas = {item.nodeid: test_meta(item) for item in items}


def test_test_meta_reads_weight_title_visibility_gpu_and_exercise(tmp_path):
    package = tmp_path / "course_graders"
    for folder in (package, package / "public", package / "hidden"):
        folder.mkdir()
        (folder / "__init__.py").write_text("", encoding="utf-8")
    (package / "hidden" / "test_ex09_demo.py").write_text(
        textwrap.dedent("""
            import pytest
            from grader.graders.meta import points

            EXERCISE = "ex09_demo"

            @pytest.mark.gpu
            @points(2.5, "제목", "title")
            def test_declared():
                pass
        """),
        encoding="utf-8",
    )
    (package / "public" / "test_ex09_demo.py").write_text(
        'EXERCISE = "ex09_demo"\n\n\ndef test_bare():\n    pass\n', encoding="utf-8"
    )
    recorder = _Recorder()
    args = ["--collect-only", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
            "-c", str(tmp_path / "none.ini"), str(package)]  # fmt: skip
    (tmp_path / "none.ini").write_text("[pytest]\n", encoding="utf-8")
    assert pytest.main(args, plugins=[recorder]) == pytest.ExitCode.OK
    assert {nodeid.rsplit("::", 1)[1]: meta for nodeid, meta in recorder.metas.items()} == {
        "test_declared": TestMeta("ex09_demo", Msg("제목", "title"), 2.5, "hidden", True),
        "test_bare": TestMeta("ex09_demo", Msg("test_bare", "test_bare"), 1.0, "public", False),
    }


def test_notebook_cell_weights_are_the_sums_of_test_meta():
    """The notebook build splits each exercise's points by the weights ``test_meta`` reads,
    GPU tests apart, exactly as the plugin records them."""
    from grader.build.notebooks import collect_weights
    from grader.course.exercises import EXERCISE_IDS
    from grader.grading.runner import PYTEST_INI, ROOTDIR, grader_paths

    recorder = _Recorder()
    paths = [str(p) for p in grader_paths(EXERCISE_IDS, ["public", "hidden"])]
    args = ["-c", str(PYTEST_INI), "--rootdir", str(ROOTDIR), "--collect-only", "-q",
            "-p", "no:cacheprovider", *paths]  # fmt: skip
    assert pytest.main(args, plugins=[recorder]) == pytest.ExitCode.OK
    weights = collect_weights(EXERCISE_IDS)
    for exercise in EXERCISE_IDS:
        for visibility in ("public", "hidden"):
            for gpu, field in ((False, visibility), (True, f"gpu_{visibility}")):
                expected = sum(
                    m.weight for m in recorder.metas.values()
                    if (m.exercise, m.visibility, m.gpu) == (exercise, visibility, gpu)
                )  # fmt: skip
                assert getattr(weights[exercise], field) == pytest.approx(expected), field

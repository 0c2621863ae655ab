"""The committed sample class is exactly what ``samples/make_sample_class.py`` generates."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "samples" / "class"


@functools.cache
def _generator() -> ModuleType:
    """The generator script as a module (registered, as dataclasses need)."""
    spec = importlib.util.spec_from_file_location(
        "make_sample_class", ROOT / "samples" / "make_sample_class.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_committed_sample_class_matches_generator(tmp_path: Path) -> None:
    generator = _generator()
    generator.generate(ROOT / "solutions", tmp_path / "class")
    expected, committed = _tree(tmp_path / "class"), _tree(COMMITTED)
    stale = sorted(set(expected) ^ set(committed))
    changed = sorted(k for k in set(expected) & set(committed) if expected[k] != committed[k])
    assert not stale and not changed, (
        f"samples/class is out of date (missing/extra: {stale[:5]}, changed: {changed[:5]}); "
        "run: .venv/bin/python samples/make_sample_class.py"
    )


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generator = _generator()
    generator.generate(ROOT / "solutions", tmp_path / "a")
    generator.generate(ROOT / "solutions", tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_missing_replacement_text_is_a_clear_error() -> None:
    generator = _generator()
    with pytest.raises(generator.ReplacementError, match="not in the solution any more"):
        generator.apply("x = 1\n", (generator.Replace("y = 2", "y = 3"),), "someone/ex01")


def test_sample_class_covers_the_promised_cases() -> None:
    students = {p.name: p for p in COMMITTED.iterdir() if p.is_dir()}
    assert len(students) >= 12
    assert any(not name.isascii() for name in students)
    notebooks = list(COMMITTED.glob("*/*.ipynb"))
    assert notebooks
    sources = [
        "".join(cell["source"])
        for cell in json.loads(notebooks[0].read_text("utf-8"))["cells"]
        if cell["cell_type"] == "code"
    ]
    assert any("%matplotlib inline" in s and "!pip list" in s for s in sources)
    assert not [p for p in COMMITTED.rglob("*.py") if "### BEGIN SOLUTION" in p.read_text("utf-8")]
    boms = [p for p in COMMITTED.rglob("*.py") if p.read_bytes().startswith(b"\xef\xbb\xbf")]
    assert boms and all(b"\r\n" in p.read_bytes() for p in boms)
    empty = [p for p in students.values() if not any(p.glob("ex*"))]
    assert empty

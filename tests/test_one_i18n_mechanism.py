"""Bilingual text has one mechanism (``grader.course.messages.Msg``): no module keeps its own
per-language catalogs or picks a language by comparing names."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "grader"
LANGUAGES = {"ko", "en"}
HOME = PACKAGE / "course" / "messages.py"  # where the language is picked, once


def _constants(nodes: list[ast.expr | None]) -> set[object]:
    return {n.value for n in nodes if isinstance(n, ast.Constant)}


def _other_mechanisms(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict) and _constants(node.keys) >= LANGUAGES:
            found.append(f"{path.name}:{node.lineno}: a catalog keyed by language")
        elif (
            isinstance(node, ast.Compare) and _constants([node.left, *node.comparators]) & LANGUAGES
        ):
            found.append(f"{path.name}:{node.lineno}: a language picked by comparison")
    return found


def test_no_module_but_messages_picks_a_language():
    found = [
        line
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != HOME and "__pycache__" not in path.parts
        for line in _other_mechanisms(path)
    ]
    assert not found, "\n".join(found)


def test_the_scan_sees_both_kinds(tmp_path: Path):
    """The scan itself: it finds both patterns in a module written the old way."""
    sample = tmp_path / "old_style.py"
    sample.write_text(
        'TEXT = {"ko": {"a": "가"}, "en": {"a": "A"}}\nlabel = "x" if lang == "en" else "y"\n',
        encoding="utf-8",
    )
    assert len(_other_mechanisms(sample)) == 2

"""Load a student's exercise file (``.py`` or ``.ipynb``) into a fresh module.

Notebooks are flattened to their code cells: line magics (``%``) and shell lines (``!``) are
dropped, a cell that starts with a cell magic (``%%``) is skipped, and so are nbgrader test cells,
which call the graders themselves, and every cell after the last test cell (in a kernel those run
after the tests, so they cannot change a score). Each cell runs on its own, as in a Jupyter kernel
and in nbgrader's autograde, where a cell that raises does not stop the cells after it: a stub
left raising in one cell must not cost the answers in the others. The failing cell's traceback is
printed, so it shows in the captured output. Files may carry a UTF-8 BOM and CRLF line endings.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path


class LoadError(Exception):
    """The file cannot be turned into Python source (unreadable, not UTF-8, broken JSON)."""


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"{name}: UTF-8 텍스트가 아닙니다 (바이트 {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_test_cell(cell: dict) -> bool:
    """An nbgrader autograder-test cell: graded, but not the student's answer."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def _cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(str(part) for part in source)
    return str(source).replace("\r\n", "\n")


_CELL = (
    "try:\n"
    "    exec(compile({source!r}, {filename!r}, 'exec'), globals())\n"
    "except BaseException as error:  # the cell's own frames only, not this wrapper's\n"
    "    __import__('traceback').print_exception(error.with_traceback(error.__traceback__.tb_next))\n"
)


def _cell_code(source: str) -> str:
    """A code cell's Python: magics and shell lines blanked, so line numbers stay right."""
    lines = source.split("\n")
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def notebook_to_source(text: str, name: str) -> str:
    """Python source that runs the notebook's code cells one by one (see the module docstring)."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"{name}: 노트북 JSON을 읽을 수 없습니다 ({exc.msg}, {exc.lineno}행)"
        ) from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise LoadError(f"{name}: 노트북에 셀 목록(cells)이 없습니다")
    cells = [cell for cell in cells if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    tests = [index for index, cell in enumerate(cells) if is_test_cell(cell)]
    if tests:
        cells = cells[: tests[-1]]
    chunks = []
    for number, cell in enumerate(cells, start=1):
        source = _cell_source(cell)
        if is_test_cell(cell) or source.lstrip().startswith("%%") or not source.strip():
            continue
        filename = f"<{name} 코드 셀 {number}>"
        chunks.append(_CELL.format(source=_cell_code(source), filename=filename))
    return "\n".join(chunks)


def read_source(path: Path) -> str:
    """Python source of an exercise file, whatever its form."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path.name}: 파일을 읽을 수 없습니다 ({exc.strerror})") from None
    text = _decode(raw, path.name)
    if path.suffix == ".ipynb":
        return notebook_to_source(text, path.name)
    return text


def source_from_bytes(raw: bytes, filename: str) -> str:
    text = _decode(raw, filename)
    return notebook_to_source(text, filename) if filename.endswith(".ipynb") else text


def exec_module(source: str, module_name: str, filename: str) -> types.ModuleType:
    """Compile and run ``source`` as a new module; registers it so dataclasses and pickling work.

    Errors propagate unchanged: the caller reports them in the student's words.
    """
    module = types.ModuleType(module_name)
    module.__file__ = filename
    code = compile(source, filename, "exec", dont_inherit=True)
    sys.modules[module_name] = module
    exec(code, module.__dict__)
    return module

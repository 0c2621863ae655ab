"""Load a student's exercise file (``.py`` or ``.ipynb``) into a fresh module.

A ``.py`` file is decoded as Python decodes a source file (PEP 263: UTF-8 unless a coding line
in the first two lines names another codec, a UTF-8 BOM allowed), with universal newlines.

A notebook runs as a Jupyter kernel would run it. Each code cell goes through IPython's own
input transformer, so magics, shell lines and help syntax (``%timeit x``, ``!pip install``,
``tf.ones?``, ``%%time`` cells) become ``get_ipython()`` calls exactly where IPython finds them,
and nowhere else (a continuation line starting with ``%`` or ``!=`` is code). The notebook's
module starts with stand-ins for what a kernel provides: ``display`` prints each object's repr,
and ``get_ipython()`` returns an object whose magics and shell calls do nothing (no command runs)
except those that only run the code they are given (``%time``, ``%%time``, ``%%capture``). Each
cell runs on its own, as in nbgrader's autograde, where a cell that raises does not stop the
cells after it: a stub left raising in one cell must not cost the answers in the others. The
failing cell's traceback is printed, so it shows in the captured output. nbgrader test cells,
which call the graders themselves, are left out, and so is every cell after the last test cell
(in a kernel those run after the tests, so they cannot change a score).

Size: a notebook's cap counts its code, not its outputs (plots can weigh megabytes): the file may
be up to ``MAX_NOTEBOOK_BYTES``, its code cells together up to ``MAX_CODE_BYTES``, like a ``.py``.

This module is imported by the sandbox zygote before it forks, so IPython's transformer is loaded
before a child drops its privileges and can no longer read the Python installation.
"""

from __future__ import annotations

import importlib.util
import json
import linecache
import re
import sys
import types
from pathlib import Path
from typing import Any

from IPython.core.inputtransformer2 import TransformerManager

MAX_CODE_BYTES = 4 * 1024 * 1024  # a .py file, or the code cells of a notebook
# A notebook file, outputs included: what one request to the sandbox child can carry (its frame
# limit is 32 MiB, and the file travels base64-encoded).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
_MIB = 1024 * 1024


class LoadError(Exception):
    """The file cannot be turned into Python source (unreadable, undecodable, broken JSON)."""


def decode_python(raw: bytes, name: str) -> str:
    """A ``.py`` file's text, decoded as the interpreter decodes a source file (PEP 263)."""
    try:
        return importlib.util.decode_source(raw)
    except UnicodeDecodeError as exc:
        label = "UTF-8" if exc.encoding.lower().startswith("utf") else exc.encoding
        raise LoadError(f"{name}: {label} 텍스트가 아닙니다 (바이트 {exc.start})") from None
    except SyntaxError as exc:  # an unknown codec, a BOM beside another coding line, no UTF-8
        raise LoadError(
            f"{name}: 파일의 인코딩을 알 수 없습니다 ({exc.msg}). UTF-8로 저장하거나 첫 줄에 "
            "'# -*- coding: cp949 -*-'처럼 인코딩을 적어 주세요"
        ) from None


def _decode_json_text(raw: bytes, name: str) -> str:
    """A notebook is JSON, which is UTF-8 (a BOM tolerated)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"{name}: UTF-8 텍스트가 아닙니다 (바이트 {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_test_cell(cell: Any) -> bool:
    """An nbgrader autograder-test cell: graded, but not the student's answer."""
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return isinstance(meta, dict) and bool(meta.get("grade")) and not meta.get("solution")


def _cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(str(part) for part in source)
    return str(source).replace("\r\n", "\n")


_TRANSFORMER = TransformerManager()


def cell_python(source: str) -> str:
    """A code cell's Python, as IPython turns it into Python before running it."""
    try:
        return _TRANSFORMER.transform_cell(source)
    except Exception:  # IPython gave up: compiling the cell reports the error
        return source


# ---------------------------------------------------------------------- what a kernel provides
_RUNS_ITS_CODE = frozenset({"time", "capture"})  # magics whose effect is running the code


class KernelStandIn:
    """What ``get_ipython()`` returns to a notebook's code: a kernel without a shell.

    Magics and shell lines do nothing and return None (``!cmd`` lists become empty lists), so no
    command ever runs; ``%time``/``%%time``/``%%capture`` run their code in the notebook's
    namespace as a kernel does, so what they define is defined.
    """

    def __init__(self, namespace: dict[str, Any]) -> None:
        self._namespace = namespace

    def _run(self, source: str) -> Any:
        code = cell_python(source)
        try:
            expression = compile(code, "<magic>", "eval")
        except SyntaxError:
            exec(compile(code, "<magic>", "exec"), self._namespace)
            return None
        return eval(expression, self._namespace)

    def run_line_magic(self, magic_name: str, line: str, _stack_depth: int = 1) -> Any:
        return self._run(line) if magic_name in _RUNS_ITS_CODE else None

    def run_cell_magic(self, magic_name: str, line: str, cell: str) -> None:
        if magic_name in _RUNS_ITS_CODE:
            self._run(cell)

    def magic(self, arg_s: str) -> Any:
        name, _, line = arg_s.lstrip("%").partition(" ")
        return self.run_line_magic(name, line)

    def system(self, cmd: str) -> None:
        return None

    def getoutput(self, cmd: str, split: bool = True, depth: int = 0) -> list[str]:
        return []


def display(*objs: Any, **kwargs: Any) -> None:
    """``IPython.display.display`` without a front end: each object's repr, as text/plain."""
    for obj in objs:
        print(repr(obj))


def install_kernel_names(namespace: dict[str, Any]) -> None:
    """Give a notebook's module the names a kernel provides (the notebook may redefine them)."""
    shell = KernelStandIn(namespace)
    namespace["get_ipython"] = lambda: shell
    namespace["display"] = display


_PRELUDE = "__import__('grader.student.loader', fromlist=['install_kernel_names']).install_kernel_names(globals())\n"
_CELL = (
    "try:\n"
    "    exec(compile({source!r}, {filename!r}, 'exec'), globals())\n"
    "except BaseException as error:  # the cell's own frames only, not this wrapper's\n"
    "    __import__('traceback').print_exception(error.with_traceback(error.__traceback__.tb_next))\n"
)


def _read_notebook(text: str, name: str) -> list[dict]:
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"{name}: 노트북 JSON을 읽을 수 없습니다 ({exc.msg}, {exc.lineno}행)"
        ) from None
    except RecursionError:
        raise LoadError(f"{name}: 노트북 JSON이 너무 깊게 중첩되어 있습니다") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise LoadError(f"{name}: 노트북에 셀 목록(cells)이 없습니다")
    return [cell for cell in cells if isinstance(cell, dict) and cell.get("cell_type") == "code"]


def notebook_to_source(text: str, name: str) -> str:
    """Python source that runs the notebook's code cells one by one (see the module docstring)."""
    cells = _read_notebook(text, name)
    tests = [index for index, cell in enumerate(cells) if is_test_cell(cell)]
    if tests:
        cells = cells[: tests[-1]]
    chunks, size = [_PRELUDE], 0
    for number, cell in enumerate(cells, start=1):
        source = _cell_source(cell)
        size += len(source.encode("utf-8", "surrogatepass"))
        if size > MAX_CODE_BYTES:
            raise LoadError(
                f"{name}: 노트북의 코드 셀이 모두 {MAX_CODE_BYTES // _MIB} MB를 넘습니다"
            )
        if is_test_cell(cell) or not source.strip():
            continue
        filename = f"<{name} 코드 셀 {number}>"
        chunks.append(_CELL.format(source=cell_python(source), filename=filename))
    return "\n".join(chunks)


_CODE_CELL = re.compile(rb'"cell_type"\s*:\s*"code"')


def load_seconds(filename: str, raw: bytes, import_s: float, cell_s: float) -> float:
    """The wall clock the top-level code of a file may take: ``import_s`` for a ``.py`` file;
    for a notebook ``cell_s`` per code cell (a kernel gives each cell its own timeout), at
    least ``import_s``. The count comes from the raw bytes without parsing them (the grader
    side never parses a student's JSON); forged cells can only raise it, and the student's own
    deadline caps it."""
    if not filename.endswith(".ipynb"):
        return import_s
    return max(import_s, cell_s * len(_CODE_CELL.findall(raw)))


def source_limit(filename: str) -> int:
    """The largest file accepted as ``filename`` (a notebook carries outputs beside its code)."""
    return MAX_NOTEBOOK_BYTES if filename.endswith(".ipynb") else MAX_CODE_BYTES


def source_from_bytes(raw: bytes, filename: str) -> str:
    if filename.endswith(".ipynb"):
        return notebook_to_source(_decode_json_text(raw, filename), filename)
    return decode_python(raw, filename)


def read_raw(path: Path) -> bytes:
    """An exercise file's bytes; a file that cannot be read is a ``LoadError`` naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path.name}: 파일을 읽을 수 없습니다 ({exc.strerror})") from None


def exec_module(source: str, module_name: str, filename: str) -> types.ModuleType:
    """Compile and run ``source`` as a new module; registers it so dataclasses and pickling work.

    Errors propagate unchanged: the caller reports them in the student's words. The source is
    registered in ``linecache`` under ``filename``: the sandbox child has the text, not the
    file, and the student's line is what their feedback quotes from a traceback.
    """
    module = types.ModuleType(module_name)
    module.__file__ = filename
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    code = compile(source, filename, "exec", dont_inherit=True)
    sys.modules[module_name] = module
    exec(code, module.__dict__)
    return module

"""How the grader starts Python interpreters without importing anything of a student.

``python -c …`` and ``python -m …`` put the working directory first on ``sys.path``. An
instructor who runs ``course grade .`` from inside the submissions folder would then have a
student folder named like a module (``code``, ``heapq``, ``multiprocessing``) imported by a
trusted process as the grading user. Every interpreter the grader starts gets a safe module path
(``-P``, or ``PYTHONSAFEPATH`` for the workers ``multiprocessing`` starts) and a neutral working
directory.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

NEUTRAL_CWD = "/"


def python_command(*args: str) -> list[str]:
    """A command line for this interpreter that never looks in the working directory."""
    return [sys.executable, "-P", *args]


@contextmanager
def safe_path_for_children() -> Iterator[None]:
    """Interpreters started inside this block (``multiprocessing``'s spawned workers, whose
    ``-c`` command line cannot take ``-P``) ignore the working directory."""
    previous = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if previous is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = previous


def protect_module_path() -> None:
    """Drop the working directory that ``-c``/``-m`` put first on this process's ``sys.path``
    (for ``python -m grader.cli`` run inside a submissions folder), unless PYTHONPATH asked
    for it."""
    asked = set(filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep)))
    if sys.path and sys.path[0] in ("", os.getcwd()) and sys.path[0] not in asked:
        del sys.path[0]

"""Student stubs: a reference solution with every answer replaced by a stub.

Inside a function, the answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes a
comment plus ``raise NotImplementedError``. At module level (a constant such as
``TENSOR_ITEM_ASSIGNMENT_ERROR``) raising would break the whole import, so each assigned name
becomes ``None`` instead.
"""

from __future__ import annotations

import re

from grader.course.messages import Msg

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
WRITE_HERE = Msg("여기에 코드를 작성하세요", "Write your code here")
_ASSIGNED_NAME = re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=]+)?=")


class StubError(Exception):
    """Solution markers are unbalanced or nested."""


def _stub_block(indent: str, block: list[str], language: str) -> list[str]:
    text = WRITE_HERE.render(language)
    if indent:
        return [f"{indent}# {text}", f'{indent}raise NotImplementedError("{text}")']
    names = [m.group(1) for line in block if (m := _ASSIGNED_NAME.match(line))]
    return [f"{name} = None  # {text}" for name in names]


def make_stub(solution: str, language: str = "ko", source: str = "solution") -> str:
    """Return the stub text for one solution file."""
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for number, line in enumerate(solution.splitlines(), start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if block is not None:
                raise StubError(f"{source}:{number}: nested {BEGIN}")
            block, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            if block is None:
                raise StubError(f"{source}:{number}: {END} without {BEGIN}")
            out.extend(_stub_block(indent, block, language))
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise StubError(f"{source}: {BEGIN} is never closed")
    return "\n".join(out) + "\n"

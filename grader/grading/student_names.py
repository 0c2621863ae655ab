"""Student folder names as the grader shows and stores them.

A folder name is whatever a class handed in: Korean, spaces, brackets, names that look like
rich markup, bytes that are not UTF-8 (CP949 names from a zip made on Korean Windows), or names
of the class-wide files ``course grade`` writes next to the students' folders. Every name is
graded; it is shown literally (``display_name``), and stored under a folder name that can never
collide with another student's or with a class file (``output_folder``).
"""

from __future__ import annotations

import os
import unicodedata
from urllib.parse import quote

# Files ``course grade`` writes at the top of OUT: a student folder must never take their place.
CLASS_FILES = frozenset({"grades.csv", "report.html"})
_ESCAPE = "@"  # output folders of renamed students start with it; no unrenamed one does
# Characters a terminal or a page does not show as themselves: controls (C0, DEL and C1, where
# U+009B starts an escape sequence in some terminals), format characters (bidirectional
# overrides that reorder the rest of a line, zero-width characters) and line separators.
_UNSHOWN = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _raw(name: str) -> bytes:
    return os.fsencode(name)


def is_text(name: str) -> bool:
    """Whether the folder name is valid UTF-8 (``os.listdir`` keeps other bytes as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display_name(name: str) -> str:
    """The name as text to print: UTF-8 as it is, other bytes read as CP949 (Korean Windows)
    where they are valid CP949, else shown as ``\\xNN``; characters that would not show as
    themselves (controls, bidirectional and zero-width format characters) escaped."""
    if is_text(name):
        text = name
    else:
        raw = _raw(name)
        try:
            text = raw.decode("cp949")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "backslashreplace")
    return "".join(_escaped(c) if unicodedata.category(c) in _UNSHOWN else c for c in text)


def _escaped(character: str) -> str:
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def output_folder(name: str) -> str:
    """The student's folder under OUT: the same name where that is safe, else an escaped one.

    The mapping is one-to-one: a name that is a class file or starts with the escape character
    gets one more escape character in front, a name that is not UTF-8 becomes ``@bytes-`` and its
    percent-encoded bytes, so no two students (and no student and a class file) share a folder.
    """
    if not is_text(name):
        return f"{_ESCAPE}bytes-{quote(_raw(name), safe='')}"
    if name in CLASS_FILES or name.startswith(_ESCAPE):
        return _ESCAPE + name
    return name

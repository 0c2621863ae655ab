"""Files the kit writes get ordinary permissions (issue 11: weights.json was 0600 and the
unprivileged grader could not read it): a new file the mode ``open()`` would give it, an
existing file its own mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from grader.course.files import atomic_write_text


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_mode_open_would_give_it(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.json", "{}\n")
        (tmp_path / "by-open.json").write_text("{}\n")
    finally:
        os.umask(previous)
    assert mode(tmp_path / "new.json") == mode(tmp_path / "by-open.json") == 0o644


def test_a_rewritten_file_keeps_its_mode(tmp_path: Path) -> None:
    for kept in (0o600, 0o640, 0o755):
        path = tmp_path / f"kept-{kept:o}"
        path.write_text("old\n")
        path.chmod(kept)
        atomic_write_text(path, "new\n")
        assert (path.read_text(), mode(path)) == ("new\n", kept)

"""The nbgrader exchange, created the way nbgrader's own release step expects it.

"Unwritable directory, please contact your instructor" is the most common operator failure:
every student writes into the exchange, so its root must be world-writable (0777, owned by
root). With ``Exchange.path_includes_course`` each course has a folder of its own, owned by the
grader account: ``outbound`` readable by all (released assignments), ``inbound`` writable but
not listable by students (0733 with set-gid: nobody sees another student's submission), and
``feedback`` traversable only (0711: a student reaches their own feedback by its hash).
"""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from pathlib import Path

ROOT_MODE = 0o777
COURSE_MODES = {"": 0o755, "outbound": 0o755, "inbound": 0o2733, "feedback": 0o711}


@dataclass(frozen=True)
class ExchangeProblem:
    path: Path
    problem: str


def create_exchange(root: Path, course_id: str, grader: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    os.chown(root, 0, 0)
    os.chmod(root, ROOT_MODE)
    account = pwd.getpwnam(grader)
    for name, mode in COURSE_MODES.items():
        folder = root / course_id / name
        folder.mkdir(parents=True, exist_ok=True)
        os.chown(folder, account.pw_uid, account.pw_gid)
        os.chmod(folder, mode)  # after chown: chown clears the set-gid bit


def exchange_problems(root: Path, course_id: str, grader: str) -> list[ExchangeProblem]:
    """What differs from ``create_exchange``'s layout (empty when the exchange is right)."""
    if not root.is_dir():
        return [ExchangeProblem(root, "does not exist")]
    problems = []
    if root.stat().st_mode & 0o7777 & ROOT_MODE != ROOT_MODE:
        problems.append(
            ExchangeProblem(root, f"mode {oct(root.stat().st_mode & 0o7777)}, needs 0o777")
        )
    try:
        uid = pwd.getpwnam(grader).pw_uid
    except KeyError:
        return [*problems, ExchangeProblem(root, f"grader account {grader!r} does not exist")]
    for name, mode in COURSE_MODES.items():
        folder = root / course_id / name
        if not folder.is_dir():
            problems.append(ExchangeProblem(folder, "does not exist"))
            continue
        info = folder.stat()
        if info.st_mode & 0o7777 != mode:
            problems.append(
                ExchangeProblem(folder, f"mode {oct(info.st_mode & 0o7777)}, needs {oct(mode)}")
            )
        if info.st_uid != uid:
            problems.append(ExchangeProblem(folder, f"owned by uid {info.st_uid}, needs {grader}"))
    return problems

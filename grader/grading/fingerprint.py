"""What a student's result depends on, as one hash, so a stale result is never served.

``course grade`` skips a student who already has a ``results.json`` only when that result was
computed from the same inputs: the student's exercise files, the course settings (points,
thresholds, limits, language), the graders and report code, and whether a GPU was used. Any
change to one of them re-grades the student; nothing else does.
"""

from __future__ import annotations

import hashlib
import os
import stat
from functools import cache
from pathlib import Path

import grader
from grader.course.config import CourseConfig
from grader.course.exercises import EXERCISE_IDS, find_exercise_file

_MAX_FILE_BYTES = 64 * 1024 * 1024  # larger than anything graded: hash only their size


@cache
def grader_fingerprint() -> str:
    """Hash of the installed grader package (computed once per process)."""
    return package_fingerprint(Path(grader.__file__).resolve().parent)


def package_fingerprint(package: Path) -> str:
    """Hash of every file of a grader package: code, and the data a result or a report is
    made from (weights, templates, pytest's settings) whatever its kind; only the bytecode
    caches, made from the code, are left out."""
    digest = hashlib.sha256(grader.__version__.encode())
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _file_digest(path: Path) -> bytes:
    """The bytes of a student's file, read without following links (it is hostile)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        return f"unreadable:{exc.errno}".encode()
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return b"not-a-file"
        if info.st_size > _MAX_FILE_BYTES:
            return f"too-large:{info.st_size}".encode()
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return hashlib.sha256(handle.read(_MAX_FILE_BYTES + 1)).digest()
    finally:
        os.close(fd)


def result_fingerprint(config: CourseConfig, folder: Path, *, gpu: bool) -> str:
    """Hash of everything the student's ``results.json`` is computed from."""
    digest = hashlib.sha256()
    digest.update(grader_fingerprint().encode())
    digest.update(config.model_dump_json().encode())
    digest.update(b"gpu" if gpu else b"cpu")
    for exercise in EXERCISE_IDS:
        path, _ = find_exercise_file(folder, exercise)
        digest.update(exercise.encode() + b"\0")
        if path is not None:
            digest.update(path.name.encode() + b"\0" + _file_digest(path))
    return digest.hexdigest()

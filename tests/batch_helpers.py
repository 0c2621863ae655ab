"""Shared set-up for tests that grade small classes with ``course grade``: class folders,
a course.yml with short limits and a sandbox uid range of the test's own, and result readers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
COURSE_CLI = str(Path(sys.executable).parent / "course")
XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def solution(exercise: str) -> str:
    return (SOLUTIONS / f"{exercise}.py").read_text(encoding="utf-8")


def write_class(subs: Path, students: dict[str, dict[str, str]]) -> None:
    """One folder per student, one ``exNN_name.py`` per exercise given."""
    for student, files in students.items():
        folder = subs / student
        folder.mkdir(parents=True, exist_ok=True)
        for exercise, text in files.items():
            (folder / f"{exercise}.py").write_text(text, encoding="utf-8")


def course_file(folder: Path, uid_base: int, *, call_s: int = 3, import_s: int = 5) -> Path:
    """The real course.yml with short timeouts and the given sandbox uid base."""
    data = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))
    data["grading"]["sandbox_uid_base"] = uid_base
    data["grading"]["timeouts"].update(call_s=call_s, import_s=import_s, student_s=60)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "course.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run_grade(
    subs: str | Path, out: str | Path, course: Path, *, cwd: Path, workers: int = 1, extra=()
) -> subprocess.CompletedProcess[str]:
    """``course grade`` as an instructor runs it, in its own process."""
    command = [
        COURSE_CLI, "grade", str(subs), "--out", str(out), "--workers", str(workers),
        "--config", str(course), *extra,
    ]  # fmt: skip
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def load(out: Path, student: str) -> dict[str, Any]:
    return json.loads((out / student / "results.json").read_text(encoding="utf-8"))


def exercise_score(results: dict[str, Any], exercise: str) -> tuple[float, float]:
    scores = results["extra_data"]["exercises"][exercise]
    return scores["score"], scores["max_score"]


def outcomes(results: dict[str, Any]) -> dict[str, tuple[str, float]]:
    """Every test's status and score: what must not change between equivalent runs."""
    return {
        f"{t['extra_data']['exercise']}::{t['extra_data']['test']}": (
            t.get("status", "skipped"),
            t["score"],
        )
        for t in results["tests"]
    }


def processes_in_session(session: int, marker: bytes = b"") -> list[int]:
    """Live pids of a session (the CLI started with ``start_new_session``) whose command line
    contains ``marker``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if int(fields[3]) == session and fields[0] != b"Z" and marker in cmdline:
            found.append(int(entry))
    return found

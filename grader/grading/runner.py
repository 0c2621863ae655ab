"""Run grader modules under pytest for one or many students."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import pytest

from grader.course.config import CourseConfig
from grader.grading import plugin as plugin_module
from grader.grading.plugin import GradingPlugin, StudentJob

GRADERS_DIR = Path(__file__).resolve().parent.parent / "graders"
PYTEST_INI = Path(__file__).resolve().with_name("grading.ini")
ROOTDIR = GRADERS_DIR.parent.parent  # node ids stay "grader/graders/…", whatever the cwd
Visibility = Literal["public", "hidden"]


class GraderUnavailable(Exception):
    """The graders themselves could not run (missing hidden graders, import errors)."""


# pytest's own plugins that grading sessions do without: the graders use none of their fixtures
# or options, and every plugin left in takes part in each hook of each test (about 15 of the
# 80 ms that pytest's protocol costs a student's 74 tests).
UNUSED_PLUGINS = (
    "cacheprovider", "terminal", "faulthandler", "logging", "warnings", "doctest", "pastebin",
    "junitxml", "stepwise", "legacypath", "unraisableexception", "threadexception", "tmpdir",
    "monkeypatch", "recwarn", "setuponly", "setupplan", "debugging", "unittest", "python_path",
)  # fmt: skip


def grader_paths(exercises: Sequence[str], visibilities: Sequence[Visibility]) -> list[Path]:
    """Grader module files, public before hidden for each exercise."""
    paths = []
    for exercise in exercises:
        for visibility in visibilities:
            path = GRADERS_DIR / visibility / f"test_{exercise}.py"
            if not path.is_file():
                raise GraderUnavailable(
                    f"{visibility} grader for {exercise} not found at {path}"
                    + (
                        " (the student package ships no hidden graders)"
                        if visibility == "hidden"
                        else ""
                    )
                )
            paths.append(path)
    return paths


def run_graders(
    config: CourseConfig,
    exercises: Sequence[str],
    visibilities: Sequence[Visibility],
    jobs: Iterable[StudentJob],
    *,
    gpu_visible: bool,
) -> None:
    """Grade every job with one pytest session; results land in each job's ``records``.
    Callers grade students through ``grader.grading.student_run.grade_runs``."""
    plugin = GradingPlugin(config, jobs, gpu_visible=gpu_visible)
    args = [
        "-c", str(PYTEST_INI),
        "--rootdir", str(ROOTDIR),
        "--capture=sys",
        *[arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")],
        *[str(p) for p in grader_paths(exercises, visibilities)],
    ]  # fmt: skip
    os.environ.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    code = pytest.main(args, plugins=[plugin, plugin_module])
    if code not in (
        pytest.ExitCode.OK,
        pytest.ExitCode.TESTS_FAILED,
        pytest.ExitCode.NO_TESTS_COLLECTED,
    ):
        raise GraderUnavailable(f"pytest could not run the graders (exit {int(code)})")

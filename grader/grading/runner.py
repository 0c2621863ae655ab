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
        "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:faulthandler",
        "-p", "no:logging", "-p", "no:warnings", "-p", "no:doctest", "-p", "no:pastebin",
        "-p", "no:junitxml", "-p", "no:stepwise", "-p", "no:legacypath",
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

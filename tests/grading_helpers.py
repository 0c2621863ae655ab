"""Run graders in-process on a folder of exercise files (what `course check` does, plus hidden)."""

from __future__ import annotations

from pathlib import Path

from grader.course.config import CourseConfig
from grader.course.tfenv import gpu_visible_in_process
from grader.grading.plugin import TestRecord
from grader.grading.student_run import StudentRun, grade_runs


def grade_folder(
    config: CourseConfig,
    folder: Path,
    exercises: list[str],
    student: str = "tester",
    *,
    gpu_visible: bool | None = None,
) -> list[TestRecord]:
    """The public and hidden records of ``exercises``; ``gpu_visible`` defaults to whether this
    process's TensorFlow sees a GPU."""
    run = StudentRun.in_process(config, student, folder)
    gpu = gpu_visible_in_process() if gpu_visible is None else gpu_visible
    grade_runs(config, exercises, ["public", "hidden"], [run], gpu_visible=gpu)
    return run.records

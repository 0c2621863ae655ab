"""Run graders in-process on a folder of exercise files (what `course check` does, plus hidden)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from grader.course.config import CourseConfig
from grader.course.tfenv import gpu_visible_in_process
from grader.grading.local import open_local
from grader.grading.plugin import StudentJob, TestRecord
from grader.grading.runner import run_graders


def grade_folder(
    config: CourseConfig, folder: Path, exercises: list[str], student: str = "tester"
) -> list[TestRecord]:
    job = StudentJob(student, partial(open_local, folder, output_limit=65536))
    run_graders(
        config, exercises, ["public", "hidden"], [job], gpu_visible=gpu_visible_in_process()
    )
    return job.records

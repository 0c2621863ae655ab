"""Sandboxed grading outside a batch: one zygote, reused for student after student.

``course grade`` has its own worker pool; this serves callers that receive one submission at a
time, such as nbgrader's autograde (the secure executor). The calling process runs the graders
and so must be trusted; student code still runs only in sandbox children.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from grader.config import CourseConfig
from grader.plugin import StudentJob, TestRecord, derive_seed
from grader.results import ExerciseRun
from grader.runner import run_graders
from grader.sandbox.remote import StudentSandbox, ZygoteClient, open_recorded, settings_for


class SandboxSession:
    def __init__(self, config: CourseConfig, hide: tuple[str, ...], *, gpu: bool, slot: int = 0):
        self.config = config
        self.gpu = gpu
        self.settings = settings_for(config, slot, hide, gpu)
        self._zygote: ZygoteClient | None = None

    def grade(
        self, student: str, folder: Path, exercises: Sequence[str]
    ) -> tuple[list[TestRecord], dict[str, ExerciseRun]]:
        """Run the public and hidden graders of ``exercises`` on the files in ``folder``."""
        if self._zygote is None:
            self._zygote = ZygoteClient()
        sandbox = StudentSandbox(
            self._zygote, self.settings, derive_seed(self.config.course.seed, student)
        )
        runs: dict[str, ExerciseRun] = {}
        opener = partial(open_recorded, sandbox, folder, runs, self.config.course.language)
        job = StudentJob(student, opener)
        try:
            run_graders(
                self.config, list(exercises), ["public", "hidden"], [job], gpu_visible=self.gpu
            )
        finally:
            sandbox.close()
        return job.records, runs

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None

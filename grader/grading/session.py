"""Sandboxed grading outside a batch: one zygote, reused for student after student.

``course grade`` has its own worker pool; this serves callers that receive one submission at a
time, such as nbgrader's autograde (``grader.nbgrader.secure``). The calling process runs the
graders and so must be trusted; student code still runs only in sandbox children.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from grader.course.config import CourseConfig
from grader.grading.plugin import TestRecord
from grader.grading.results import ExerciseRun
from grader.grading.root_cause import CauseScope
from grader.grading.student_run import StudentRun, grade_runs
from grader.sandbox.remote import ZygoteClient, settings_for


class SandboxSession:
    """A warm zygote and the sandbox settings of one worker ``slot``.

    ``seed_label``, when given, replaces the student id in every seed: the graders' random
    inputs and the child's random state. ``course grade`` leaves it unset (inputs differ per
    student); nbgrader's test cells seed every notebook with ``grader.grading.notebook.NOTEBOOK_STUDENT``,
    so the sandboxed autograde passes that label to draw the very same inputs and give an honest
    notebook the same score as the stock path; ``cause_scope="test_cell"`` likewise reports a
    root cause once per test cell, as the stock path's cells do (``grader.grading.root_cause``).
    """

    def __init__(
        self,
        config: CourseConfig,
        hide: tuple[str, ...],
        *,
        gpu: bool,
        slot: int = 0,
        seed_label: str | None = None,
        cause_scope: CauseScope = "exercise",
    ) -> None:
        self.config = config
        self.gpu = gpu
        self.settings = settings_for(config, slot, hide, gpu)
        self.seed_label = seed_label
        self.cause_scope = cause_scope
        self._zygote: ZygoteClient | None = None

    def grade(
        self, student: str, folder: Path, exercises: Sequence[str]
    ) -> tuple[list[TestRecord], dict[str, ExerciseRun]]:
        """Run the public and hidden graders of ``exercises`` on the files in ``folder``: their
        records, and each exercise's log."""
        if self._zygote is not None and not self._zygote.alive():
            self.close()  # the zygote died (e.g. killed by the OOM killer): start a new one
        if self._zygote is None:
            self._zygote = ZygoteClient(gpu=self.gpu)
        run = StudentRun.sandboxed(
            self.config, student, folder, self._zygote, self.settings, seed_label=self.seed_label
        )
        run.cause_scope = self.cause_scope
        grade_runs(self.config, list(exercises), ["public", "hidden"], [run], gpu_visible=self.gpu)
        return run.records, run.exercises

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None

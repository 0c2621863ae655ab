"""``StudentRun`` and ``grade_runs``: the lifecycle every way of grading relies on.

A batch worker grades student after student in one pytest session and writes each result as
soon as that student is done, so ``on_graded`` must see a run complete (all records, every
exercise closed and logged) before the next student is even asked for; a run cut short must
have its sandbox closed and never be reported as graded.

The opener here serves no code at all (every exercise "has no file"), so the graders run
without TensorFlow and the test stays fast; ``test_sandbox_adversarial.py`` and
``test_variants.py`` grade real code through the sandbox and in-process openers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from grader.course.config import CourseConfig
from grader.course.messages import NOTEBOOK_PREFERRED
from grader.grading.results import ExerciseRun
from grader.grading.runner import GraderUnavailable
from grader.grading.student_run import StudentRun, grade_runs
from grader.grading.submission import Submission
from grader.wire.protocol import StudentFailure

EXERCISE = "ex01_tensors"


class EmptyOpener:
    """Every exercise has no file; counts opens and closes, and can be told to stop grading."""

    def __init__(self, interrupt: bool = False) -> None:
        self.interrupt = interrupt
        self.open_now = 0
        self.opened = 0
        self.closed = 0

    @contextmanager
    def open(self, exercise: str, log: ExerciseRun) -> Iterator[Submission]:
        if self.interrupt:
            raise KeyboardInterrupt  # what SIGTERM raises in a batch worker
        self.opened += 1
        self.open_now += 1
        log.file = f"{exercise}.ipynb"
        try:
            yield Submission(
                exercise, None, load_failure=StudentFailure("no_file"), notes=(NOTEBOOK_PREFERRED,)
            )
        finally:
            self.open_now -= 1

    def close(self) -> None:
        self.closed += 1


def test_each_run_is_complete_when_graded_and_before_the_next_is_taken(
    config: CourseConfig,
) -> None:
    events: list[str] = []
    runs = {name: StudentRun(config, name, EmptyOpener()) for name in ("kim", "lee", "park")}

    def students() -> Iterator[StudentRun[EmptyOpener]]:
        for name, run in runs.items():
            events.append(f"take {name}")
            yield run

    def graded(run: StudentRun[EmptyOpener]) -> None:
        assert run.opener.open_now == 0  # every exercise it opened is closed
        events.append(f"graded {run.student}: {len(run.records)} records")
        run.close()

    grade_runs(
        config, [EXERCISE], ["public", "hidden"], students(), gpu_visible=False, on_graded=graded
    )
    count = len(runs["kim"].records)
    assert count > 0 and all(len(r.records) == count for r in runs.values())
    assert events == [
        line for name in runs for line in (f"take {name}", f"graded {name}: {count} records")
    ]
    for run in runs.values():
        assert run.opener.opened == 2 and run.opener.closed == 1  # public and hidden module
        log = run.exercises[EXERCISE]  # one log for both modules of the exercise
        assert log.file == f"{EXERCISE}.ipynb" and log.seconds > 0
        assert log.notes == [NOTEBOOK_PREFERRED.render(config.course.language)]
        assert {r.status for r in run.records} == {"failed"}


def test_a_run_cut_short_is_closed_and_never_reported_as_graded(config: CourseConfig) -> None:
    first = StudentRun(config, "kim", EmptyOpener())
    cut = StudentRun(config, "lee", EmptyOpener(interrupt=True))
    never = StudentRun(config, "park", EmptyOpener())
    graded: list[str] = []

    def on_graded(run: StudentRun[EmptyOpener]) -> None:
        graded.append(run.student)
        run.close()

    with pytest.raises(GraderUnavailable):  # pytest stopped: the worker reports an error
        grade_runs(
            config, [EXERCISE], ["public"], iter([first, cut, never]), gpu_visible=False,
            on_graded=on_graded,
        )  # fmt: skip
    assert graded == ["kim"]
    assert (first.opener.closed, cut.opener.closed, never.opener.closed) == (1, 1, 0)


def test_the_seed_label_replaces_the_student_in_every_seed(config: CourseConfig) -> None:
    alone = StudentRun(config, "kim", EmptyOpener())
    labelled = StudentRun(config, "kim", EmptyOpener(), seed_label="notebook")
    same_label = StudentRun(config, "lee", EmptyOpener(), seed_label="notebook")
    assert labelled.seed == same_label.seed != alone.seed
    assert (labelled.job.student, alone.job.student) == ("notebook", "kim")

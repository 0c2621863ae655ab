"""One student's grading run: the seed, the way their exercises are opened, timing, and the log
of each exercise (the file graded, notes about it, the student's output, seconds).

Every way of grading makes one ``StudentRun`` per student and hands them to ``grade_runs``: the
batch workers of ``course grade`` (many students, each in a sandbox), one-at-a-time sandbox
sessions (nbgrader's secure autograde), ``course check``, notebook test cells and the project's
own tests. ``grade_runs`` grades them all in one pytest session, so the graders are collected
once however many students follow; that is what makes a batch worker fast.

Only the opener differs between those callers: ``SandboxOpener`` serves a student's folder
through their sandbox child (the student's code never runs here), ``grader.grading.local``'s
openers load the code into this process (fine for self-checks, never for scores that count).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from grader.course.config import CourseConfig
from grader.course.exercises import find_exercise_file, near_misses
from grader.course.messages import Msg
from grader.grading.plugin import StudentJob, TestRecord, derive_seed
from grader.grading.results import ExerciseRun
from grader.grading.root_cause import CauseScope, mark_repeated_causes
from grader.grading.runner import Visibility, run_graders
from grader.grading.submission import Submission
from grader.wire.protocol import OutputLog, StudentFailure

if TYPE_CHECKING:  # the sandbox and the in-process agent are imported where they are used
    from grader.grading.local import FolderOpener, NamespaceOpener
    from grader.sandbox.remote import SandboxSettings, StudentSandbox, ZygoteClient


class ExerciseOpener(Protocol):
    """How a run reaches a student's exercises: through the sandbox, or in this process."""

    def open(self, exercise: str, log: ExerciseRun) -> AbstractContextManager[Submission]:
        """Serve ``exercise`` to the graders; record the file and the output in ``log``."""
        ...

    def close(self) -> None:
        """Release what serving the student took (their sandbox child); safe to repeat."""
        ...


OpenerT = TypeVar("OpenerT", bound=ExerciseOpener)


def locate_exercise(
    folder: Path, exercise: str, log: ExerciseRun, output_limit: int
) -> tuple[Path | None, tuple[Msg, ...], OutputLog]:
    """What every opener does first: the exercise's file in ``folder`` (None when there is none)
    and the notes about it, with ``log`` told the file and holding the output log, created at
    the first open (the public and the hidden module of an exercise share it)."""
    if log.output is None:
        log.output = OutputLog(limit=output_limit)
    path, notes = find_exercise_file(folder, exercise)
    if path is not None:
        log.file = path.name
    return path, notes, log.output


def not_submitted(folder: Path, exercise: str, output: OutputLog) -> Submission:
    """What the graders get for an exercise without a file, whichever way the run opens it:
    its failure names the expected file and the near misses found in ``folder``."""
    failure = StudentFailure(
        "no_file", message=exercise, detail="\n".join(near_misses(folder, exercise))
    )
    return Submission(exercise, None, load_failure=failure, output=output)


def student_seed(config: CourseConfig, label: str) -> int:
    """The seed of the student's sandbox child (the graders' inputs are seeded per test from
    the same label, in ``grader.grading.plugin``)."""
    return derive_seed(config.course.seed, label)


class StudentRun(Generic[OpenerT]):
    """One student being graded: who, with which seed, through which opener, and what was seen.

    ``student`` names the student (their folder); ``seed_label``, when given, replaces it in
    every seed, so that runs of different students draw the same inputs (nbgrader's notebooks
    are all seeded as ``grader.grading.notebook.NOTEBOOK_STUDENT``). ``facts`` are
    instructor-only details the caller records for the result (e.g. the fingerprint of the
    inputs, taken before grading began).
    """

    def __init__(
        self,
        config: CourseConfig,
        student: str,
        opener: OpenerT,
        *,
        seed_label: str | None = None,
        facts: dict[str, Any] | None = None,
    ) -> None:
        self.student = student
        self.label = seed_label or student
        self.seed = student_seed(config, self.label)
        self.language = config.course.language
        self.opener = opener
        self.facts = dict(facts or {})
        self.exercises: dict[str, ExerciseRun] = {}
        self.started = time.monotonic()
        self.job = StudentJob(self.label, self._open)
        # where a root cause is reported once (grader.grading.root_cause): the exercise, or each
        # notebook test cell for runs whose records are shown cell by cell
        self.cause_scope: CauseScope = "exercise"

    # ------------------------------------------------------------------ ways to open exercises
    @staticmethod
    def sandboxed(
        config: CourseConfig,
        student: str,
        folder: Path,
        zygote: ZygoteClient,
        settings: SandboxSettings,
        *,
        seed_label: str | None = None,
        facts: dict[str, Any] | None = None,
    ) -> StudentRun[SandboxOpener]:
        """The student's files in ``folder``, run in a sandbox child forked by ``zygote``."""
        from grader.sandbox.remote import StudentSandbox

        sandbox = StudentSandbox(zygote, settings, student_seed(config, seed_label or student))
        opener = SandboxOpener(sandbox, folder)
        return StudentRun(config, student, opener, seed_label=seed_label, facts=facts)

    @staticmethod
    def in_process(config: CourseConfig, student: str, folder: Path) -> StudentRun[FolderOpener]:
        """The student's files in ``folder``, loaded into this process (self-checks, tests)."""
        from grader.grading.local import FolderOpener

        opener = FolderOpener(folder, config.grading.limits.output_kb * 1024)
        return StudentRun(config, student, opener)

    @staticmethod
    def in_namespace(
        config: CourseConfig, label: str, namespace: dict[str, Any]
    ) -> StudentRun[NamespaceOpener]:
        """Functions a notebook already defined in its own globals (its test cells)."""
        from grader.grading.local import NamespaceOpener

        run = StudentRun(config, label, NamespaceOpener(namespace))
        run.job.notebook_cells = True
        return run

    # ------------------------------------------------------------------ what the graders left
    @property
    def records(self) -> list[TestRecord]:
        return self.job.records

    @property
    def artifacts(self) -> dict[str, Any]:
        return self.job.artifacts

    def seconds(self) -> float:
        """Time since the run was created (the student's execution time in the result)."""
        return time.monotonic() - self.started

    def close(self) -> None:
        self.opener.close()

    @contextmanager
    def _open(self, exercise: str) -> Iterator[Submission]:
        """What the ``submission`` fixture opens, once per grader module: the public and the
        hidden module of an exercise share its log (file, output, time, notes)."""
        log = self.exercises.setdefault(exercise, ExerciseRun())
        started = time.monotonic()
        with self.opener.open(exercise, log) as submission:
            yield submission
        log.seconds += time.monotonic() - started
        log.notes = [note.render(self.language) for note in submission.notes]


class SandboxOpener:
    """A student's folder, served through their sandbox child: the file is read here (without
    following links, size-capped) and loaded there; every grader request goes to the child."""

    def __init__(self, sandbox: StudentSandbox, folder: Path) -> None:
        self.sandbox = sandbox
        self.folder = folder

    @contextmanager
    def open(self, exercise: str, log: ExerciseRun) -> Iterator[Submission]:
        from grader.sandbox.remote import RemoteTransport

        limit = self.sandbox.settings.output_bytes
        path, notes, output = locate_exercise(self.folder, exercise, log, limit)
        if path is None:
            yield not_submitted(self.folder, exercise, output)
            return
        reply = self.sandbox.load_file(exercise, path, output)
        transport = RemoteTransport(self.sandbox, exercise, output)
        yield Submission(
            exercise, transport, load_failure=reply.failure, output=output, notes=notes
        )

    def close(self) -> None:
        self.sandbox.close()


def grade_runs(
    config: CourseConfig,
    exercises: Sequence[str],
    visibilities: Sequence[Visibility],
    runs: Iterable[StudentRun[Any]],
    *,
    gpu_visible: bool,
    on_graded: Callable[[StudentRun[Any]], None] = StudentRun.close,
) -> None:
    """Grade every run of ``runs`` in one pytest session; ``runs`` may be produced lazily.

    ``on_graded(run)`` is called as soon as all of a run's graders are done (its records are
    complete and every exercise it opened is closed), before the next run is taken; the default
    closes the run. A run whose grading was cut short (interrupted, a grader that could not
    run) is closed here and never passed to ``on_graded``.
    """
    jobs = _jobs(runs, on_graded)
    try:
        run_graders(config, exercises, visibilities, jobs, gpu_visible=gpu_visible)
    finally:
        jobs.close()


def _jobs(
    runs: Iterable[StudentRun[Any]], on_graded: Callable[[StudentRun[Any]], None]
) -> Iterator[StudentJob]:
    """The plugin's jobs, one per run. The plugin takes the next job only once it has run every
    test of the previous one, so the code after ``yield`` sees that run's grading complete."""
    for run in runs:
        try:
            yield run.job
        except GeneratorExit:  # grading stopped during this run: kill what it still holds
            with contextlib.suppress(Exception):
                run.close()
            raise
        mark_repeated_causes(run.records, run.cause_scope)
        on_graded(run)

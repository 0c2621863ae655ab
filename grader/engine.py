"""``course grade``: grade a whole class in parallel, each student in a sandbox.

The main process only lists students, hands them to worker processes and shows progress. Each
worker runs one pytest session of all graders, loops over the students it is given, and writes
each student's results atomically as soon as they are graded, so an interrupted batch resumes
where it stopped. Student code only ever runs in sandbox children of a worker's zygote.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from grader.config import CourseConfig
from grader.exercises import EXERCISE_IDS
from grader.fsutil import atomic_write_text
from grader.plugin import StudentJob, derive_seed
from grader.results import ExerciseRun, build_results, grades_csv, load_results

RESULTS = "results.json"
FEEDBACK = "feedback.html"
_STOP = None


class GradingError(Exception):
    """The grader itself could not work (not a student's fault)."""


@dataclass
class BatchSummary:
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed_workers: list[str] = field(default_factory=list)
    seconds: float = 0.0


def list_students(submissions: Path) -> list[str]:
    """Student folders (not links, not hidden), in a stable order."""
    if not submissions.is_dir():
        raise GradingError(f"{submissions} is not a folder")
    students = []
    for entry in sorted(submissions.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.is_symlink() or not entry.is_dir():
            continue
        students.append(entry.name)
    return students


def hidden_paths(course_root: Path, submissions: Path, out: Path) -> tuple[str, ...]:
    """Folders and files a sandbox child must not see: solutions, hidden graders, other
    students, results. The Python environment and the grader package itself stay visible
    (the child needs nothing from them, but hiding them would break lazy imports)."""
    import sys

    import grader

    package = Path(grader.__file__).resolve().parent
    prefix = Path(sys.prefix).resolve()
    keep = {package, prefix}
    hide = {package / "hidden", submissions.resolve(), out.resolve()}
    for entry in course_root.resolve().iterdir():
        if any(entry == k or entry in k.parents for k in keep):
            continue
        hide.add(entry)
    return tuple(sorted(str(p) for p in hide if p.exists()))


# --------------------------------------------------------------------------- worker
@dataclass(frozen=True)
class WorkerSpec:
    index: int
    config: CourseConfig
    course_root: Path
    submissions: Path
    out: Path
    gpu: bool
    hide: tuple[str, ...]


def _worker_main(spec: WorkerSpec, tasks: mp.Queue, done: mp.Queue) -> None:
    """A grading worker: its own zygote, one pytest session, many students."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    from grader.sandbox.confine import PR_SET_DUMPABLE, PR_SET_PDEATHSIG, prctl

    prctl(PR_SET_DUMPABLE, 0)  # same-uid sandboxes must not read this process's memory
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM)  # the main process died: stop, never grade on alone
    from grader.runner import run_graders
    from grader.sandbox.remote import StudentSandbox, ZygoteClient, open_recorded, settings_for

    config = spec.config
    settings = settings_for(config, spec.index, spec.hide, spec.gpu)
    state: dict[str, Any] = {}
    zygote = ZygoteClient(gpu=spec.gpu)
    try:

        def jobs() -> Iterator[StudentJob]:
            while (student := tasks.get()) is not _STOP:
                seed = derive_seed(config.course.seed, student)
                sandbox = StudentSandbox(zygote, settings, seed)
                runs: dict[str, ExerciseRun] = {}
                folder = spec.submissions / student
                state.update(sandbox=sandbox, runs=runs, seed=seed, started=time.monotonic())
                yield StudentJob(
                    student,
                    partial(open_recorded, sandbox, folder, runs, config.course.language),
                )

        def finished(job: StudentJob) -> None:
            state["sandbox"].close()
            seconds = time.monotonic() - state["started"]
            results = build_results(
                job, config, state["runs"], seconds=seconds, gpu=spec.gpu, seed=state["seed"],
                artifacts=job.artifacts,
            )  # fmt: skip
            write_student(spec.out / job.student, results, config.course.language)
            done.put(("graded", job.student, results["score"], seconds))

        run_graders(
            config, EXERCISE_IDS, ["public", "hidden"], jobs(), gpu_visible=spec.gpu,
            on_student_done=finished,
        )  # fmt: skip
    except KeyboardInterrupt:
        pass
    except Exception as exc:
        done.put(("error", f"worker {spec.index}: {type(exc).__name__}: {exc}", 0.0, 0.0))
    finally:
        if state.get("sandbox") is not None:  # interrupted mid-student: kill its processes too
            with contextlib.suppress(Exception):
                state["sandbox"].close()
        zygote.close()
        done.put(("exit", str(spec.index), 0.0, 0.0))


def write_student(folder: Path, results: dict[str, Any], language: str) -> None:
    """results.json and feedback.html, each written atomically (feedback first: results.json
    marks the student as done)."""
    import json

    from grader.reports.feedback import render_feedback

    atomic_write_text(folder / FEEDBACK, render_feedback(results, language))
    atomic_write_text(folder / RESULTS, json.dumps(results, ensure_ascii=False, indent=1))


# --------------------------------------------------------------------------- main process
def grade_class(
    config: CourseConfig,
    course_root: Path,
    submissions: Path,
    out: Path,
    *,
    workers: int,
    force: bool,
    gpu: bool,
    progress: Any = None,
) -> BatchSummary:
    """Grade every student folder in ``submissions`` into ``out``; see the module docstring."""
    summary = BatchSummary()
    started = time.monotonic()
    students = list_students(submissions)
    out.mkdir(parents=True, exist_ok=True)
    todo = []
    for student in students:
        if not force and load_results(out / student / RESULTS) is not None:
            summary.skipped.append(student)
        else:
            todo.append(student)
    if progress is not None:
        progress.start(len(todo))
    if todo:
        _run_workers(config, course_root, submissions, out, todo, workers, gpu, summary, progress)
    finish_batch(out, students, config.course.language)
    summary.seconds = time.monotonic() - started
    return summary


def _run_workers(
    config, course_root, submissions, out, todo, workers, gpu, summary, progress
) -> None:
    context = mp.get_context("spawn")
    tasks: mp.Queue = context.Queue()
    done: mp.Queue = context.Queue()
    for student in todo:
        tasks.put(student)
    count = max(1, min(workers, len(todo)))
    for _ in range(count):
        tasks.put(_STOP)
    hide = hidden_paths(course_root, submissions, out)
    processes = [
        context.Process(
            target=_worker_main,
            args=(WorkerSpec(i, config, course_root, submissions, out, gpu, hide), tasks, done),
            daemon=True,
        )
        for i in range(count)
    ]
    for process in processes:
        process.start()
    running = count
    finished = False
    previous = None
    if threading.current_thread() is threading.main_thread():  # SIGTERM stops like Ctrl-C
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        while running:
            try:
                kind, what, score, seconds = done.get(timeout=1.0)
            except queue.Empty:
                dead = [p for p in processes if not p.is_alive() and p.exitcode not in (0, None)]
                if dead and all(not p.is_alive() for p in processes):
                    summary.failed_workers.append(
                        f"workers died (exit codes {[p.exitcode for p in processes]})"
                    )
                    break
                continue
            if kind == "graded":
                summary.graded.append(what)
                if progress is not None:
                    progress.advance(what, score, seconds)
            elif kind == "error":
                summary.failed_workers.append(what)
            elif kind == "exit":
                running -= 1
        finished = True
    finally:
        for process in processes:
            if not finished and process.is_alive():
                process.terminate()  # interrupted: workers stop and kill their sandboxes
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def finish_batch(out: Path, students: list[str], language: str) -> None:
    """grades.csv and report.html from every student's results.json in ``out``."""
    from grader.reports.class_report import render_class_report

    results = [r for s in students if (r := load_results(out / s / RESULTS)) is not None]
    atomic_write_text(out / "grades.csv", grades_csv(results))
    atomic_write_text(out / "report.html", render_class_report(results, language))

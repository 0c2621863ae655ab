"""``course grade``: grade a whole class in parallel, each student in a sandbox.

The main process only lists students, hands them to worker processes and shows progress. Each
worker leases a sandbox slot, runs one pytest session of all graders, loops over the students it
is given, and writes each student's results atomically as soon as they are graded, so an
interrupted batch resumes where it stopped. Student code only ever runs in sandbox children of a
worker's zygote.

Nothing about one student may cost another their grade: a worker that dies is replaced and its
student handed out again, a student whose grading the host interrupted (the zygote killed, say)
is graded again from the start, and a student who still cannot be graded is reported as "not
graded" with a non-zero exit, never silently missing.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import re
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from grader.course.config import CourseConfig
from grader.course.exercises import EXERCISE_IDS
from grader.course.files import atomic_write_text
from grader.grading.fingerprint import result_fingerprint
from grader.grading.results import (
    StudentResult,
    build_results,
    grades_csv,
    load_results,
)
from grader.grading.student_names import display_name, output_folder
from grader.grading.student_run import SandboxOpener, StudentRun, grade_runs
from grader.sandbox.interpreter import safe_path_for_children

RESULTS = "results.json"
FEEDBACK = "feedback.html"
_STOP = None
ATTEMPTS = 2  # a student whose grading the host interrupted this often is reported, not retried
WORKER_RESTARTS = 4  # replacements for workers that died, per batch
OUTPUT_MARK = ".course-grade-output"  # in OUT: see ``is_output_folder``
EXERCISE_FILE = re.compile(r"ex\d\d.*\.(py|ipynb)", re.IGNORECASE)  # also near-miss names


class GradingError(Exception):
    """The grader itself could not work (not a student's fault)."""


@dataclass
class BatchSummary:
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    not_graded: dict[str, str] = field(default_factory=dict)  # student -> why (grader's fault)
    regraded: list[str] = field(default_factory=list)  # interrupted by the host, graded again
    failed_workers: list[str] = field(default_factory=list)
    results: list[StudentResult] = field(default_factory=list)  # every student's, this run or not
    confinement: dict[str, bool] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        """Every student was graded (or skipped as up to date)."""
        return not self.not_graded and not self.failed_workers


def list_students(submissions: Path, exclude: Path | None = None) -> list[str]:
    """Student folders (not links, not hidden, not the output folder of this run or of an
    earlier one), in a stable order."""
    if not submissions.is_dir():
        raise GradingError(f"{submissions} is not a folder")
    excluded = exclude.resolve() if exclude is not None else None
    students = []
    for entry in sorted(submissions.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.is_symlink() or not entry.is_dir():
            continue
        if (excluded is not None and entry.resolve() == excluded) or is_output_folder(entry):
            continue
        students.append(entry.name)
    return students


def is_output_folder(folder: Path) -> bool:
    """Whether ``course grade`` wrote into ``folder`` (its mark, left by ``mark_output_folder``):
    an OUT kept inside SUBMISSIONS is never graded as a student by a later run, whatever
    ``--out`` that run is given."""
    return (folder / OUTPUT_MARK).is_file()


def mark_output_folder(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if not is_output_folder(out):
        atomic_write_text(out / OUTPUT_MARK, "written by `course grade`: results, not a student\n")


def student_folder(config: CourseConfig, submissions: Path, student: str) -> Path:
    """The folder graded for ``student``: their own, or in nbgrader's collected layout
    (``submitted/<student>/<assignment>/*.ipynb``, what ``nbgrader collect`` leaves) the
    course's assignment folder inside it, so ``course grade submitted`` grades as it is."""
    folder = submissions / student
    assignment = folder / config.nbgrader.assignment
    if assignment.is_dir() and not assignment.is_symlink() and not _exercise_files_in(folder):
        return assignment
    return folder


def _exercise_files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if EXERCISE_FILE.fullmatch(p.name))


def check_submissions_folder(submissions: Path, students: list[str], assignment: str) -> None:
    """SUBMISSIONS must hold one folder per student: a folder that holds exercise files itself
    is one student's folder given by mistake, and so is one whose only folder is the course's
    nbgrader assignment with exercise files in it (``submitted/<student>`` of nbgrader's
    collected layout); one without student folders would grade nobody. All are errors, never
    an empty report or a phantom student named after the assignment."""
    if own := _exercise_files_in(submissions):
        raise GradingError(
            f"{submissions} holds exercise files itself ({', '.join(own[:3])}): it looks like "
            "one student's folder; give the folder that holds one folder per student"
        )
    inner = submissions / assignment
    if students == [assignment] and inner.is_dir() and (own := _exercise_files_in(inner)):
        raise GradingError(
            f"{submissions} holds only the assignment folder {assignment}/ with exercise files "
            f"({', '.join(own[:3])}): it looks like one student's folder of nbgrader's collected "
            f"layout (submitted/<student>/{assignment}/); give the folder that holds one folder "
            "per student (e.g. submitted/)"
        )
    if not students:
        raise GradingError(
            f"{submissions} holds no student folders (expected one folder per student, each "
            "with exNN_name.py or exNN_name.ipynb files)"
        )


def hidden_paths(course_root: Path, submissions: Path, out: Path) -> tuple[str, ...]:
    """Folders and files a sandbox child must not see: solutions, hidden graders, other
    students, results. The Python environment and the grader package itself stay visible
    (the child needs nothing from them, but hiding them would break lazy imports)."""
    import grader

    package = Path(grader.__file__).resolve().parent
    # every folder imports may come from (a venv can reach site-packages through a .pth outside
    # its prefix), but never the hidden graders, the solutions, the students or the results
    keep = {package, Path(sys.prefix).resolve()}
    keep.update(Path(entry).resolve() for entry in sys.path if entry and Path(entry).is_dir())
    hide = {
        package / "graders" / "hidden",
        course_root.resolve() / "solutions",
        submissions.resolve(),
        out.resolve(),
    }
    for entry in course_root.resolve().iterdir():
        if any(entry == k or entry in k.parents for k in keep):
            continue
        hide.add(entry)
    return tuple(sorted(str(p) for p in hide if p.exists()))


def check_output_folder(submissions: Path, out: Path) -> None:
    """OUT may sit beside the students' folders, never be the submissions folder itself, lie
    inside a student's folder or be one: grading never writes into what a student handed in.
    A folder beside the students is taken as OUT only when it is new, empty or an earlier OUT."""
    subs, target = submissions.resolve(), out.resolve()
    if target == subs:
        raise GradingError(f"--out {out} is the submissions folder itself; choose another folder")
    if subs in target.parents and target.parent != subs:
        raise GradingError(f"--out {out} lies inside a student's folder in {submissions}")
    beside = target.parent == subs and target.is_dir()
    if beside and not is_output_folder(target) and any(target.iterdir()):
        raise GradingError(
            f"--out {out} is a folder in {submissions} that course grade did not write "
            "(a student's folder?); choose a new folder"
        )


def is_up_to_date(config: CourseConfig, submissions: Path, out: Path, student: str, gpu: bool):
    """Whether the student's results.json was computed from exactly today's inputs."""
    results = load_results(out / output_folder(student) / RESULTS)
    if results is None:
        return False
    recorded = results.extra_data.fingerprint
    folder = student_folder(config, submissions, student)
    return recorded == result_fingerprint(config, folder, gpu=gpu)


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


def _worker_main(spec: WorkerSpec, conn: Connection) -> None:
    """A grading worker: a leased sandbox slot, its own zygote, one pytest session.

    It talks to the main process over a pipe of its own (no lock shared with other workers, so
    a worker killed mid-message cannot block the rest): it asks for a student with "ready" and
    reports each one as "graded", "failed" or "requeue"."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    from grader.sandbox.confine import PR_SET_DUMPABLE, PR_SET_PDEATHSIG, prctl

    prctl(PR_SET_DUMPABLE, 0)  # same-uid sandboxes must not read this process's memory
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM)  # the main process died: stop, never grade on alone
    from grader.sandbox.remote import ZygoteClient, settings_for
    from grader.sandbox.slots import lease_slot

    config, index = spec.config, spec.index
    private_paths = tuple(
        str(p.resolve()) for p in (spec.course_root, spec.submissions, spec.out, Path(sys.prefix))
    )
    language = config.course.language
    zygote: ZygoteClient | None = None
    lease = None
    try:
        lease = lease_slot(config.grading.sandbox_uid_base)
        settings = settings_for(config, lease.slot, spec.hide, spec.gpu)
        zygote = ZygoteClient(gpu=spec.gpu)

        def students() -> Iterator[StudentRun[SandboxOpener]]:
            """Students from the main process, one at a time, until it says stop."""
            nonlocal zygote
            while True:
                conn.send(("ready", index, None, None))
                if (student := conn.recv()) is _STOP:
                    return
                if not zygote.alive():  # killed between students: a fresh one
                    zygote.close()
                    zygote = ZygoteClient(gpu=spec.gpu)
                folder = student_folder(config, spec.submissions, student)
                fingerprint = result_fingerprint(config, folder, gpu=spec.gpu)  # before grading
                yield StudentRun.sandboxed(
                    config, student, folder, zygote, settings, facts={"fingerprint": fingerprint}
                )

        def graded(run: StudentRun[SandboxOpener]) -> None:
            sandbox = run.opener.sandbox
            try:
                run.close()  # the child's folder and pipe go even when the zygote is gone
            except OSError as exc:  # the zygote went away during the clean-up
                conn.send(("requeue", index, run.student, f"sandbox clean-up failed: {exc}"))
                return
            if not zygote.alive():  # it went away during this student's tests
                conn.send(("requeue", index, run.student, "the sandbox zygote was killed"))
                return
            try:
                results = build_results(
                    run.job, config, run.exercises, seconds=run.seconds(), gpu=spec.gpu,
                    seed=run.seed, artifacts=run.artifacts, student=display_name(run.student),
                    private_paths=private_paths,
                    extra={
                        "fingerprint": run.facts["fingerprint"],
                        "confinement": sandbox.confinement,
                        "host_interruptions": sandbox.host_interruptions,
                    },
                )  # fmt: skip
                write_student(spec.out / output_folder(run.student), results, language)
            except Exception as exc:  # a grader bug for this student: the batch goes on
                conn.send(("failed", index, run.student, f"{type(exc).__name__}: {exc}"))
                return
            conn.send(
                (
                    "graded", index, run.student,
                    {
                        "score": results.score, "seconds": results.execution_time,
                        "confinement": sandbox.confinement,
                        "regraded": sandbox.host_interruptions > 0,
                    },
                )
            )  # fmt: skip

        grade_runs(
            config, EXERCISE_IDS, ["public", "hidden"], students(), gpu_visible=spec.gpu,
            on_graded=graded,
        )  # fmt: skip
    except KeyboardInterrupt:
        pass
    except Exception as exc:
        conn.send(("error", index, None, f"worker {index}: {type(exc).__name__}: {exc}"))
    finally:  # a student interrupted mid-grading had their sandbox closed by ``grade_runs``
        if zygote is not None:
            zygote.close()
        if lease is not None:
            lease.release()
        with contextlib.suppress(OSError):
            conn.send(("exit", index, None, None))


def write_student(folder: Path, results: StudentResult, language: str) -> None:
    """results.json and feedback.html, each written atomically (feedback first: results.json
    marks the student as done)."""
    from grader.reports.feedback import render_feedback

    atomic_write_text(folder / FEEDBACK, render_feedback(results, language))
    atomic_write_text(folder / RESULTS, results.to_json())


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
    check_output_folder(submissions, out)
    students = list_students(submissions, exclude=out)
    check_submissions_folder(submissions, students, config.nbgrader.assignment)
    mark_output_folder(out)
    todo = []
    for student in students:
        if not force and is_up_to_date(config, submissions, out, student, gpu):
            summary.skipped.append(display_name(student))
        else:
            todo.append(student)
    if progress is not None:
        progress.start(len(todo))
    if todo:
        pool = _WorkerPool(config, course_root, submissions, out, gpu, summary, progress)
        pool.run(todo, workers)
    summary.results = finish_batch(
        out, students, config.course.language, course_title=config.course.title
    )
    summary.seconds = time.monotonic() - started
    return summary


class _WorkerPool:
    """Worker processes, each on a pipe of its own; the main process hands out the students one
    at a time and keeps the account of who is done.

    A student comes back to the backlog when their worker died or the host interrupted their
    grading, and any worker that asks next takes them; a worker that died is replaced while
    students are left (within a budget, so a grader that cannot work at all still stops).
    """

    def __init__(self, config, course_root, submissions, out, gpu, summary, progress) -> None:
        self.context = mp.get_context("spawn")
        hide = hidden_paths(course_root, submissions, out)
        self.spec = partial(WorkerSpec, config=config, course_root=course_root,
                            submissions=submissions, out=out, gpu=gpu, hide=hide)  # fmt: skip
        self.summary, self.progress = summary, progress
        self.workers: dict[int, tuple[mp.Process, Connection]] = {}
        self.in_flight: dict[int, str] = {}
        self.idle: set[int] = set()
        self.attempts: Counter[str] = Counter()
        self.backlog: deque[str] = deque()
        self.pending: set[str] = set()
        self.restarts = 0
        self.started = 0  # worker numbers are never reused: a late message names its sender

    def _start_worker(self) -> None:
        index, self.started = self.started, self.started + 1
        ours, theirs = self.context.Pipe(duplex=True)
        process = self.context.Process(
            target=_worker_main, args=(self.spec(index=index), theirs), daemon=True
        )
        # safe path: `course grade .` may run inside the submissions folder
        with safe_path_for_children(), _children_ignore_ctrl_c():
            process.start()
        theirs.close()
        self.workers[index] = (process, ours)

    def _dispatch(self) -> None:
        """Give idle workers the next students, or tell them to stop once all are done."""
        for worker in sorted(self.idle):
            if self.backlog:
                student = self.backlog.popleft()
                self.in_flight[worker] = student
            elif not self.pending:
                student = _STOP
            else:
                continue  # students are still being graded elsewhere and may come back
            self.idle.discard(worker)
            with contextlib.suppress(OSError):
                self.workers[worker][1].send(student)

    def _hand_back(self, student: str, why: str) -> None:
        self.attempts[student] += 1
        if self.attempts[student] < ATTEMPTS:
            self.backlog.append(student)
        else:
            self._not_graded(student, f"not graded: grader error ({why})")

    def _not_graded(self, student: str, why: str) -> None:
        self.pending.discard(student)
        self.summary.not_graded[display_name(student)] = why
        if self.progress is not None:
            self.progress.advance(display_name(student), None, 0.0)

    def _on_message(self, kind: str, worker: int, student: str | None, data: Any) -> None:
        if kind == "ready":
            self.idle.add(worker)
        elif kind == "graded":
            self.in_flight.pop(worker, None)
            self.pending.discard(student)
            name = display_name(student)
            self.summary.graded.append(name)
            self.summary.confinement = self.summary.confinement or data["confinement"]
            if data["regraded"]:
                self.summary.regraded.append(name)
            if self.progress is not None:
                self.progress.advance(name, data["score"], data["seconds"])
        elif kind == "requeue":
            self.in_flight.pop(worker, None)
            if display_name(student) not in self.summary.regraded:
                self.summary.regraded.append(display_name(student))
            self._hand_back(student, data)
        elif kind == "failed":
            self.in_flight.pop(worker, None)
            self._not_graded(student, f"not graded: grader error ({data})")
        elif kind == "error":
            self.summary.failed_workers.append(data)
        elif kind == "exit":
            self._retire(worker, "stopped")

    def _retire(self, worker: int, how: str) -> None:
        """A worker is gone: its student goes back to the backlog, and while students are left
        a replacement starts (within the batch's budget of restarts)."""
        if worker not in self.workers:
            return
        process, conn = self.workers.pop(worker)
        conn.close()
        process.join(timeout=30)
        self.idle.discard(worker)
        student = self.in_flight.pop(worker, None)
        if student is not None:
            self._hand_back(student, f"worker {worker} {how}")
        if self.pending and self.restarts < WORKER_RESTARTS:
            self.restarts += 1
            self._start_worker()

    def run(self, todo: list[str], workers: int) -> None:
        self.pending = set(todo)
        self.backlog.extend(todo)
        for _ in range(max(1, min(workers, len(todo)))):
            self._start_worker()
        previous = None
        if threading.current_thread() is threading.main_thread():  # SIGTERM stops like Ctrl-C
            previous = signal.signal(signal.SIGTERM, _interrupt)
        finished = False
        try:
            while self.workers:
                self._dispatch()
                by_conn = {conn: index for index, (_, conn) in self.workers.items()}
                for conn in wait(list(by_conn), timeout=1.0):
                    try:
                        message = conn.recv()
                    except (EOFError, OSError):  # the worker died
                        process = self.workers[by_conn[conn]][0]
                        process.join(timeout=5)
                        self._retire(by_conn[conn], f"died (exit code {process.exitcode})")
                        continue
                    self._on_message(*message)
            for student in sorted(self.pending):  # no worker left to grade them
                self._not_graded(student, "not graded: no grading worker could run")
            finished = True
        finally:
            self._stop(finished)
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    def _stop(self, finished: bool) -> None:
        for process, _ in self.workers.values():
            if not finished and process.is_alive():
                process.terminate()  # interrupted: workers stop and kill their sandboxes
        for process, conn in self.workers.values():
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
            conn.close()


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _children_ignore_ctrl_c() -> Iterator[None]:
    """Workers started inside this block ignore Ctrl-C from their first instruction (an
    interpreter started with SIGINT ignored keeps it so), not only once ``_worker_main`` runs:
    Ctrl-C reaches the terminal's whole process group, and a worker still importing would print
    a traceback. The main process alone stops the batch (``_stop`` terminates the workers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def finish_batch(
    out: Path, students: list[str], language: str, *, course_title: str = ""
) -> list[StudentResult]:
    """grades.csv and report.html from every student's results.json in ``out``; returns those
    results (for the console table and the instructor's list of grader errors)."""
    from grader.reports.class_report import render_class_report

    results = [
        r for s in students if (r := load_results(out / output_folder(s) / RESULTS)) is not None
    ]
    atomic_write_text(out / "grades.csv", grades_csv(results, language))
    report = render_class_report(results, language, course_title=course_title)
    atomic_write_text(out / "report.html", report)
    return results

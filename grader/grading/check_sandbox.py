"""Where ``course check`` runs a student's code: in the sandbox children ``course grade`` uses.

A check is graded like a grade (one ``StudentRun`` through ``grade_runs``), and the student's
code runs in a sandbox child of a zygote under course.yml's limits, so check and grade cannot
diverge: a function that never returns fails after ``call_s`` with the message grading gives,
a file whose top-level code never ends after ``import_s``, everything after ``student_s``, and
the other exercises are still checked. A student's machine is usually no root: the sandbox then
isolates through an unprivileged user namespace (README, "The sandbox"), as for an instructor
who is no root.

Fast, because a check is one student: the zygote (TensorFlow's import, the bulk of a check)
starts as soon as course.yml is read, before the graders are even imported, on a thread of its
own, and this process imports and collects the graders meanwhile (they need no TensorFlow
here). Whether a GPU is visible is asked once, by the probe grading uses, and only where a
device node exists that a GPU build of TensorFlow could use; the zygote starts meanwhile. This
module imports little for that reason: the graders' machinery is imported once it started.

Where no sandbox child can start (not Linux: namespaces, ``prctl`` and ``/proc`` are Linux's;
or the zygote failed), the code runs in this process under ``grader.grading.local.StudentClock``
(the same limits, enforced by a signal), and the check says so once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.course.config import CourseConfig
from grader.course.messages import Msg
from grader.sandbox.gpu_probe import gpu_device_present

if TYPE_CHECKING:  # imported once the zygote is on its way (see the module doc)
    import subprocess
    from contextlib import AbstractContextManager

    from grader.grading.local import FolderOpener
    from grader.grading.results import ExerciseRun
    from grader.grading.student_run import SandboxOpener, StudentRun
    from grader.grading.submission import Submission
    from grader.sandbox.remote import SandboxSettings, ZygoteClient
    from grader.sandbox.slots import SlotLease

STUDENT = "local"  # the label of a check's run: its seeds
IN_PROCESS = Msg(
    "알림: 이 컴퓨터에서는 샌드박스를 시작할 수 없어 ({reason}) 내 코드를 이 프로세스에서 "
    "실행합니다. 시간 제한은 채점과 같습니다.",
    "note: no sandbox can start on this computer ({reason}); your code runs in this process, "
    "under the same time limits as grading.",
)
IN_PROCESS_UNLIMITED = Msg(
    "알림: 이 컴퓨터에서는 샌드박스를 시작할 수 없어 ({reason}) 내 코드를 이 프로세스에서 "
    "시간 제한 없이 실행합니다. 끝나지 않으면 Ctrl-C로 멈추세요.",
    "note: no sandbox can start on this computer ({reason}); your code runs in this process "
    "without time limits. Stop it with Ctrl-C if it does not end.",
)


def why_no_sandbox() -> str:
    """Why no sandbox child can start on this platform, or ""."""
    return "" if sys.platform.startswith("linux") else f"{sys.platform} is not Linux"


class BackgroundZygote:
    """A zygote started on a thread of its own, so that this process goes on meanwhile.

    The thread keeps running until ``close``: the zygote asks the kernel to kill it when its
    parent goes (``PR_SET_PDEATHSIG``), and for the kernel that parent is the thread that
    started it, not the process."""

    def __init__(self, *, gpu: bool) -> None:
        self.gpu = gpu
        self._zygote: ZygoteClient | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._error = ""
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep, name="check-zygote", daemon=True)
        self._thread.start()

    def _keep(self) -> None:
        from grader.sandbox.remote import ZygoteClient

        # Ctrl-C is the student's way to stop the check: the command handles it, and the
        # zygote, in the terminal's process group too, must not die of it with a traceback.
        # A child keeps the signal mask of the thread that started it, and this thread blocks
        # SIGINT (Python lets the main thread take it), as ``course grade``'s workers and
        # zygotes ignore it.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            # No warm-up: it pays off over many children, not the one of a check. The process
            # is published as soon as it runs, so that ``close`` can end a zygote starting.
            self._zygote = ZygoteClient(gpu=self.gpu, warm_up=False, on_start=self._started)
        except Exception as exc:  # SandboxUnavailable, or the interpreter could not start
            self._error = str(exc) or type(exc).__name__
        finally:
            self._ready.set()
        self._stop.wait()
        if self._zygote is not None:
            self._zygote.close()

    def _started(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process

    def wait(self) -> ZygoteClient:
        """The started zygote; ``SandboxUnavailable`` when it could not start."""
        from grader.sandbox.remote import SandboxUnavailable

        self._ready.wait()
        if self._zygote is None:
            raise SandboxUnavailable(self._error)
        return self._zygote

    def close(self, *, wait: bool = False) -> None:
        """Stop the zygote: its thread closes it while this one goes on (printing the table);
        ``wait`` lets one still starting start first, and waits until it is closed. One still
        starting otherwise (Ctrl-C during start-up) is killed at once. Should this process end
        first, the zygote dies with the thread (see the class doc)."""
        self._stop.set()
        if wait:
            self._thread.join()
            return
        if not self._ready.is_set() and self._process is not None:
            self._process.kill()  # its client then fails to start, and the thread ends


class CheckSandbox:
    """The sandbox of one ``course check``, started at once: a context manager that closes the
    zygote and gives its slot back. ``student_run`` is the check's run, ``gpu`` whether the
    graders see a GPU (course.yml's ``gpu`` policy, decided as ``course grade`` decides it)."""

    def __init__(self, config: CourseConfig, course_root: Path, folder: Path) -> None:
        self.config, self.course_root, self.folder = config, course_root, folder
        self.why_not = why_no_sandbox()
        wants_gpu = config.grading.gpu != "off"
        self._maybe_gpu = wants_gpu and not self.why_not and gpu_device_present()
        self.zygote: BackgroundZygote | None = None
        self.lease: SlotLease | None = None
        self._gpu: bool | None = None
        if not self.why_not:  # the sandbox modules are Linux's (``resource``, ``prctl``)
            # imported here: on the thread, its import would take turns with this thread's
            import grader.sandbox.remote  # noqa: F401

            self.zygote = BackgroundZygote(gpu=self._maybe_gpu)
            try:
                self._lease()
            except BaseException:  # Ctrl-C: ``with`` never got the sandbox to close it
                self.close()
                raise

    def _lease(self) -> None:
        from grader.sandbox.slots import NoFreeSlot, lease_slot

        try:
            self.lease = lease_slot(self.config.grading.sandbox_uid_base)
        except (NoFreeSlot, OSError) as exc:
            self.why_not = str(exc)

    @property
    def gpu(self) -> bool:
        if self._gpu is None:
            self._gpu = self._decide_gpu()
        return self._gpu

    def _decide_gpu(self) -> bool:
        if self.config.grading.gpu == "off":
            return False
        if self.why_not:  # TensorFlow runs in this process anyway
            from grader.course.tfenv import gpu_visible_in_process

            return gpu_visible_in_process()
        if not self._maybe_gpu:
            return False
        from grader.sandbox.gpu_probe import host_gpu_visible

        visible = host_gpu_visible()  # while the zygote starts
        if not visible and self.zygote is not None:  # a device node, but no usable GPU: hide it
            self.zygote.close(wait=True)
            self.zygote = BackgroundZygote(gpu=False)
        return visible

    def student_run(self) -> StudentRun[Any]:
        from grader.grading.student_run import StudentRun, student_seed

        gpu = self.gpu
        if self.why_not or self.zygote is None or self.lease is None:
            say_in_process(self.why_not, self.config.course.language)
            return StudentRun(self.config, STUDENT, in_process_opener(self.config, self.folder))
        from grader.sandbox.remote import settings_for

        hide = check_hidden_paths(self.course_root, self.folder)
        settings = settings_for(self.config, self.lease.slot, hide, gpu)
        seed = student_seed(self.config, STUDENT)
        opener = CheckOpener(self.config, self.zygote, settings, seed, self.folder)
        return StudentRun(self.config, STUDENT, opener)

    def __enter__(self) -> CheckSandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self.zygote is not None:
            self.zygote.close()
        if self.lease is not None:
            self.lease.release()


def check_hidden_paths(course_root: Path, folder: Path) -> tuple[str, ...]:
    """What the sandbox child of a check must not see: what grading hides (the folder graded,
    solutions, everything in the course folder but the Python environment), except a folder
    that holds the environment. A student's venv often lives in the folder they check
    (``course check --path .``); covering it would break the imports TensorFlow makes lazily."""
    from grader.grading.batch import hidden_paths

    needed = [Path(sys.prefix).resolve(), Path(__file__).resolve().parent.parent]
    needed += [Path(entry).resolve() for entry in sys.path if entry and Path(entry).is_dir()]
    return tuple(
        path
        for path in hidden_paths(course_root, folder, folder)
        if not any(Path(path) == n or Path(path) in n.parents for n in needed)
    )


class CheckOpener:
    """The opener of a check's run: the sandbox, once the zygote is up (at the first exercise
    the graders open, so the zygote's start-up and the graders' collection overlap); in this
    process, with the same limits, when the zygote could not start."""

    def __init__(
        self, config: CourseConfig, zygote: BackgroundZygote, settings: SandboxSettings,
        seed: int, folder: Path,
    ) -> None:  # fmt: skip
        self.config, self.zygote, self.settings = config, zygote, settings
        self.seed, self.folder = seed, folder
        self._chosen: SandboxOpener | FolderOpener | None = None

    def open(self, exercise: str, log: ExerciseRun) -> AbstractContextManager[Submission]:
        return self._opener().open(exercise, log)

    def _opener(self) -> SandboxOpener | FolderOpener:
        if self._chosen is None:
            self._chosen = self._choose()
        return self._chosen

    def _choose(self) -> SandboxOpener | FolderOpener:
        from grader.grading.student_run import SandboxOpener
        from grader.sandbox.confine import FEATURES
        from grader.sandbox.remote import SandboxUnavailable, StudentSandbox

        try:
            zygote = self.zygote.wait()
        except SandboxUnavailable as exc:
            say_in_process(str(exc), self.config.course.language)
            return in_process_opener(self.config, self.folder)
        # The line ``course grade`` prints for each isolation the host refused is for an
        # instructor, whose students' code it runs; a student checks their own code on their
        # own machine (without cgroups, as a rule), and the limits hold all the same.
        zygote.reported_refusals.update(FEATURES)
        return SandboxOpener(StudentSandbox(zygote, self.settings, self.seed), self.folder)

    def close(self) -> None:
        if self._chosen is not None:
            self._chosen.close()


def in_process_opener(config: CourseConfig, folder: Path) -> FolderOpener:
    """Where no sandbox can start: the files loaded into this process, under course.yml's
    limits (``StudentClock``: see its doc for what it cannot stop)."""
    from grader.grading.local import FolderOpener, StudentClock

    t = config.grading.timeouts
    clock = StudentClock(t.call_s, t.import_s, t.cell_s, t.student_s)
    return FolderOpener(folder, config.grading.limits.output_kb * 1024, clock=clock)


def say_in_process(reason: str, language: str) -> None:
    """One line on stderr, straight to the file descriptor (pytest captures ``sys.stderr``
    while the graders run)."""
    from grader.grading.local import StudentClock

    lines = reason.strip().splitlines()
    message = IN_PROCESS if StudentClock.can_interrupt() else IN_PROCESS_UNLIMITED
    line = message.render(language).format(reason=lines[-1] if lines else "?")
    with contextlib.suppress(OSError):
        os.write(2, f"{line}\n".encode("utf-8", "replace"))

"""In-process openers of a ``StudentRun``: notebook test cells, the project's tests, and
``course check`` where no sandbox child can start (a host without Linux namespaces).

The student's code runs in this very process: that is fine for self-checks, never for scores
that count; ``course grade`` (and ``course check`` wherever it can) uses ``grader.sandbox``.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.grading.student_run import locate_exercise, not_submitted
from grader.grading.submission import Submission
from grader.student.agent import Agent
from grader.student.loader import LoadError, load_seconds, read_raw, source_from_bytes
from grader.wire.protocol import StudentFailure, decode_reply
from grader.wire.replies import failed
from grader.wire.requests import called_function, decode_request

if TYPE_CHECKING:
    from grader.grading.results import ExerciseRun


class _OutOfTime(BaseException):
    """Raised into student code at its deadline; a BaseException, so ``except Exception`` in
    the student's code does not swallow it."""


class StudentClock:
    """course.yml's time limits for student code run in this process: the same rules and the
    same failures as the sandbox's clock (``grader.sandbox.remote.StudentSandbox``).

    Only for ``course check`` on a host where no sandbox child can start: there the deadline is
    a ``SIGALRM`` that interrupts the student's Python code (again every ``REPEAT_S`` if the code
    swallows it). Code stuck inside one native call (a single huge TensorFlow op) stops only when
    that call returns, which the sandbox, killing its child, does not wait for. Where the
    platform has no ``setitimer`` (Windows) or this is not the main thread, nothing can interrupt
    the code and the limits are not enforced.

    Like the sandbox: each request gets ``call_s`` and a file's top-level code ``import_s``
    (``cell_s`` per notebook cell), all capped by ``student_s`` from the first request; a
    function that ran out of time fails every later call at once."""

    REPEAT_S = 0.25

    def __init__(self, call_s: float, import_s: float, cell_s: float, student_s: float) -> None:
        self.call_s, self.import_s = call_s, import_s
        self.cell_s, self.student_s = cell_s, student_s
        self.deadline: float | None = None
        self.timed_out: set[tuple[str, str]] = set()

    def load(self, filename: str, raw: bytes, work: Callable[[], bytes]) -> bytes:
        """``work()`` loading the file ``filename`` whose bytes are ``raw``, within its limit."""
        if self._out_of_time():
            return _timeout(self.student_s)
        seconds = load_seconds(filename, raw, self.import_s, self.cell_s)
        reply = self._limited(seconds, work)
        return _timeout(seconds) if reply is None else reply

    def call(self, exercise: str, payload: bytes, work: Callable[[], bytes]) -> bytes:
        function = called_function(payload)
        if (exercise, function) in self.timed_out:
            return _timeout(self.call_s)
        if self._out_of_time():
            return _timeout(self.student_s)
        reply = self._limited(self.call_s, work)
        if reply is not None:
            return reply
        if function:
            self.timed_out.add((exercise, function))
        return _timeout(self.call_s)

    @staticmethod
    def can_interrupt() -> bool:
        """Whether student code can be interrupted here (see the class doc)."""
        return (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )

    def _out_of_time(self) -> bool:
        now = time.monotonic()
        if self.deadline is None:
            self.deadline = now + self.student_s
        return now >= self.deadline

    def _limited(self, seconds: float, work: Callable[[], bytes]) -> bytes | None:
        """``work()``'s reply, or None when it ran past ``seconds`` or the student's deadline."""
        if self._out_of_time():
            return None
        if not self.can_interrupt():
            return work()
        state = {"armed": True, "fired": False}

        def on_alarm(signum: int, frame: object) -> None:
            if state["armed"]:
                state["fired"] = True
                raise _OutOfTime

        previous = signal.signal(signal.SIGALRM, on_alarm)
        assert self.deadline is not None
        left = min(seconds, self.deadline - time.monotonic())
        signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), self.REPEAT_S)
        reply = None
        try:  # disarmed first thing on every path: an alarm due just now must not escape
            reply = work()
            state["armed"] = False
        except _OutOfTime:
            state["armed"] = False
        finally:
            state["armed"] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return None if state["fired"] else reply


def _timeout(seconds: float) -> bytes:
    """The reply the sandbox gives for a request that ran out of time (same bytes, so the same
    message reaches the student)."""
    return failed("timeout", message=f"{seconds:g}s").encode()


class AgentTransport:
    """Hands requests straight to an in-process agent, as the same bytes the sandbox carries
    and validated by the same schema, so both ways of running graders see the same replies."""

    def __init__(self, agent: Agent, exercise: str = "", clock: StudentClock | None = None) -> None:
        self.agent = agent
        self.exercise = exercise
        self.clock = clock

    def request(self, payload: bytes) -> bytes:
        def answer() -> bytes:
            return self.agent.handle(decode_request(payload)).encode()

        if self.clock is None:
            return answer()
        return self.clock.call(self.exercise, payload, answer)


class FolderOpener:
    """Exercise files from a folder, loaded into this process (the tests; ``course check``
    where no sandbox can start, then with a ``clock`` that enforces course.yml's limits)."""

    def __init__(self, folder: Path, output_limit: int, clock: StudentClock | None = None) -> None:
        self.folder = folder
        self.output_limit = output_limit
        self.clock = clock

    @contextmanager
    def open(self, exercise: str, log: ExerciseRun) -> Iterator[Submission]:
        path, notes, output = locate_exercise(self.folder, exercise, log, self.output_limit)
        if path is None:
            yield not_submitted(self.folder, exercise, output)
            return
        agent = Agent()
        try:
            raw = read_raw(path)
            source = source_from_bytes(raw, path.name)
        except LoadError as exc:
            failure = StudentFailure("load", exc_type="LoadError", message=str(exc))
            yield Submission(exercise, None, load_failure=failure, output=output, notes=notes)
            return

        def load() -> bytes:
            return agent.load_source(source, exercise, str(path)).encode()

        reply = decode_reply(
            load() if self.clock is None else self.clock.load(path.name, raw, load)
        )
        output.add(reply.output)
        try:
            yield Submission(
                exercise, AgentTransport(agent, exercise, self.clock), load_failure=reply.failure,
                output=output, notes=notes,
            )  # fmt: skip
        finally:
            sys.modules.pop(exercise, None)

    def close(self) -> None:
        """Nothing to release: each exercise's module is dropped when its graders are done."""


class NamespaceOpener:
    """Functions a notebook already defined in its own globals, served to its test cells."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace

    @contextmanager
    def open(self, exercise: str, log: ExerciseRun) -> Iterator[Submission]:
        agent = Agent()
        agent.use_namespace(self.namespace)
        yield Submission(exercise, AgentTransport(agent))

    def close(self) -> None:
        """Nothing to release: the notebook's kernel owns its objects."""

"""The trusted side of the sandbox: start the zygote, run one child per student, and carry
grader requests to it under deadlines and size limits.

Everything that comes back is raw bytes for ``grader.protocol.decode_reply`` to validate; when
the child misbehaves (timeout, crash, oversized answer) this module answers for it with a failure
reply of its own, and the next request gets a fresh child.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader.config import CourseConfig
from grader.exercises import find_exercise_file
from grader.protocol import (
    MAX_MESSAGE_BYTES,
    OutputLog,
    ProtocolError,
    Reply,
    StudentFailure,
    decode_reply,
)
from grader.results import ExerciseRun
from grader.sandbox import CONTROL_FD_ENV
from grader.sandbox.confine import ConfinePlan
from grader.sandbox.framing import FrameError, OutputDrain, recv_frame, send_frame
from grader.submission import Submission
from grader.tfenv import QUIET_ENV

MAX_SOURCE_BYTES = 4 * 1024 * 1024
ZYGOTE_START_S = 180


class SandboxUnavailable(Exception):
    """The zygote could not be started: the grader itself cannot work."""


@dataclass(frozen=True)
class SandboxSettings:
    call_s: float
    import_s: float
    student_s: float
    memory_mb: int
    cpu_s: int
    output_bytes: int
    uid: int
    hide: tuple[str, ...] = ()
    limit_address_space: bool = True


def settings_for(
    config: CourseConfig, slot: int, hide: tuple[str, ...], gpu: bool
) -> SandboxSettings:
    """Sandbox settings of worker ``slot`` from course.yml."""
    grading = config.grading
    return SandboxSettings(
        call_s=grading.timeouts.call_s,
        import_s=grading.timeouts.import_s,
        student_s=grading.timeouts.student_s,
        memory_mb=grading.limits.memory_mb,
        cpu_s=grading.limits.cpu_s,
        output_bytes=grading.limits.output_kb * 1024,
        uid=grading.sandbox_uid_base + slot,
        hide=hide,
        limit_address_space=not gpu,
    )


def failure_reply(category: str, message: str = "", exc_type: str = "") -> bytes:
    failure = {"category": category, "message": message, "exc_type": exc_type}
    return json.dumps({"ok": False, "failure": failure}).encode()


# What the zygote, and so every sandbox child, inherits of the grader's environment: what Python,
# TensorFlow, CUDA and the locale need, nothing else. A hub or CI environment holds secrets
# (JUPYTERHUB_API_TOKEN, NBGRADER_DB_URL with a password, cloud keys) that student code must
# never be able to read.
_ENV_NAMES = frozenset(
    ("PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "LD_LIBRARY_PATH", "VIRTUAL_ENV")
)
_ENV_PREFIXES = ("LC_", "PYTHON", "TF_", "CUDA_", "NVIDIA_", "XLA_", "OMP_", "MKL_", "MPL")


def sandbox_environment(gpu: bool) -> dict[str, str]:
    """The allow-listed part of this process's environment, with TensorFlow quietened.

    Without ``gpu`` (no GPU, or course.yml's ``gpu: off``) the children see no GPU either:
    their TensorFlow must agree with the graders' ``gpu_visible``, and CUDA must never start
    under the address-space limit that then applies (it reserves more than the limit at once).
    """
    kept = {
        key: value
        for key, value in os.environ.items()
        if key in _ENV_NAMES or key.startswith(_ENV_PREFIXES)
    }
    if not gpu:
        kept["CUDA_VISIBLE_DEVICES"] = ""
    return {**kept, **QUIET_ENV}


class ZygoteClient:
    """A running zygote process and the control socket to it."""

    def __init__(self, *, gpu: bool) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {**sandbox_environment(gpu), CONTROL_FD_ENV: str(theirs.fileno())}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.sandbox.zygote"],
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.control = ours
        self.control.settimeout(ZYGOTE_START_S)
        try:
            hello = json.loads(self.control.recv(4096) or b"{}")
        except (OSError, ValueError) as exc:
            self.close()
            raise SandboxUnavailable(f"sandbox zygote did not start: {exc}") from None
        if not hello.get("ready"):
            self.close()
            raise SandboxUnavailable("sandbox zygote exited during start-up (see its stderr above)")
        self.control.settimeout(60)

    def _ask(self, request: dict, fds: list[int] | None = None) -> dict:
        data = json.dumps(request).encode()
        if fds:
            socket.send_fds(self.control, [data], fds)
        else:
            self.control.send(data)
        return json.loads(self.control.recv(65536))

    def spawn(self, plan: ConfinePlan, seed: int) -> tuple[int, socket.socket, OutputDrain]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_read, out_write = os.pipe()
        try:
            reply = self._ask(
                {"op": "spawn", "plan": asdict(plan), "seed": seed}, [theirs.fileno(), out_write]
            )
        finally:
            theirs.close()
            os.close(out_write)
        return reply["pid"], ours, OutputDrain(out_read)

    def kill(self, pid: int) -> str:
        return self._ask({"op": "kill", "pid": pid})["status"]

    def close(self) -> None:
        self.control.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _category_for(status: str) -> tuple[str, str]:
    if status == "signal SIGXCPU":
        return "timeout", "CPU"
    if status in ("signal SIGKILL", "signal SIGSEGV", "signal SIGABRT", "signal SIGBUS"):
        return "crash", status
    if status == "exit 70":
        return "crash", "sandbox setup failed"
    return "crash", status


@dataclass
class _Child:
    pid: int
    sock: socket.socket
    drain: OutputDrain
    workdir: str
    loaded: set[str] = field(default_factory=set)


@dataclass
class StudentSandbox:
    """One student's sandbox: a child spawned lazily, replaced after a crash, killed at the end."""

    zygote: ZygoteClient
    settings: SandboxSettings
    seed: int
    deadline: float = 0.0
    child: _Child | None = None
    sources: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    load_failures: dict[str, Reply] = field(default_factory=dict)
    timed_out: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.settings.student_s

    # ------------------------------------------------------------------ child lifecycle
    def _spawn(self) -> _Child:
        workdir = tempfile.mkdtemp(prefix="course-sandbox-")
        if os.geteuid() == 0:
            os.chown(workdir, self.settings.uid, self.settings.uid)
        os.chmod(workdir, 0o700)
        plan = ConfinePlan(
            workdir=workdir,
            uid=self.settings.uid,
            memory_mb=self.settings.memory_mb,
            cpu_s=self.settings.cpu_s,
            hide=list(self.settings.hide),
            limit_address_space=self.settings.limit_address_space,
        )
        pid, sock, drain = self.zygote.spawn(plan, self.seed)
        return _Child(pid, sock, drain, workdir)

    def _end_child(self) -> str:
        child, self.child = self.child, None
        if child is None:
            return ""
        child.sock.close()
        status = self.zygote.kill(child.pid)
        child.drain.pump()
        os.close(child.drain.fd)
        shutil.rmtree(child.workdir, ignore_errors=True)
        return status

    def close(self) -> None:
        self._end_child()

    # ------------------------------------------------------------------ requests
    def _exchange(self, payload: bytes, output: OutputLog, seconds: float) -> tuple[bytes, str]:
        """Send one request; return the raw reply and, if we answered for the child, why."""
        if self.child is None:
            self.child = self._spawn()
        child = self.child
        child.drain.sink = output
        deadline = min(time.monotonic() + seconds, self.deadline)
        try:
            send_frame(child.sock, payload)
            reply = recv_frame(child.sock, MAX_MESSAGE_BYTES, deadline, child.drain)
        except FrameError as exc:
            status = self._end_child()
            if exc.kind == "timeout":
                return failure_reply("timeout", f"{seconds:g}s"), "timeout"
            if exc.kind == "too_large":
                return failure_reply("too_large", str(exc)), "too_large"
            category, message = _category_for(status)
            return failure_reply(category, message), category
        except OSError as exc:  # the child closed its end while we were sending
            category, message = _category_for(self._end_child() or str(exc))
            return failure_reply(category, message), category
        child.drain.pump()
        return reply, ""

    def _out_of_time(self) -> bytes | None:
        if time.monotonic() < self.deadline:
            return None
        return failure_reply("timeout", f"{self.settings.student_s:g}s")

    def load(self, exercise: str, filename: str, source: bytes, output: OutputLog) -> Reply:
        """Load an exercise file in the child; a failed load is remembered for the whole run."""
        self.sources[exercise] = (filename, source)
        raw = (
            self._out_of_time()
            or self._exchange(self._load_request(exercise), output, self.settings.import_s)[0]
        )
        reply = _decode_or_failure(raw)
        if reply.failure is not None:
            self.load_failures[exercise] = reply
        elif self.child is not None:
            self.child.loaded.add(exercise)
        return reply

    def _load_request(self, exercise: str) -> bytes:
        filename, source = self.sources[exercise]
        request = {
            "op": "load",
            "exercise": exercise,
            "filename": filename,
            "source": base64.b64encode(source).decode("ascii"),
        }
        return json.dumps(request).encode()

    def request(self, exercise: str, payload: bytes, output: OutputLog) -> bytes:
        function = _function_of(payload)
        if (exercise, function) in self.timed_out:
            return failure_reply("timeout", f"{self.settings.call_s:g}s")
        late = self._out_of_time()
        if late is not None:
            return late
        if self.child is None or exercise not in self.child.loaded:
            # a fresh child after a crash: load the module again first
            raw, _ = self._exchange(self._load_request(exercise), output, self.settings.import_s)
            if _decode_or_failure(raw).failure is not None:
                return raw
            if self.child is not None:
                self.child.loaded.add(exercise)
        reply, synthesized = self._exchange(payload, output, self.settings.call_s)
        if function and synthesized == "timeout":
            self.timed_out.add((exercise, function))
        return reply


def _decode_or_failure(raw: bytes) -> Reply:
    try:
        return decode_reply(raw)
    except ProtocolError as exc:
        return Reply(None, StudentFailure("crash", message=f"malformed reply: {exc}"))


def _function_of(payload: bytes) -> str:
    request = json.loads(payload)
    return request.get("function", "") if request.get("op") == "call" else ""


class RemoteTransport:
    def __init__(self, sandbox: StudentSandbox, exercise: str, output: OutputLog) -> None:
        self.sandbox, self.exercise, self.output = sandbox, exercise, output

    def request(self, payload: bytes) -> bytes:
        return self.sandbox.request(self.exercise, payload, self.output)


def read_submission_file(path: Path) -> bytes:
    """Read a student's file without following links and with a size cap (it is hostile)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path.name} is not a regular file")
        if info.st_size > MAX_SOURCE_BYTES:
            raise OSError(f"{path.name} is larger than {MAX_SOURCE_BYTES // 1024 // 1024} MB")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(MAX_SOURCE_BYTES + 1)
    finally:
        os.close(fd)


@contextmanager
def open_remote(
    sandbox: StudentSandbox, folder: Path, exercise: str, run: ExerciseRun
) -> Iterator[Submission]:
    """Serve ``exercise`` from a student's folder through the student's sandbox child.

    ``run`` collects what the report needs (file graded, output) across the public and hidden
    grader modules, which both open the same exercise.
    """
    if run.output is None:
        run.output = OutputLog(limit=sandbox.settings.output_bytes)
    output = run.output
    path, notes = find_exercise_file(folder, exercise)
    if path is None:
        yield Submission(exercise, None, load_failure=StudentFailure("no_file"), output=output)
        return
    run.file = path.name
    if exercise in sandbox.load_failures:
        reply = sandbox.load_failures[exercise]
    elif exercise in sandbox.sources:
        reply = Reply(value=None, failure=None)
    else:
        try:
            source = read_submission_file(path)
        except OSError as exc:
            failure = StudentFailure("load", exc_type="OSError", message=str(exc))
            yield Submission(exercise, None, load_failure=failure, output=output, notes=notes)
            return
        reply = sandbox.load(exercise, path.name, source, output)
        output.add(reply.output)
    transport = RemoteTransport(sandbox, exercise, output)
    yield Submission(exercise, transport, load_failure=reply.failure, output=output, notes=notes)


@contextmanager
def open_recorded(
    sandbox: StudentSandbox,
    folder: Path,
    runs: dict[str, ExerciseRun],
    language: str,
    exercise: str,
) -> Iterator[Submission]:
    """``open_remote`` that also records time and notes per exercise for the report."""
    run = runs.setdefault(exercise, ExerciseRun())
    started = time.monotonic()
    with open_remote(sandbox, folder, exercise, run) as submission:
        yield submission
    run.seconds += time.monotonic() - started
    run.notes = [note.render(language) for note in submission.notes]

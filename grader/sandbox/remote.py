"""The trusted side of the sandbox: start the zygote, run one child per student, and carry
grader requests to it under deadlines and size limits.

Everything that comes back is raw bytes for ``grader.wire.protocol.decode_reply`` to validate; when
the child misbehaves (timeout, crash, oversized answer) this module answers for it with a failure
reply of its own, and the next request gets a fresh child.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader.course.config import CourseConfig
from grader.course.tfenv import QUIET_ENV
from grader.sandbox import CONTROL_FD_ENV, WARM_UP_ENV, ZYGOTE_ARGS
from grader.sandbox.confine import ConfinePlan, ConfineReport, merge_reports
from grader.sandbox.interpreter import NEUTRAL_CWD, python_command
from grader.student.loader import load_seconds, source_limit
from grader.wire.framing import FrameError, OutputDrain, recv_frame, send_frame
from grader.wire.protocol import (
    MAX_MESSAGE_BYTES,
    FailureCategory,
    OutputLog,
    ProtocolError,
    Reply,
    StudentFailure,
    decode_reply,
)
from grader.wire.replies import failed
from grader.wire.requests import LoadRequest, called_function

ZYGOTE_START_S = 180
CONTROL_REPLY_LIMIT = 65536


class SandboxUnavailable(Exception):
    """The zygote could not be started: the grader itself cannot work."""


class ZygoteLost(OSError):
    """The zygote went away (killed, crashed) while the worker was talking to it.

    An ``OSError``, as a failed send on its socket always was: whoever grades the student at
    that moment re-queues them, and no student is ever failed for it."""


def ask_zygote(control: socket.socket, request: dict, fds: list[int] | None = None) -> dict:
    """One request on the zygote's control socket and its reply.

    The zygote can be killed at any moment: before the request (the send fails) or while it
    handles it (the socket reads as closed). Both raise ``ZygoteLost``, as does a reply that
    cannot be read, never a decoding error that would pass for a bug in the grader."""
    data = json.dumps(request).encode()
    try:
        if fds:
            socket.send_fds(control, [data], fds)
        else:
            control.send(data)
        reply = control.recv(CONTROL_REPLY_LIMIT)
    except OSError as exc:
        raise ZygoteLost(f"the sandbox zygote cannot be reached: {exc}") from None
    if not reply:
        raise ZygoteLost("the sandbox zygote closed its control socket (it was killed or crashed)")
    try:
        answer = json.loads(reply)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ZygoteLost("the sandbox zygote's reply could not be read")
    return answer


@dataclass(frozen=True)
class SandboxSettings:
    call_s: float
    import_s: float
    student_s: float
    cell_s: float
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
        cell_s=grading.timeouts.cell_s,
        memory_mb=grading.limits.memory_mb,
        cpu_s=grading.limits.cpu_s,
        output_bytes=grading.limits.output_kb * 1024,
        uid=grading.sandbox_uid_base + slot,
        hide=hide,
        limit_address_space=not gpu,
    )


def failure_reply(category: FailureCategory, message: str = "", exc_type: str = "") -> bytes:
    """The reply this side gives for a child that died, stalled or sent too much."""
    return failed(category, exc_type=exc_type, message=message).encode()


# What the zygote, and so every sandbox child, inherits of the grader's environment: what Python,
# TensorFlow, CUDA and the locale need, nothing else. A hub or CI environment holds secrets
# (JUPYTERHUB_API_TOKEN, NBGRADER_DB_URL with a password, cloud keys, TF_VAR_db_password for
# Terraform, NVIDIA_API_KEY, PYTHON_KEYRING_PASSWORD) that student code must never be able to
# read, so the names are exact: a prefix such as TF_ or PYTHON would let them through.
_ENV_NAMES = frozenset(
    (
        # the process and the locale
        "PATH", "HOME", "TZ", "TMPDIR", "LD_LIBRARY_PATH", "LANG", "LANGUAGE", "LC_ALL",
        "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES",
        "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT",
        "LC_IDENTIFICATION",
        # Python
        "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH", "PYTHONNOUSERSITE",
        "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED",
        "PYTHONWARNINGS", "PYTHONHASHSEED", "PYTHONFAULTHANDLER",
        # TensorFlow and XLA
        "TF_CPP_MIN_LOG_LEVEL", "TF_CPP_MAX_VLOG_LEVEL", "TF_CPP_MIN_VLOG_LEVEL", "TF_CPP_VMODULE",
        "TF_ENABLE_ONEDNN_OPTS", "TF_FORCE_GPU_ALLOW_GROWTH", "TF_GPU_ALLOCATOR",
        "TF_GPU_THREAD_MODE", "TF_GPU_THREAD_COUNT", "TF_NUM_INTEROP_THREADS",
        "TF_NUM_INTRAOP_THREADS", "TF_DETERMINISTIC_OPS", "TF_CUDNN_DETERMINISTIC",
        "TF_USE_LEGACY_KERAS", "TF_XLA_FLAGS", "XLA_FLAGS",
        # CUDA and the NVIDIA driver
        "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "CUDA_HOME", "CUDA_PATH", "CUDA_CACHE_PATH",
        "CUDA_CACHE_MAXSIZE", "CUDA_CACHE_DISABLE", "CUDA_MODULE_LOADING",
        "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES", "NVIDIA_TF32_OVERRIDE",
        # numerical libraries and matplotlib
        "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MPLBACKEND", "MPLCONFIGDIR",
    )
)  # fmt: skip


def sandbox_environment(gpu: bool) -> dict[str, str]:
    """The allow-listed part of this process's environment, with TensorFlow quietened.

    Without ``gpu`` (no GPU, or course.yml's ``gpu: off``) the children see no GPU either:
    their TensorFlow must agree with the graders' ``gpu_visible``, and CUDA must never start
    under the address-space limit that then applies (it reserves more than the limit at once).
    """
    kept = {key: value for key, value in os.environ.items() if key in _ENV_NAMES}
    if not gpu:
        kept["CUDA_VISIBLE_DEVICES"] = ""
    return {**kept, **QUIET_ENV}


class ZygoteClient:
    """A running zygote process and the control socket to it."""

    def __init__(
        self,
        *,
        gpu: bool,
        warm_up: bool = True,
        on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
    ) -> None:
        """Start a zygote and wait until it is ready. ``warm_up=False`` skips its warm-up (one
        child only); ``on_start`` is told the process as soon as it runs, so that another
        thread can kill a zygote still starting."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {**sandbox_environment(gpu), CONTROL_FD_ENV: str(theirs.fileno())}
        if not warm_up:
            env[WARM_UP_ENV] = "0"
        self.process = subprocess.Popen(
            python_command(*ZYGOTE_ARGS),
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
            cwd=NEUTRAL_CWD,
        )
        theirs.close()
        if on_start is not None:
            on_start(self.process)
        self.control = ours
        self.reported_refusals: set[str] = set()
        self.lost = False
        self.control.settimeout(ZYGOTE_START_S)
        try:
            hello = json.loads(self.control.recv(4096) or b"{}")
        except (OSError, ValueError) as exc:
            self.close()
            raise SandboxUnavailable(f"sandbox zygote did not start: {exc}") from None
        except BaseException:  # the batch stopped (Ctrl-C) while waiting: no orphan zygote
            self.close()
            raise
        if not hello.get("ready"):
            self.close()
            raise SandboxUnavailable("sandbox zygote exited during start-up (see its stderr above)")
        self.control.settimeout(60)

    def _ask(self, request: dict, fds: list[int] | None = None) -> dict:
        """``ask_zygote``, remembering a loss: a killed zygote's socket reads as closed a moment
        before its exit can be waited for, and a student graded in that moment is re-queued
        as well."""
        try:
            return ask_zygote(self.control, request, fds)
        except ZygoteLost:
            self.lost = True
            raise

    def alive(self) -> bool:
        """Whether the zygote still serves: never found gone on its socket, and not exited."""
        return not self.lost and self.process.poll() is None

    def spawn(
        self, plan: ConfinePlan, seed: int
    ) -> tuple[int, socket.socket, OutputDrain, ConfineReport]:
        """A confined child, and the report of which isolation features held for it (written
        by the child before any student code ran, read by the zygote)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_read, out_write = os.pipe()
        try:
            reply = self._ask(
                {"op": "spawn", "plan": asdict(plan), "seed": seed}, [theirs.fileno(), out_write]
            )
        finally:
            theirs.close()
            os.close(out_write)
        report = merge_reports(
            json.dumps({"held": [k for k, v in reply["confinement"].items() if v is True],
                        "refused": reply.get("refused", {})}).encode()
        )  # fmt: skip
        self._say_what_was_refused(report)
        return reply["pid"], ours, OutputDrain(out_read), report

    def _say_what_was_refused(self, report: ConfineReport) -> None:
        """Once per zygote, a plain line on stderr for every isolation the host refused: a
        weaker sandbox is never a silent one (the batch summary lists the features too)."""
        refused = sorted(set(report.refused) - self.reported_refusals)
        if not refused:
            return
        self.reported_refusals.update(refused)
        details = "; ".join(f"{name} ({report.refused[name]})" for name in refused)
        line = (
            f"course grade: sandbox isolation refused by this host: {details}. Student code "
            "runs without it; see README, 'The sandbox'.\n"
        )
        # straight to the file descriptor: the worker's pytest captures sys.stderr
        with contextlib.suppress(OSError):
            os.write(2, line.encode("utf-8", "replace"))

    def kill(self, pid: int) -> str:
        """End a child; its status ("exit N", "signal NAME", or "memory" for an OOM kill in its
        memory cgroup)."""
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
    if status == "exit 70":  # the child could not confine itself: the host's fault, not theirs
        return "sandbox", "sandbox setup failed"
    if status == "memory":  # killed inside its memory cgroup's budget
        return "memory", ""
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
    # which isolation features held for the latest child (filled in when it is spawned)
    confinement: dict[str, bool] = field(default_factory=dict)
    # requests whose child was killed by something other than itself or us, and were re-run
    host_interruptions: int = 0
    _killed: bool = False  # the last request's child died of a SIGKILL nobody here sent

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.settings.student_s

    # ------------------------------------------------------------------ child lifecycle
    def _spawn(self) -> _Child:
        # Inside the child's mount namespace this path is a private tmpfs (a quota, and nothing
        # to clean up here); the host folder only matters where the host refused that namespace.
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
        try:
            pid, sock, drain, report = self.zygote.spawn(plan, self.seed)
        except BaseException:
            _remove_host_folder(workdir)
            raise
        self.confinement = dict(report.features)
        return _Child(pid, sock, drain, workdir)

    def _end_child(self) -> str:
        child, self.child = self.child, None
        if child is None:
            return ""
        child.sock.close()
        try:
            status = self.zygote.kill(child.pid)
        finally:  # a lost zygote took its children with it (PDEATHSIG): the rest still goes
            child.drain.pump()
            os.close(child.drain.fd)
            _remove_host_folder(child.workdir)
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
            self._killed = status == "signal SIGKILL"
            category, message = _category_for(status)
            return failure_reply(category, message), category
        except OSError as exc:  # the child closed its end while we were sending
            status = self._end_child() or str(exc)
            self._killed = status == "signal SIGKILL"
            category, message = _category_for(status)
            return failure_reply(category, message), category
        child.drain.pump()
        return reply, ""

    def _out_of_time(self) -> bytes | None:
        if time.monotonic() < self.deadline:
            return None
        return failure_reply("timeout", f"{self.settings.student_s:g}s")

    def _again_if_killed(self, attempt: Callable[[], bytes]) -> bytes:
        """Run ``attempt``; when its child died of a SIGKILL that neither the student's limits
        nor this grader sent (the host's OOM killer, an operator, another grader), run it once
        more in a fresh child. A student who kills their own process dies the same way twice and
        keeps the failure; anyone else's kill costs the student nothing."""
        self._killed = False
        raw = attempt()
        if not self._killed:
            return raw
        self._killed = False
        raw = attempt()
        if not self._killed:
            self.host_interruptions += 1
        self._killed = False
        return raw

    def load(self, exercise: str, filename: str, source: bytes, output: OutputLog) -> Reply:
        """Load an exercise file in the child; a failed load is remembered for the whole run."""
        self.sources[exercise] = (filename, source)
        raw = self._out_of_time() or self._again_if_killed(
            lambda: self._exchange(
                self._load_request(exercise), output, self._load_seconds(exercise)
            )[0]
        )
        reply = _decode_or_failure(raw)
        if reply.failure is not None:
            self.load_failures[exercise] = reply
        elif self.child is not None:
            self.child.loaded.add(exercise)
        return reply

    def load_file(self, exercise: str, path: Path, output: OutputLog) -> Reply:
        """``exercise`` from the student's file at ``path``, loaded in the child once per run:
        the public and the hidden graders both open it, and get the same load (or the same
        failure) without a second import. A file that cannot be read fails the load in words
        that name only the file, never a grader-side path."""
        if exercise in self.load_failures:
            return self.load_failures[exercise]
        if exercise in self.sources:
            return Reply(value=None, failure=None)
        try:
            source = read_submission_file(path)
        except OSError as exc:
            reason = f"{path.name}: {exc.strerror}" if exc.strerror else str(exc)
            return Reply(None, StudentFailure("load", exc_type="OSError", message=reason))
        reply = self.load(exercise, path.name, source, output)
        output.add(reply.output)
        return reply

    def _load_seconds(self, exercise: str) -> float:
        """A notebook gets ``cell_s`` per code cell, as nbgrader's kernel; the student's deadline
        (``_exchange``) bounds it."""
        filename, source = self.sources[exercise]
        return load_seconds(filename, source, self.settings.import_s, self.settings.cell_s)

    def _load_request(self, exercise: str) -> bytes:
        filename, source = self.sources[exercise]
        source_text = base64.b64encode(source).decode("ascii")
        return LoadRequest(exercise=exercise, filename=filename, source=source_text).encode()

    def request(self, exercise: str, payload: bytes, output: OutputLog) -> bytes:
        return self._again_if_killed(lambda: self._request_once(exercise, payload, output))

    def _request_once(self, exercise: str, payload: bytes, output: OutputLog) -> bytes:
        function = called_function(payload)
        if (exercise, function) in self.timed_out:
            return failure_reply("timeout", f"{self.settings.call_s:g}s")
        late = self._out_of_time()
        if late is not None:
            return late
        if self.child is None or exercise not in self.child.loaded:
            # a fresh child after a crash: load the module again first
            load_s = self._load_seconds(exercise)
            raw, _ = self._exchange(self._load_request(exercise), output, load_s)
            if _decode_or_failure(raw).failure is not None:
                return raw
            if self.child is not None:
                self.child.loaded.add(exercise)
        reply, synthesized = self._exchange(payload, output, self.settings.call_s)
        if function and synthesized == "timeout":
            self.timed_out.add((exercise, function))
        return reply


def _remove_host_folder(path: str) -> None:
    """Remove a child's host working folder; never raises, whatever the student left in it.

    Empty when the child had its private tmpfs. Otherwise it may hold anything: a 3,000-deep
    folder chain (``shutil.rmtree`` recurses and raised RecursionError), folders without
    permissions, links. ``rm`` walks iteratively, never follows links or leaves the file
    system; a second pass first restores the owner's permissions."""
    try:
        os.rmdir(path)
        return
    except FileNotFoundError:
        return
    except OSError:
        pass
    for command in (
        ["rm", "-rf", "--one-file-system", "--", path],
        ["chmod", "-R", "u+rwX", "--", path],
        ["rm", "-rf", "--one-file-system", "--", path],
    ):
        if not os.path.lexists(path):
            return
        try:
            subprocess.run(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, timeout=120, check=False,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            continue


def _decode_or_failure(raw: bytes) -> Reply:
    try:
        return decode_reply(raw)
    except ProtocolError as exc:
        return Reply(None, StudentFailure("crash", message=f"malformed reply: {exc}"))


class RemoteTransport:
    """The transport of one exercise's ``Submission`` (``grader.grading.submission``): every
    grader request goes to the student's sandbox child, its output into the exercise's log."""

    def __init__(self, sandbox: StudentSandbox, exercise: str, output: OutputLog) -> None:
        self.sandbox, self.exercise, self.output = sandbox, exercise, output

    def request(self, payload: bytes) -> bytes:
        return self.sandbox.request(self.exercise, payload, self.output)


def read_submission_file(path: Path) -> bytes:
    """Read a student's file without following links and with a size cap (it is hostile).

    A notebook may be larger than its code (outputs); the sandbox child caps its code cells."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    limit = source_limit(path.name)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path.name} is not a regular file")
        if info.st_size > limit:
            raise OSError(f"{path.name} is larger than {limit // 1024 // 1024} MB")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(fd)

"""The zygote: a warm process that has imported TensorFlow and forks one sandbox child per
student on request.

It is started by a grading worker (``grader.sandbox.ZYGOTE_ARGS``, which call ``main``), so it
shares no memory with the worker (no hidden grader is ever loaded here). It never initialises
CUDA, so a child can still use the GPU after the fork. Control messages arrive on a
SOCK_SEQPACKET socket together with the child's file descriptors (SCM_RIGHTS).
"""

from __future__ import annotations

import contextlib
import encodings
import importlib
import json
import os
import pkgutil
import select
import signal
import socket
import time
from dataclasses import dataclass
from typing import Any, NoReturn

from grader.course.tfenv import quiet_tensorflow
from grader.sandbox import CONTROL_FD_ENV, WARM_UP_ENV
from grader.sandbox.confine import (
    CLONE_NEWPID,
    PR_SET_CHILD_SUBREAPER,
    PR_SET_PDEATHSIG,
    REPORT_LIMIT,
    ChildPidNamespace,
    ConfinePlan,
    ConfineReport,
    confine,
    enter_user_namespace,
    merge_reports,
    prctl,
    unshare,
)


def _own_namespaces() -> str:
    """As an ordinary user: enter a user namespace (only possible while single-threaded, so
    before TensorFlow is imported) and become PID 1 of a PID namespace owned by it, so the
    zygote may give each child a PID namespace of its own and return to its own after the fork.
    The process the worker started stays as a thin parent that exits like the zygote.
    Returns why the kernel refused, or ""."""
    if os.geteuid() == 0:
        return ""
    refused = enter_user_namespace()
    if refused:
        return refused
    try:
        unshare(CLONE_NEWPID, "pid")
    except OSError as exc:
        return str(exc)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    zygote = os.fork()
    if zygote == 0:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        return ""
    with contextlib.suppress(KeyError, ValueError, OSError):
        os.close(int(os.environ[CONTROL_FD_ENV]))  # the worker sees EOF when the zygote dies
    _, status = os.waitpid(zygote, 0)
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


USER_NAMESPACE_REFUSED = _own_namespaces()

quiet_tensorflow()
os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.collections  # noqa: E402
import matplotlib.figure  # noqa: E402
import matplotlib.pyplot  # noqa: E402
import numpy  # noqa: E402, F401
import tensorflow  # noqa: E402, F401

# A dropped-privilege child may be unable to read the Python installation (e.g. under /root),
# so the modules students commonly import are loaded here, before the fork.
PRELOADED = (
    "encodings.utf_8_sig", "encodings.idna", "math", "cmath", "random", "statistics", "json",
    "itertools", "functools", "collections", "collections.abc", "copy", "operator", "time",
    "datetime", "re", "string", "textwrap", "typing", "dataclasses", "decimal", "fractions",
    "enum", "abc", "contextlib", "pprint", "warnings", "traceback", "numbers", "bisect", "heapq",
)  # fmt: skip
for _name in PRELOADED:
    importlib.import_module(_name)
# A .py file's PEP 263 coding line may name any codec Python has (cp949, euc_kr, shift_jis, ...).
for _codec in pkgutil.iter_modules(encodings.__path__):
    with contextlib.suppress(ImportError):  # mbcs and oem exist on Windows only
        importlib.import_module(f"encodings.{_codec.name}")

import grader.student.agent  # noqa: E402
import grader.student.describe  # noqa: E402
import grader.student.functions  # noqa: E402
import grader.student.loader  # noqa: E402, F401
from grader.sandbox.cgroups import CgroupHost, ChildCgroup  # noqa: E402
from grader.sandbox.child import run_child  # noqa: E402
from grader.sandbox.warmup import can_warm_up, warm_up  # noqa: E402

if os.environ.pop(WARM_UP_ENV, "") != "0" and can_warm_up():
    warm_up()

REPORT_WAIT_S = 30  # a child that has not confined itself by then is reported as not confined
SETUP_FAILED = 70  # exit status of a child whose confinement failed: "sandbox setup failed"


def describe_status(status: int, cpu_s: float = 0.0, cpu_limit_s: float = float("inf")) -> str:
    """A child's end in words. A kill at the CPU limit reads as SIGXCPU: the child is PID 1
    of its namespace and so ignores the soft limit's SIGXCPU; the hard limit's SIGKILL ends it."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGKILL and cpu_s >= cpu_limit_s - 0.5:
            number = signal.SIGXCPU
        try:
            return f"signal {signal.Signals(number).name}"
        except ValueError:
            return f"signal {number}"
    return f"exit {os.WEXITSTATUS(status)}"


def _read_report(fd: int) -> bytes:
    """What the child writes to the report pipe until it closes it (before any student code
    runs), size-bounded and under a deadline."""
    chunks, size = [], 0
    deadline = time.monotonic() + REPORT_WAIT_S
    while size < REPORT_LIMIT:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, REPORT_LIMIT - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


@dataclass
class ChildLife:
    """What a forked child does, once the zygote's frames it was forked in have returned.

    TensorFlow records the Python stack, line numbers and all, with every eager op it runs, and
    finding a frame's line costs time in proportion to how far into its function the frame
    stands. Student code called from under the zygote's serve loop, its module body and runpy
    paid that for 14 frames on every op: about a fifth of a training step's time. ``spawn``
    therefore returns this to ``main`` in the child, which lives it on a stack a few short
    frames deep."""

    control: socket.socket
    report_read: int
    plan: ConfinePlan
    procs: list[str]
    report: ConfineReport
    report_fd: int
    sock_fd: int
    out_fd: int
    seed: int

    def live(self) -> NoReturn:
        """Confine, report, then serve the grader; exits and never returns."""
        code = SETUP_FAILED
        try:
            if self._confined():
                run_child(self.sock_fd, self.out_fd, self.seed)
                code = 0
        finally:
            os._exit(code)

    def _confined(self) -> bool:
        """Confine this child and send the report; False when confinement failed (what held
        before the failure is still reported, for the instructor)."""
        reported = False
        try:
            self.control.close()
            os.close(self.report_read)
            confine(self.plan, self.procs, self.report)
            os.write(self.out_fd, b"")  # the pipe must still be open after confinement
            self.report.send(self.report_fd)
            reported = True
            os.close(self.report_fd)  # closed before any student code runs: nothing can add to it
        except BaseException:
            if not reported:
                with contextlib.suppress(OSError):
                    self.report.send(self.report_fd)
            return False
        return True


@dataclass
class _Child:
    """What the zygote keeps of one child."""

    cgroup: ChildCgroup | None
    pid_namespace: bool
    cpu_s: int


class Zygote:
    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.children: dict[int, _Child] = {}
        self.exited: dict[int, str] = {}
        self.cgroups = CgroupHost()
        self.pid_namespaces = None if USER_NAMESPACE_REFUSED else ChildPidNamespace()
        self.leftover_groups: list[ChildCgroup] = []

    def _fork_child(self) -> tuple[int, str]:
        """Fork; the child is PID 1 of a new PID namespace where the kernel allows one.
        Returns the pid and, if the namespace was refused, why."""
        if self.pid_namespaces is None:
            return os.fork(), f"no user namespace: {USER_NAMESPACE_REFUSED}"
        refused = self.pid_namespaces.prepare()
        try:
            pid = os.fork()
        except BaseException:
            if not refused:
                self.pid_namespaces.restore()
            raise
        if pid != 0 and not refused:
            self.pid_namespaces.restore()
        return pid, refused

    def spawn(self, request: dict[str, Any], fds: list[int]) -> dict[str, Any] | ChildLife:
        """Fork one child; answer once it is confined, with its report. In the child, return
        its ``ChildLife``."""
        sock_fd, out_fd = fds
        plan = ConfinePlan(**request["plan"])
        group = self.cgroups.create(plan.memory_mb * 1024 * 1024)
        report_read, report_write = os.pipe()
        report = ConfineReport()
        if os.geteuid() != 0:
            if USER_NAMESPACE_REFUSED:
                report.refused["user_namespace"] = USER_NAMESPACE_REFUSED[:200]
            else:
                report.held("user_namespace")
        pid, refused = self._fork_child()
        if pid == 0:  # the child: its life is lived by ``main``, see ChildLife
            if not refused:
                report.held("pid_namespace")
            return ChildLife(
                self.control, report_read, plan, group.procs_files if group is not None else [],
                report, report_write, sock_fd, out_fd, request["seed"],
            )  # fmt: skip
        for fd in (sock_fd, out_fd, report_write):
            os.close(fd)
        try:
            report = merge_reports(_read_report(report_read))
        finally:
            os.close(report_read)
        if refused:
            report.refused["pid_namespace"] = refused[:200]
        if group is None and self.cgroups.why_not:
            report.refused.setdefault("cgroup_memory", self.cgroups.why_not[:200])
        self.children[pid] = _Child(group, report.features["pid_namespace"], plan.cpu_s)
        # as root the child drops to its uid and needs no user namespace; as an ordinary user it
        # keeps the grader's uid inside one: report the one this mode relies on (both if neither)
        features = report.features
        if features.get("user_namespace") or features.get("user_dropped"):
            features.pop("user_dropped" if features.get("user_namespace") else "user_namespace")
        return {"pid": pid, "confinement": report.features, "refused": report.refused}

    def _describe(self, pid: int, status: int, usage: Any) -> str:
        child = self.children.get(pid)
        limit = child.cpu_s if child is not None else float("inf")
        return describe_status(status, usage.ru_utime + usage.ru_stime, limit)

    def reap(self) -> None:
        """Collect every finished child or orphan (this process is their subreaper)."""
        while True:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.children:
                self.exited[pid] = self._describe(pid, status, usage)

    def kill(self, request: dict[str, Any]) -> dict[str, Any]:
        """End a child and everything it started; report how it had ended if it already had.

        Scoped to the child: it is PID 1 of its own PID namespace, so its death takes every
        process it started with it; its cgroup is the backstop. Nothing is killed by uid, which
        another grader on the host may be using."""
        pid = request["pid"]
        self.reap()
        status = self.exited.pop(pid, None)
        if status is None:
            for kill in (os.killpg, os.kill):  # the group, and the child itself before setsid
                with contextlib.suppress(ProcessLookupError):
                    kill(pid, signal.SIGKILL)
            status = self._wait(pid)
        child = self.children.pop(pid, None)
        if child is not None and not child.pid_namespace:
            self._kill_strays()
        if child is not None and child.cgroup is not None:
            child.cgroup.kill_all()
            if child.cgroup.oom_kills() and status.startswith("signal"):
                status = "memory"
            self.leftover_groups.append(child.cgroup)
        self.leftover_groups = [g for g in self.leftover_groups if not g.remove()]
        return {"status": status}

    def _wait(self, pid: int) -> str:
        try:
            _, status, usage = os.wait4(pid, 0)
            return self._describe(pid, status, usage)
        except ChildProcessError:
            return self.exited.pop(pid, "gone")

    def _kill_strays(self) -> None:
        """Without a PID namespace (the kernel refused one), kill the orphans re-parented to
        this subreaper that are not children of ours: what a child started and left behind."""
        for _ in range(5):
            strays = [p for p in _children_of(os.getpid()) if p not in self.children]
            if not strays:
                break
            for stray in strays:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(stray, signal.SIGKILL)
            time.sleep(0.01)
            self.reap()
        self.reap()

    def serve(self) -> ChildLife | None:
        """Serve the worker until it goes. In a child forked meanwhile, return its life."""
        if not self._send({"ready": True, "pid": os.getpid()}):
            return None
        child = None
        try:
            child = self._serve()
            return child
        finally:
            if child is None:  # the zygote ends (a child leaves the zygote's groups alone)
                for group in self.leftover_groups:
                    group.kill_all()
                    group.remove()

    def _serve(self) -> ChildLife | None:
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(self.control, 65536, 4)
            except OSError:
                return None
            if not message:
                return None
            request = json.loads(message)
            self.reap()
            if request["op"] == "spawn":
                reply = self.spawn(request, fds)
                if isinstance(reply, ChildLife):
                    return reply
            elif request["op"] == "kill":
                reply = self.kill(request)
            else:
                reply = {"error": f"unknown op {request['op']}"}
            if not self._send(reply):
                return

    def _send(self, message: dict) -> bool:
        """Send ``message`` to the grader; False when the grader is gone (its end of the socket
        closed: a Ctrl-C, even while this zygote was still starting), and then there is no one
        left to serve, and nothing to report with a traceback."""
        try:
            self.control.send(json.dumps(message).encode())
        except OSError:
            return False
        return True


def _children_of(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if int(fields[1]) == parent:
            found.append(int(entry))
    return found


def main() -> None:
    child = _serve_the_worker()
    if child is not None:  # in a forked child, on a short stack (see ChildLife)
        child.live()


def _serve_the_worker() -> ChildLife | None:
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    control = socket.socket(fileno=int(os.environ.pop(CONTROL_FD_ENV)))
    return Zygote(control).serve()

"""The zygote: a warm process that has imported TensorFlow and forks one sandbox child per
student on request.

It is started with ``python -m grader.sandbox.zygote`` by a grading worker, so it shares no
memory with the worker (no hidden grader is ever loaded here). It never initialises CUDA, so a
child can still use the GPU after the fork. Control messages arrive on a SOCK_SEQPACKET socket
together with the child's file descriptors (SCM_RIGHTS).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import socket
import sys
import time
from typing import Any

from grader.tfenv import quiet_tensorflow

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

import grader.runtime.agent  # noqa: E402
import grader.runtime.describe  # noqa: E402
import grader.runtime.functions  # noqa: E402
import grader.runtime.loader  # noqa: E402, F401
from grader.sandbox import CONTROL_FD_ENV  # noqa: E402
from grader.sandbox.child import run_child  # noqa: E402
from grader.sandbox.confine import PR_SET_CHILD_SUBREAPER, ConfinePlan, confine, prctl  # noqa: E402


def describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"signal {signal.Signals(number).name}"
        except ValueError:
            return f"signal {number}"
    return f"exit {os.WEXITSTATUS(status)}"


class Zygote:
    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.children: dict[int, int] = {}  # pid -> sandbox uid
        self.exited: dict[int, str] = {}

    def spawn(self, request: dict[str, Any], fds: list[int]) -> dict[str, Any]:
        sock_fd, out_fd = fds
        plan = ConfinePlan(**request["plan"])
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 0
            try:
                self.control.close()
                report = confine(plan)
                os.write(out_fd, b"")  # the pipe must still be open after confinement
                del report
                run_child(sock_fd, out_fd, request["seed"])
            except BaseException:
                code = 70
            os._exit(code)
        os.close(sock_fd)
        os.close(out_fd)
        self.children[pid] = plan.uid
        return {"pid": pid}

    def reap(self) -> None:
        """Collect every finished child or orphan (this process is their subreaper)."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.children:
                self.exited[pid] = describe_status(status)

    def kill(self, request: dict[str, Any]) -> dict[str, Any]:
        """End a child and everything it started; report how it had ended if it already had."""
        pid = request["pid"]
        self.reap()
        status = self.exited.pop(pid, None)
        uid = self.children.get(pid)
        if status is None:
            for kill in (os.killpg, os.kill):  # the group, and the child itself before setsid
                with contextlib.suppress(ProcessLookupError):
                    kill(pid, signal.SIGKILL)
        self._kill_strays(uid)
        if status is None:
            status = self._wait(pid)
        self.children.pop(pid, None)
        return {"status": status}

    def _wait(self, pid: int) -> str:
        try:
            _, status = os.waitpid(pid, 0)
            return describe_status(status)
        except ChildProcessError:
            return self.exited.pop(pid, "gone")

    def _kill_strays(self, uid: int | None) -> None:
        """Kill processes that escaped the child's process group.

        As root every child runs under a uid of its own worker slot, so a helper that takes that
        uid and signals -1 reaches exactly those processes; otherwise orphans re-parented to this
        subreaper are found in /proc.
        """
        if uid is not None and os.geteuid() == 0:
            helper = os.fork()
            if helper == 0:
                try:
                    os.setresuid(uid, uid, uid)
                    for _ in range(3):
                        os.kill(-1, signal.SIGKILL)
                except BaseException:
                    pass
                os._exit(0)
            os.waitpid(helper, 0)
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

    def serve(self) -> None:
        self.control.send(json.dumps({"ready": True, "pid": os.getpid()}).encode())
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(self.control, 65536, 4)
            except OSError:
                return
            if not message:
                return
            request = json.loads(message)
            self.reap()
            if request["op"] == "spawn":
                reply = self.spawn(request, fds)
            elif request["op"] == "kill":
                reply = self.kill(request)
            else:
                reply = {"error": f"unknown op {request['op']}"}
            self.control.send(json.dumps(reply).encode())


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
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    from grader.sandbox.confine import PR_SET_PDEATHSIG

    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    control = socket.socket(fileno=int(os.environ.pop(CONTROL_FD_ENV)))
    Zygote(control).serve()


if __name__ == "__main__":
    sys.exit(main())

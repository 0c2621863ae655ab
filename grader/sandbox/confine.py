"""Confine a freshly forked sandbox child before any student code runs.

As root: new network and mount namespaces (no network; secret folders covered by empty
read-only tmpfs), then drop to an unprivileged uid. As an ordinary user: the same namespaces
through an unprivileged user namespace where the kernel allows it; where it does not, the child
still gets its resource limits but can reach the network and read what the grading user can
(README, "Sandbox"). Resource limits apply in every case.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36

_libc = ctypes.CDLL(None, use_errno=True)


@dataclass(frozen=True)
class ConfinePlan:
    """What a child must do to itself; sent by the trusted worker with every spawn."""

    workdir: str
    uid: int
    memory_mb: int
    cpu_s: int
    hide: list[str] = field(default_factory=list)
    limit_address_space: bool = True  # off on GPU hosts: CUDA reserves huge virtual ranges


@dataclass
class ConfineReport:
    network_isolated: bool = False
    files_hidden: bool = False
    user_dropped: bool = False


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, value, 0, 0, 0), "prctl")


def _mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None
) -> None:
    def b(s: str | None) -> bytes | None:
        return s.encode() if s is not None else None

    _check(_libc.mount(b(source), b(target), b(fstype), flags, b(data)), f"mount {target}")


def _hide_paths(paths: list[str]) -> None:
    """Cover each path with something empty: a read-only tmpfs for folders, /dev/null for files."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    for path in paths:
        target = Path(path)
        if target.is_dir():
            _mount(
                "tmpfs",
                path,
                "tmpfs",
                MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                "size=4k,mode=0555",
            )
        elif target.exists():
            _mount("/dev/null", path, None, MS_BIND, None)


def _private_tmp(workdir: str) -> None:
    """Give the child empty, private /tmp, /var/tmp and /dev/shm, discarded with it, so nothing it
    writes outside its workdir outlives it or reaches another student. The workdir (created by
    the trusted side, usually under /tmp) and the Python environment (a checkout may live under
    /tmp) are bound back at their own paths, recursively, so the covers on hidden folders inside
    them stay in place."""
    shared = [
        d for d in ("/tmp", "/var/tmp", "/dev/shm") if os.path.isdir(d) and not os.path.islink(d)
    ]
    prefix = os.path.realpath(sys.prefix)
    wanted = [workdir, *[prefix for d in shared if prefix.startswith(d.rstrip("/") + "/")][:1]]
    kept = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in wanted}
    try:
        for directory in shared:
            _mount("tmpfs", directory, "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")
        for path, fd in kept.items():
            os.makedirs(path, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC, None)
    finally:
        for fd in kept.values():
            os.close(fd)


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _enter_namespaces(plan: ConfinePlan, report: ConfineReport) -> None:
    if os.geteuid() == 0:
        _check(_libc.unshare(CLONE_NEWNET | CLONE_NEWNS), "unshare")
        report.network_isolated = True
        _hide_paths(plan.hide)
        _private_tmp(plan.workdir)
        report.files_hidden = True
        os.setgroups([])
        os.setresgid(plan.uid, plan.uid, plan.uid)
        os.setresuid(plan.uid, plan.uid, plan.uid)
        report.user_dropped = True
        return
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) != 0:
        return  # no unprivileged user namespaces here: limits only
    report.network_isolated = True
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _hide_paths(plan.hide)
    report.files_hidden = True


def _limit(kind: int, soft: int, hard: int | None = None) -> None:
    hard = soft if hard is None else hard
    _, current_hard = resource.getrlimit(kind)
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(kind, (soft, hard))


def _address_space_in_use() -> int:
    """Bytes of virtual address space this process already maps (VmSize).

    Read as bytes: the confined child may no longer be able to load a text codec lazily."""
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmSize:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmSize in /proc/self/status")


def confine(plan: ConfinePlan) -> ConfineReport:
    """Apply the plan to the calling (single-threaded, just forked) process."""
    report = ConfineReport()
    os.setsid()
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _enter_namespaces(plan, report)
    os.chdir(plan.workdir)
    os.environ["HOME"] = plan.workdir
    os.environ["TMPDIR"] = plan.workdir
    if plan.limit_address_space:
        # On top of what the preloaded runtime already maps: a GPU build of TensorFlow maps
        # gigabytes of CUDA libraries even where no GPU is used, a CPU build far less, and the
        # budget must mean the same to students on both.
        _limit(resource.RLIMIT_AS, _address_space_in_use() + plan.memory_mb * 1024 * 1024)
    _limit(resource.RLIMIT_CPU, plan.cpu_s, plan.cpu_s + 5)
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_FSIZE, 64 * 1024 * 1024)
    _limit(resource.RLIMIT_NOFILE, 256)
    if report.user_dropped:
        _limit(resource.RLIMIT_NPROC, 512)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large file write fails, never kills
    return report

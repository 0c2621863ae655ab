"""Confine a freshly forked sandbox child before any student code runs.

The zygote forks each child into a new PID namespace (``ChildPidNamespace``): the child is PID 1
there, no process outside it (the zygote, the worker, the CLI, another student) is even
addressable by a signal or ptrace, and when it dies every process it started dies with it. The
child then joins its cgroups and enters new network (no network), mount and IPC (SysV shared
memory, queues and semaphores die with it) namespaces. In its mount namespace every host mount
is read-only, secret folders are covered by empty read-only tmpfs, each place a user may write
(``/tmp``, ``/var/tmp``, ``/dev/shm``, ``/run``) and the working directory are private,
size-limited tmpfs, and ``/proc`` is a fresh one of its own PID namespace. As root it drops to
the slot's uid; in every case it keeps no capability and can gain none.

A grader run by an ordinary user gets the same namespaces through an unprivileged user
namespace that the zygote enters at its start (``enter_user_namespace``). Where the kernel
refuses a step, the refusal is recorded and reported, never a silent downgrade: each step's
outcome goes into a ``ConfineReport`` that the child writes, before any student code runs, to a
pipe only the trusted zygote reads.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_RELATIME = 1 << 21
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38

# Places any user may write to on a usual host: each becomes a private, size-limited tmpfs.
# /run as a whole: it also holds the host's service sockets, which a new network namespace does
# not cut off (a path-named Unix socket is reached through the file system).
WRITABLE_PLACES = ("/tmp", "/var/tmp", "/dev/shm", "/run", "/dev/mqueue")
PLACE_QUOTA_MB = 64
WORKDIR_QUOTA_MB = 64
FILE_SIZE_LIMIT = 64 * 1024 * 1024
REPORT_LIMIT = 16 * 1024  # bytes the zygote reads of a report, at most

# Every isolation feature a report can state; the trusted side accepts no other key.
FEATURES = (
    "network_isolated",  # new network namespace: no interface but a downed loopback
    "mount_namespace",  # the child's mounts are its own
    "host_fs_readonly",  # every host mount is read-only for the child
    "files_hidden",  # hidden graders, solutions, submissions and results are covered
    "private_tmp",  # /tmp, /var/tmp, /dev/shm, /run (/run/lock) are private size-limited tmpfs
    "workdir_quota",  # the working directory is a private size-limited tmpfs
    "ipc_namespace",  # SysV IPC and POSIX queues are private and die with the child
    "pid_namespace",  # no process outside the child can be signalled or traced
    "processes_hidden",  # /proc shows the child's own processes only
    "user_dropped",  # runs under the slot's unprivileged uid (grader run as root)
    "user_namespace",  # isolated through an unprivileged user namespace (grader not root)
    "cgroup_memory",  # memory cgroup: shared memory, memfd and tmpfs count in the budget
    "cgroup_pids",  # pids cgroup: a fork bomb stops at the cap
    "address_space_limit",  # RLIMIT_AS on top of the preloaded runtime
    "no_new_privs",  # setuid programs cannot raise privileges
    "no_capabilities",  # no capability left, not even inside the child's user namespace
)

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
    """Which features held, and for each attempted one that failed, why."""

    features: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(FEATURES, False))
    refused: dict[str, str] = field(default_factory=dict)

    def held(self, feature: str) -> None:
        self.features[feature] = True

    def refuse(self, feature: str, exc: BaseException) -> None:
        self.refused[feature] = str(exc)[:200]

    def send(self, fd: int) -> None:
        """One JSON line; written before any student code runs."""
        held = [name for name, value in self.features.items() if value]
        line = json.dumps({"held": held, "refused": self.refused}) + "\n"
        os.write(fd, line.encode()[: REPORT_LIMIT // 2])


def merge_reports(data: bytes) -> ConfineReport:
    """The report lines of one child, validated: unknown keys and non-strings are dropped.

    The lines come from processes that were confined but not yet running student code; they are
    still parsed as untrusted input, size-bounded, so a bug can never inject anything."""
    report = ConfineReport()
    for line in data[:REPORT_LIMIT].splitlines():
        try:
            part = json.loads(line)
        except ValueError:
            continue
        if not isinstance(part, dict):
            continue
        for name in part.get("held", []) if isinstance(part.get("held"), list) else []:
            if name in report.features:
                report.features[name] = True
        refused = part.get("refused")
        for name, why in refused.items() if isinstance(refused, dict) else []:
            if name in report.features and isinstance(why, str):
                report.refused[name] = why[:200]
    return report


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


def unshare(flags: int, what: str) -> None:
    _check(_libc.unshare(flags), f"unshare {what}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _join_cgroups(procs_files: list[str], report: ConfineReport) -> None:
    for path in procs_files:
        try:
            _write(path, "0")
        except OSError as exc:
            report.refuse("cgroup_pids" if "/pids/" in path else "cgroup_memory", exc)
            return
    if procs_files:
        report.held("cgroup_memory")
        if len(procs_files) > 1 or Path(procs_files[0]).with_name("pids.max").exists():
            report.held("cgroup_pids")


def enter_user_namespace() -> str:
    """Called by the zygote of an ordinary user while it is still single-threaded (before
    TensorFlow starts threads): a user namespace of its own, mapping only its own uid, in which
    it may create the children's PID, mount, network and IPC namespaces. Returns why the kernel
    refused it, or ""."""
    uid, gid = os.getuid(), os.getgid()
    try:
        unshare(CLONE_NEWUSER, "user")
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    except OSError as exc:
        return str(exc)
    return ""


class ChildPidNamespace:
    """Makes the zygote's next fork the PID 1 of a fresh PID namespace.

    ``unshare(CLONE_NEWPID)`` changes only where the caller's *children* go; right after the
    fork the zygote returns its own namespace to that role (``setns``), so every child gets a
    new one and the zygote never moves."""

    def __init__(self) -> None:
        self.own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)

    def prepare(self) -> str:
        """Before the fork; returns why the kernel refused, or ""."""
        try:
            unshare(CLONE_NEWPID, "pid")
        except OSError as exc:
            return str(exc)
        return ""

    def restore(self) -> None:
        """After the fork, in the zygote."""
        _check(_libc.setns(self.own, CLONE_NEWPID), "setns pid")


def _mount_flags(path: str) -> int:
    """The flags a bind remount must keep (in a user namespace they are locked)."""
    info = os.statvfs(path)
    flags = 0
    for st_flag, ms_flag in (
        (os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
        (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME),
        (os.ST_RELATIME, MS_RELATIME),
    ):  # fmt: skip
        if info.f_flag & st_flag:
            flags |= ms_flag
    return flags


def _mount_points() -> list[str]:
    points = []
    with open("/proc/self/mountinfo", "rb") as mountinfo:
        for line in mountinfo:
            raw = line.split()[4].decode("utf-8", "surrogateescape")
            points.append(raw.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n"))
    return points


def _remount_readonly(path: str) -> None:
    flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | _mount_flags(path)
    _mount(None, path, None, flags, None)


def _host_readonly(report: ConfineReport) -> None:
    """Every host mount read-only: no path of the host, world-writable or not, takes a write."""
    failed = []
    for point in _mount_points():
        try:
            _remount_readonly(point)
        except OSError as exc:
            if os.path.ismount(point):  # a mount shadowed by another is out of reach anyway
                failed.append(f"{point}: {exc.strerror}")
    if failed:
        report.refused["host_fs_readonly"] = "; ".join(failed)[:200]
    else:
        report.held("host_fs_readonly")


def _hide_paths(paths: list[str]) -> None:
    """Cover each path with something empty: a read-only tmpfs for folders, /dev/null for files."""
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


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _python_paths() -> list[str]:
    """The Python installation and module folders a student import may still read."""
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    candidates.update(p for p in sys.path if os.path.isabs(p))
    real = sorted({os.path.realpath(p) for p in candidates if os.path.isdir(p)})
    return [p for p in real if not any(_under(p, q) and p != q for q in real)]


def _private_places(plan: ConfinePlan, report: ConfineReport) -> None:
    """Size-limited private tmpfs over every writable place; the Python installation, where it
    lives under one of them, is bound back read-only (recursively: covers inside it stay)."""
    places = [d for d in WRITABLE_PLACES if os.path.isdir(d) and not os.path.islink(d)]
    wanted = [p for p in _python_paths() if any(_under(p, d) for d in places)]
    kept = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in wanted}
    try:
        for directory in places:
            quota = 1 if directory == "/dev/mqueue" else PLACE_QUOTA_MB
            _mount("tmpfs", directory, "tmpfs", MS_NOSUID | MS_NODEV, f"size={quota}m,mode=1777")
        if "/run" in places:
            os.mkdir("/run/lock", 0o1777)
            os.chmod("/run/lock", 0o1777)
        for path, fd in kept.items():
            os.makedirs(path, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC, None)
            _remount_readonly(path)
    finally:
        for fd in kept.values():
            os.close(fd)
    report.held("private_tmp")


def _workdir_tmpfs(plan: ConfinePlan, owner: int) -> None:
    """The working directory as a tmpfs of its own: a disk quota, and nothing left on the host."""
    os.makedirs(plan.workdir, mode=0o700, exist_ok=True)
    options = f"size={WORKDIR_QUOTA_MB}m,mode=0700,uid={owner},gid={owner}"
    _mount("tmpfs", plan.workdir, "tmpfs", MS_NOSUID | MS_NODEV, options)


def _build_mount_view(plan: ConfinePlan, report: ConfineReport) -> None:
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    _host_readonly(report)
    _hide_paths(plan.hide)
    report.held("files_hidden")
    _private_places(plan, report)
    root = os.geteuid() == 0 and not report.features["user_namespace"]
    _workdir_tmpfs(plan, plan.uid if root else os.getuid())
    report.held("workdir_quota")


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


def _fresh_proc(report: ConfineReport) -> None:
    """A /proc of the child's own PID namespace; where the kernel refuses one (a user namespace
    under a masked /proc), an empty cover, so the host's processes stay out of sight."""
    try:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    except OSError as exc:
        report.refuse("processes_hidden", exc)
        _mount("tmpfs", "/proc", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=0555")
    report.held("processes_hidden")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint32) for name in ("effective", "permitted", "inheritable")]


def _drop_capabilities(report: ConfineReport) -> None:
    """No capability left: in a user namespace the child would otherwise hold them all there,
    enough to unmount the covers over the hidden graders."""
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    with contextlib.suppress(OSError):
        _check(_libc.prctl(47, 4, 0, 0, 0), "clear ambient capabilities")
    try:
        _check(_libc.capset(ctypes.byref(header), data), "capset")
        left = (_CapData * 2)()
        _check(_libc.capget(ctypes.byref(header), left), "capget")
    except OSError as exc:
        report.refuse("no_capabilities", exc)
        return
    if not any(getattr(d, name) for d in left for name in ("effective", "permitted")):
        report.held("no_capabilities")


def _enter_namespaces(plan: ConfinePlan, report: ConfineReport) -> None:
    for feature, flag in (
        ("network_isolated", CLONE_NEWNET), ("mount_namespace", CLONE_NEWNS),
        ("ipc_namespace", CLONE_NEWIPC),
    ):  # fmt: skip
        try:
            unshare(flag, feature)
            report.held(feature)
        except OSError as exc:
            report.refuse(feature, exc)
    if report.features["mount_namespace"]:
        _build_mount_view(plan, report)
        if report.features["pid_namespace"]:
            _fresh_proc(report)


def _drop_user(plan: ConfinePlan, report: ConfineReport) -> None:
    if os.geteuid() == 0 and not report.features["user_namespace"]:
        os.setgroups([])
        os.setresgid(plan.uid, plan.uid, plan.uid)
        os.setresuid(plan.uid, plan.uid, plan.uid)
        report.held("user_dropped")
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    report.held("no_new_privs")
    _drop_capabilities(report)


def confine(plan: ConfinePlan, procs_files: list[str], report: ConfineReport) -> None:
    """Apply the plan to the calling (single-threaded, just forked) child.

    ``report`` arrives with what the zygote did (PID and user namespace) and leaves with every
    step's outcome. A namespace the kernel refuses is recorded and the rest still applies; a
    failure after a namespace was granted (a mount that should work) raises: no student code
    then runs at all."""
    os.setsid()
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    in_use = _address_space_in_use()
    with contextlib.suppress(OSError):
        _write("/proc/self/oom_score_adj", "1000")  # a host-wide memory shortage takes us first
    _join_cgroups(procs_files, report)
    if os.geteuid() == 0 or report.features["user_namespace"]:
        _enter_namespaces(plan, report)
    _drop_user(plan, report)
    os.chdir(plan.workdir)
    os.environ["HOME"] = plan.workdir
    os.environ["TMPDIR"] = plan.workdir
    if plan.limit_address_space:
        # On top of what the preloaded runtime already maps: a GPU build of TensorFlow maps
        # gigabytes of CUDA libraries even where no GPU is used, a CPU build far less, and the
        # budget must mean the same to students on both.
        _limit(resource.RLIMIT_AS, in_use + plan.memory_mb * 1024 * 1024)
        report.held("address_space_limit")
    # soft = hard: PID 1 ignores the soft limit's SIGXCPU; the zygote reads the CPU time
    _limit(resource.RLIMIT_CPU, plan.cpu_s)
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT)
    _limit(resource.RLIMIT_NOFILE, 256)
    if report.features["user_dropped"]:
        _limit(resource.RLIMIT_NPROC, 512)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large file write fails, never kills

"""Per-child control groups: a memory budget that counts what RLIMIT_AS cannot, and a pids cap.

RLIMIT_AS only limits mapped address space: memfds and tmpfs files that a student fills and
never maps (or SysV shared memory kept in the IPC namespace) escape it. A memory cgroup charges
every page the child's processes allocate, shared memory included, and the kernel's OOM killer
ends the child inside its own group when the budget is spent. The trusted zygote creates one
group per child (nested under its own, so the host's limits still apply), the child joins it
before any student code runs, and the zygote reads the OOM count and removes the group when the
child is gone. Where the host offers no writable hierarchy (an ordinary user without
delegation), ``CgroupHost.create`` returns ``None`` and the child keeps RLIMIT_AS alone; the
confinement report says so.

Both layouts are supported: cgroup v2 (``memory.max``, ``pids.max``, ``cgroup.kill``) where the
zygote's own group delegates the controllers, and the v1 ``memory`` and ``pids`` hierarchies.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

PIDS_MAX = 512  # processes and threads of one child (TensorFlow starts a few dozen threads)


def _unescape(field_text: str) -> str:
    """Mount points in mountinfo escape space, tab, newline and backslash as octal."""
    out, i = [], 0
    while i < len(field_text):
        if field_text[i] == "\\" and field_text[i + 1 : i + 4].isdigit():
            out.append(chr(int(field_text[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field_text[i])
            i += 1
    return "".join(out)


def _own_groups() -> dict[str, str]:
    """This process's group path per v1 controller, and under "" its v2 group."""
    groups: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            groups[controller] = path
    return groups


def _mounts() -> list[tuple[str, str, set[str]]]:
    """(mount point, file system type, super options) of every cgroup mount."""
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        before, _, after = line.partition(" - ")
        fstype, _, options = [*after.split(), "", "", ""][:3]
        if fstype in ("cgroup", "cgroup2"):
            found.append((_unescape(before.split()[4]), fstype, set(options.split(","))))
    return found


def _write(path: Path, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


@dataclass
class ChildCgroup:
    """The groups of one child: the directories it joins, created and removed by the zygote."""

    version: int
    memory: Path
    pids: Path | None = None
    removed: bool = False
    directories: list[Path] = field(default_factory=list)

    @property
    def procs_files(self) -> list[str]:
        """What the child writes ``0`` to, to join every group."""
        return [str(directory / "cgroup.procs") for directory in self.directories]

    def oom_kills(self) -> int:
        """How often the kernel's OOM killer struck inside this group's budget."""
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        try:
            text = (self.memory / name).read_text()
        except OSError:
            return 0
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip().isdigit():
                return int(value)
        return 0

    def kill_all(self) -> None:
        """The backstop when the child's PID namespace did not take everything with it."""
        if self.version == 2:
            with contextlib.suppress(OSError):
                _write(self.memory / "cgroup.kill", "1")
        for _ in range(50):
            pids = set()
            for directory in self.directories:
                with contextlib.suppress(OSError):
                    pids.update(int(p) for p in (directory / "cgroup.procs").read_text().split())
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.002)

    def remove(self) -> bool:
        """Remove the groups (an emptied group can take a moment to let go); True when gone."""
        for directory in list(self.directories):
            for attempt in range(20):
                try:
                    directory.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.002 * (attempt + 1))
            else:
                return False
            self.directories.remove(directory)
        self.removed = True
        return True


class CgroupHost:
    """Where this process may create child groups, found once when the zygote starts."""

    def __init__(self) -> None:
        self._names = itertools.count()
        # the pid as the host sees it (a zygote in its own PID namespace is PID 1 there)
        self._host_pid = int(os.readlink("/proc/self"))
        self.version = 0
        self.memory_parent: Path | None = None
        self.pids_parent: Path | None = None
        self.why_not = ""
        try:
            self._discover()
        except (OSError, ValueError) as exc:
            self.why_not = f"cgroups unreadable: {exc}"
        self._sweep()

    def _sweep(self) -> None:
        """Remove the groups of zygotes that are gone (one killed while a child was running
        leaves that child's emptied group behind)."""
        for parent in (self.memory_parent, self.pids_parent):
            if parent is None:
                continue
            with contextlib.suppress(OSError):
                for entry in parent.iterdir():
                    owner = entry.name.removeprefix("course-sandbox-").split("-")[0]
                    ours = entry.name.startswith("course-sandbox-") and owner.isdigit()
                    if ours and not os.path.exists(f"/proc/{owner}"):
                        with contextlib.suppress(OSError):
                            entry.rmdir()

    def _discover(self) -> None:
        groups, mounts = _own_groups(), _mounts()
        for mountpoint, fstype, _ in mounts:
            if fstype != "cgroup2" or "" not in groups:
                continue
            parent = Path(mountpoint + groups[""].rstrip("/"))
            try:
                delegated = (parent / "cgroup.subtree_control").read_text().split()
            except OSError:
                continue
            if "memory" in delegated and os.access(parent, os.W_OK):
                self.version, self.memory_parent = 2, parent
                return
        for mountpoint, fstype, options in mounts:
            if fstype != "cgroup":
                continue
            for controller in ("memory", "pids"):
                if controller in options and controller in groups:
                    parent = Path(mountpoint + groups[controller].rstrip("/"))
                    if os.access(parent, os.W_OK):
                        setattr(self, f"{controller}_parent", parent)
        if self.memory_parent is not None:
            self.version = 1
        else:
            self.pids_parent = None
            self.why_not = "no writable memory cgroup (v2 delegation or v1 hierarchy)"

    def create(self, memory_bytes: int) -> ChildCgroup | None:
        """A fresh group for one child with its memory budget and pids cap, or ``None``."""
        if self.memory_parent is None:
            return None
        name = f"course-sandbox-{self._host_pid}-{next(self._names)}"
        group = ChildCgroup(self.version, self.memory_parent / name)
        try:
            group.memory.mkdir()
            group.directories.append(group.memory)
            if self.version == 2:
                _write(group.memory / "memory.max", str(memory_bytes))
                with contextlib.suppress(OSError):
                    _write(group.memory / "memory.swap.max", "0")
                with contextlib.suppress(OSError):
                    _write(group.memory / "pids.max", str(PIDS_MAX))
            else:
                _write(group.memory / "memory.limit_in_bytes", str(memory_bytes))
                with contextlib.suppress(OSError):
                    _write(group.memory / "memory.memsw.limit_in_bytes", str(memory_bytes))
                if self.pids_parent is not None:
                    group.pids = self.pids_parent / name
                    group.pids.mkdir()
                    group.directories.append(group.pids)
                    _write(group.pids / "pids.max", str(PIDS_MAX))
        except OSError as exc:
            self.why_not = f"creating {group.memory}: {exc}"
            group.remove()
            return None
        return group

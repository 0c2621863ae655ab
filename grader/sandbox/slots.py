"""Sandbox uids, leased under a lock, so graders running side by side never share one.

As root every sandbox child runs under an unprivileged uid ``sandbox_uid_base + slot``. Two
graders on one host (two ``course grade`` runs, or one beside the secure ``nbgrader
autograde``) must never hand the same uid to two students at once: a student could then signal
or read another's process, and one grader's clean-up of its slot would reach the other's child.
Every grading process therefore leases its slot here (an ``flock`` on a file named after the
uid, held for as long as the process keeps the lease) and gives it back when it is done.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

SLOT_COUNT = 128  # slots per uid base: more graders than any host runs at once


class NoFreeSlot(Exception):
    """Every sandbox slot is leased by another grading process on this host."""


def lock_folder() -> Path:
    """Where the leases live: a root-only folder as root (no other user can take or fake a
    lease), else a private folder in the temporary directory."""
    if os.geteuid() == 0:
        folder = Path("/run/course-sandbox")
        folder.mkdir(mode=0o755, exist_ok=True)
    else:
        folder = Path(tempfile.gettempdir()) / f"course-sandbox-{os.geteuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@dataclass
class SlotLease:
    """A sandbox slot held by this process until ``release`` (or the process's end)."""

    slot: int
    uid: int
    fd: int

    def release(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1


def lease_slot(uid_base: int) -> SlotLease:
    """The first slot no other process on this host holds."""
    folder = lock_folder()
    for slot in range(SLOT_COUNT):
        uid = uid_base + slot
        try:
            fd = os.open(folder / f"uid-{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        os.set_inheritable(fd, False)
        return SlotLease(slot, uid, fd)
    raise NoFreeSlot(f"all {SLOT_COUNT} sandbox slots from uid {uid_base} are in use")

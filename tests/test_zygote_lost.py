"""A zygote killed at any moment is reported as lost, and the worker still cleans up.

Whatever kills a zygote (the OOM killer, an operator, a test) can strike before a request, while
the zygote handles it, or between a student's last test and the clean-up. Each must surface as
``ZygoteLost``, an ``OSError`` the batch re-queues the student for: a decoding error from an
empty reply crashed the worker instead ("pytest could not run the graders"), and a clean-up cut
short left the child's folder and pipe behind.
"""

from __future__ import annotations

import os
import signal
import socket
import tempfile
import threading
from collections.abc import Callable

import pytest

from grader.sandbox.remote import (
    StudentSandbox,
    ZygoteClient,
    ZygoteLost,
    _Child,
    ask_zygote,
    settings_for,
)
from grader.wire.framing import OutputDrain


def _gone_before_the_request(theirs: socket.socket) -> None:
    theirs.close()


def _dies_while_handling_it(theirs: socket.socket) -> None:
    theirs.recv(65536)
    theirs.close()


def _answers_garbage(theirs: socket.socket) -> None:
    theirs.recv(65536)
    theirs.send(b'{"status": "exit')  # what a dying writer could leave


def _answers_a_list(theirs: socket.socket) -> None:
    theirs.recv(65536)
    theirs.send(b'["exit 0"]')


@pytest.mark.parametrize(
    "zygote_side",
    [_gone_before_the_request, _dies_while_handling_it, _answers_garbage, _answers_a_list],
)
def test_every_way_the_zygote_vanishes_during_a_request_is_zygote_lost(
    zygote_side: Callable[[socket.socket], None],
) -> None:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    ours.settimeout(30)
    zygote = threading.Thread(target=zygote_side, args=(theirs,))
    zygote.start()
    try:
        with pytest.raises(ZygoteLost) as lost:
            ask_zygote(ours, {"op": "kill", "pid": 4242})
        assert isinstance(lost.value, OSError)  # what the batch re-queues a student for
    finally:
        zygote.join()
        ours.close()
        theirs.close()


def test_a_zygote_killed_with_a_request_pending_is_lost_at_once() -> None:
    client = ZygoteClient(gpu=False, warm_up=False)
    pid = client.process.pid
    try:
        os.kill(pid, signal.SIGSTOP)  # the request waits, unread, in the socket
        killer = threading.Timer(0.3, os.kill, (pid, signal.SIGKILL))
        killer.start()
        with pytest.raises(ZygoteLost):
            client.kill(4242)
        killer.join()
        assert not client.alive()
    finally:
        client.close()


class _LostZygote:
    """Stands in for a zygote that was killed just before the clean-up asked it to end a child."""

    def kill(self, pid: int) -> str:
        raise ZygoteLost("the sandbox zygote closed its control socket (it was killed or crashed)")


def test_the_clean_up_finishes_when_the_zygote_is_lost(config) -> None:
    workdir = tempfile.mkdtemp(prefix="course-sandbox-test-")
    with open(os.path.join(workdir, "left-behind.txt"), "w") as file:
        file.write("a student's file")
    read_end, write_end = os.pipe()
    ours, theirs = socket.socketpair()
    settings = settings_for(config, 0, (), False)
    sandbox = StudentSandbox(_LostZygote(), settings, seed=1)  # type: ignore[arg-type]
    sandbox.child = _Child(99999, ours, OutputDrain(read_end), workdir)
    try:
        with pytest.raises(ZygoteLost):
            sandbox.close()
        assert not os.path.exists(workdir)
        with pytest.raises(OSError):
            os.fstat(read_end)  # the child's output pipe is closed too
        assert sandbox.child is None
    finally:
        os.close(write_end)
        theirs.close()

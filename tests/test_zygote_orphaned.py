"""A zygote whose grader is gone ends quietly (a Ctrl-C can close the grader's end of the
control socket at any moment of the zygote's start-up, before or after it says it is ready):
no traceback on the terminal the student or instructor pressed Ctrl-C in."""

from __future__ import annotations

import socket
import subprocess

from grader.sandbox import CONTROL_FD_ENV, ZYGOTE_ARGS
from grader.sandbox.interpreter import NEUTRAL_CWD, python_command
from grader.sandbox.remote import sandbox_environment


def test_a_zygote_whose_grader_left_during_start_up_exits_without_a_traceback() -> None:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    ours.close()  # the grader is gone before the zygote could say it is ready
    env = {**sandbox_environment(False), CONTROL_FD_ENV: str(theirs.fileno())}
    zygote = subprocess.run(
        python_command(*ZYGOTE_ARGS), pass_fds=[theirs.fileno()], env=env,
        cwd=NEUTRAL_CWD, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    theirs.close()
    assert "Traceback" not in zygote.stderr, zygote.stderr[-3000:]
    assert zygote.returncode == 0, (zygote.returncode, zygote.stderr[-3000:])

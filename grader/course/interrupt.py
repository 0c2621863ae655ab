"""Ctrl-C in ``course``: one line on stderr and exit status 130, never a traceback.

Imported first by ``grader.cli`` (before typer, rich or pydantic load), so a Ctrl-C during the
second or so of start-up is met by ``_during_start_up`` rather than by a ``KeyboardInterrupt``
deep inside an import; once the commands are registered, ``started`` gives Ctrl-C back to
Python (commands rely on ``KeyboardInterrupt`` to stop their workers and sandboxes) and the
command prints the same line through ``report_interrupted``.
"""

from __future__ import annotations

import signal
import sys

from grader.course.messages import INTERRUPTED

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C


def report_interrupted(language: str) -> None:
    print(INTERRUPTED.render(language), file=sys.stderr, flush=True)


def _during_start_up(signum: int, frame: object) -> None:
    """The course language is not known yet: Korean, the course's default."""
    report_interrupted("ko")
    raise SystemExit(EXIT_INTERRUPTED)  # unwinds the imports silently, unlike KeyboardInterrupt


def started() -> None:
    """Start-up is over: Ctrl-C raises ``KeyboardInterrupt`` again (if it was not ignored)."""
    if signal.getsignal(signal.SIGINT) is _during_start_up:
        signal.signal(signal.SIGINT, signal.default_int_handler)


if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored (`&`, nohup)
    signal.signal(signal.SIGINT, _during_start_up)

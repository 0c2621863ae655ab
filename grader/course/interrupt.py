"""Ctrl-C in ``course``: one line on stderr and exit status 130, never a traceback.

Imported first by ``grader.cli``, and installing its handler before it imports anything itself,
so a Ctrl-C during the second or so of start-up (imports, typer reading the command line) is met
by ``_during_start_up`` rather than by a ``KeyboardInterrupt`` deep inside an import, or inside
typer, which turns one into a silent exit 130. The handler stays until a command that stops its
workers and sandboxes on ``KeyboardInterrupt`` (``grade``, ``check``) calls ``started`` inside
the ``try`` that handles it, and prints the same line through ``report_interrupted``. What the
line says depends on the command: ``grade`` resumes where it stopped, ``check`` starts over.
"""

from __future__ import annotations

import signal
import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C


def _during_start_up(signum: int, frame: object) -> None:
    """The course language is not known yet: Korean, the course's default; the command is
    read from the command line as typed (``course grade …``)."""
    report_interrupted("ko", sys.argv[1] if len(sys.argv) > 1 else "")
    raise SystemExit(EXIT_INTERRUPTED)  # unwinds silently, unlike KeyboardInterrupt


if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored (`&`, nohup)
    signal.signal(signal.SIGINT, _during_start_up)


def report_interrupted(language: str, command: str) -> None:
    from grader.course.messages import CHECK_INTERRUPTED, INTERRUPTED, STOPPED

    line = {"grade": INTERRUPTED, "check": CHECK_INTERRUPTED}.get(command, STOPPED)
    print(line.render(language), file=sys.stderr, flush=True)


def started() -> None:
    """The command handles Ctrl-C from here on: it raises ``KeyboardInterrupt`` again (if it
    was not ignored). Call it inside the ``try`` that catches it."""
    if signal.getsignal(signal.SIGINT) is _during_start_up:
        signal.signal(signal.SIGINT, signal.default_int_handler)

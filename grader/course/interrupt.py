"""Ctrl-C in ``course``: one line on stderr and exit status 130, never a traceback.

Whether the command was stopped by Ctrl-C is a fact this module records when the signal
arrives, never a guess from the exception that reaches the top. The exception a handler raises
can change on its way up: Python 3.11 re-raises one from a descriptor's ``__set_name__`` (a
dataclass field while pytest is imported, say) as a ``RuntimeError``, pytest reports one as
"graders that could not run", typer as "Aborted!". So every exception that ends a command
after a Ctrl-C means "stopped", whatever its type; ``with`` blocks and ``finally`` clauses,
which run on any exception, close sandboxes and workers on the way.

Imported first by ``grader.entry``, its handler is installed before anything slow is imported.
Outside a command's ``handled`` block the handler raises ``SystemExit``: typer would turn a
``KeyboardInterrupt`` during start-up (imports, reading the command line) into "Aborted!". A
command that stops workers and sandboxes on ``KeyboardInterrupt`` (``grade``, ``check``) runs
them inside ``handled``. What the line says depends on the command: ``grade`` resumes where it
stopped, ``check`` starts over.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C

_received: list[int] = []  # the signals that arrived: empty until Ctrl-C
_said: list[str] = []  # the line printed, so that it is printed once


def _during_start_up(signum: int, frame: object) -> None:
    _received.append(signum)
    raise SystemExit(EXIT_INTERRUPTED)  # unwinds silently, unlike KeyboardInterrupt


def _during_command(signum: int, frame: object) -> None:
    _received.append(signum)
    raise KeyboardInterrupt


if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored (`&`, nohup)
    signal.signal(signal.SIGINT, _during_start_up)


def received() -> bool:
    """Whether Ctrl-C reached this process."""
    return bool(_received)


@dataclass
class Interruption:
    """What a command says when Ctrl-C stops it: its name picks the line, ``language`` (Korean
    until the command has read course.yml) the words."""

    command: str
    language: str = "ko"


@contextmanager
def reported(command: str) -> Iterator[Interruption]:
    """Whatever ends the block after a Ctrl-C prints the command's line and exits with status
    130; any other exit passes through unchanged."""
    said = Interruption(command)
    try:
        yield said
    except BaseException:
        if not received():
            raise
        exit_interrupted(said)


@contextmanager
def handled(command: str) -> Iterator[Interruption]:
    """``reported``, and inside the block Ctrl-C raises ``KeyboardInterrupt`` (if it was not
    ignored), which stops the command's work where it is. Outside it start-up's handler is back:
    typer would turn a ``KeyboardInterrupt`` into "Aborted!"."""
    own = signal.getsignal(signal.SIGINT) is _during_start_up
    if own:
        signal.signal(signal.SIGINT, _during_command)
    try:
        with reported(command) as said:
            yield said
    finally:
        if own and signal.getsignal(signal.SIGINT) is _during_command:
            signal.signal(signal.SIGINT, _during_start_up)


def exit_interrupted(said: Interruption) -> NoReturn:
    """Print the line for ``said.command`` (``grade``, ``check`` or any other) once, and exit
    with status 130. A second Ctrl-C is ignored from here: there is nothing left to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from grader.course.messages import CHECK_INTERRUPTED, INTERRUPTED, STOPPED

    if not _said:
        line = {"grade": INTERRUPTED, "check": CHECK_INTERRUPTED}.get(said.command, STOPPED)
        _said.append(line.render(said.language))
        print(_said[0], file=sys.stderr, flush=True)
    raise SystemExit(EXIT_INTERRUPTED) from None


def command_typed() -> str:
    """The command as typed (``course grade …``): what start-up knows before typer reads it."""
    return sys.argv[1] if len(sys.argv) > 1 else ""

"""The ``course`` command's entry point: Ctrl-C is handled before anything slow is imported.

``grader.cli`` imports typer, rich and the course at import time; a Ctrl-C meanwhile must print
the same one line as one during a command, so the import happens inside the handling block.
"""

from __future__ import annotations

from grader.course import interrupt


def main() -> None:
    with interrupt.reported(interrupt.command_typed()):
        from grader.cli import app

        app()

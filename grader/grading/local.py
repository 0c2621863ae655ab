"""In-process openers of a ``StudentRun``, for a student's own checks (``course check``),
notebooks and the project's tests.

The student's code runs in this very process: that is fine for self-checks, never for scores
that count; ``course grade`` uses ``grader.sandbox`` instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.course.exercises import find_exercise_file
from grader.grading.student_run import not_submitted
from grader.grading.submission import Submission
from grader.student.agent import Agent
from grader.student.loader import LoadError, read_source
from grader.wire.protocol import OutputLog, StudentFailure, decode_reply
from grader.wire.requests import decode_request

if TYPE_CHECKING:
    from grader.grading.results import ExerciseRun


class AgentTransport:
    """Hands requests straight to an in-process agent, as the same bytes the sandbox carries
    and validated by the same schema, so both ways of running graders see the same replies."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    def request(self, payload: bytes) -> bytes:
        return self.agent.handle(decode_request(payload)).encode()


class FolderOpener:
    """Exercise files from a folder, loaded into this process (``course check``, the tests)."""

    def __init__(self, folder: Path, output_limit: int) -> None:
        self.folder = folder
        self.output_limit = output_limit

    @contextmanager
    def open(self, exercise: str, log: ExerciseRun) -> Iterator[Submission]:
        if log.output is None:
            log.output = OutputLog(limit=self.output_limit)
        output = log.output
        path, notes = find_exercise_file(self.folder, exercise)
        if path is None:
            yield not_submitted(self.folder, exercise, output)
            return
        log.file = path.name
        agent = Agent()
        try:
            source = read_source(path)
        except LoadError as exc:
            failure = StudentFailure("load", exc_type="LoadError", message=str(exc))
            yield Submission(exercise, None, load_failure=failure, output=output, notes=notes)
            return
        reply = decode_reply(agent.load_source(source, exercise, str(path)).encode())
        output.add(reply.output)
        try:
            yield Submission(
                exercise, AgentTransport(agent), load_failure=reply.failure, output=output,
                notes=notes,
            )  # fmt: skip
        finally:
            sys.modules.pop(exercise, None)

    def close(self) -> None:
        """Nothing to release: each exercise's module is dropped when its graders are done."""


class NamespaceOpener:
    """Functions a notebook already defined in its own globals, served to its test cells."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace

    @contextmanager
    def open(self, exercise: str, log: ExerciseRun) -> Iterator[Submission]:
        agent = Agent()
        agent.use_namespace(self.namespace)
        yield Submission(exercise, AgentTransport(agent))

    def close(self) -> None:
        """Nothing to release: the notebook's kernel owns its objects."""

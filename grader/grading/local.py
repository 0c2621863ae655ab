"""In-process submissions, for a student's own checks (``course check``) and notebooks.

The student's code runs in this very process: that is fine for self-checks, never for scores
that count; ``course grade`` uses ``grader.sandbox`` instead.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from grader.course.exercises import find_exercise_file
from grader.grading.submission import Submission
from grader.student.agent import Agent
from grader.student.loader import LoadError, read_source
from grader.wire.protocol import OutputLog, StudentFailure, decode_reply


class AgentTransport:
    """Hands requests straight to an in-process agent (same JSON as the sandbox uses)."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    def request(self, payload: bytes) -> bytes:
        return self.agent.handle(json.loads(payload)).encode("utf-8")


@contextmanager
def open_local(folder: Path, exercise: str, output_limit: int) -> Iterator[Submission]:
    """Load ``exercise`` from ``folder`` into this process and serve it to graders."""
    path, notes = find_exercise_file(folder, exercise)
    output = OutputLog(limit=output_limit)
    if path is None:
        yield Submission(exercise, None, load_failure=StudentFailure("no_file"), output=output)
        return
    agent = Agent()
    try:
        source = read_source(path)
    except LoadError as exc:
        failure = StudentFailure("load", exc_type="LoadError", message=str(exc))
        yield Submission(exercise, None, load_failure=failure, output=output, notes=notes)
        return
    reply = decode_reply(agent.load_source(source, exercise, str(path)).encode("utf-8"))
    output.add(reply.output)
    try:
        yield Submission(
            exercise, AgentTransport(agent), load_failure=reply.failure, output=output, notes=notes
        )
    finally:
        sys.modules.pop(exercise, None)


@contextmanager
def open_namespace(exercise: str, namespace: dict[str, Any]) -> Iterator[Submission]:
    """Serve functions a notebook already defined in its own globals."""
    agent = Agent()
    agent.use_namespace(namespace)
    yield Submission(exercise, AgentTransport(agent))

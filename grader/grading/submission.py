"""The ``submission`` object graders use: a proxy to one student's exercise module.

Every way of running graders (``course check``, notebooks, the sandboxed ``course grade``)
hands graders this same class; only the ``Transport`` behind it differs. Graders send plain
arguments and receive validated ``Value`` records, never the student's objects.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from grader.course.messages import Msg
from grader.wire.output import OutputLog
from grader.wire.replies import Reply, StudentError, StudentFailure, decode_reply
from grader.wire.requests import (
    AgentRequest,
    AttrRequest,
    CallRequest,
    EnvRequest,
    NewRequest,
    ReadRequest,
    encode_argument,
    function_of,
)
from grader.wire.values import ProtocolError, Ref, Value, encode_array


class Transport(Protocol):
    """Delivers one encoded request to the student's side and returns its raw reply."""

    def request(self, payload: bytes) -> bytes: ...


class Submission:
    """One student's exercise, as graders see it."""

    def __init__(
        self,
        exercise: str,
        transport: Transport | None,
        *,
        load_failure: StudentFailure | None = None,
        output: OutputLog | None = None,
        notes: tuple[Msg, ...] = (),
    ) -> None:
        self.exercise = exercise
        self._transport = transport
        self.load_failure = load_failure
        self.output = output or OutputLog(limit=64 * 1024)
        self.notes = notes  # e.g. "both .py and .ipynb were submitted; the notebook was graded"

    def _ask(self, request: AgentRequest) -> Value:
        if self.load_failure is not None:
            raise StudentError(self.load_failure)
        assert self._transport is not None
        reply: Reply = decode_reply(self._transport.request(request.encode()))
        self.output.add(reply.output)
        return reply.unwrap(function_of(request))

    def call(self, function: str, *args: Any, **kwargs: Any) -> Value:
        """Call ``function`` in the student's module; raise StudentError if it fails."""
        request = CallRequest(
            exercise=self.exercise,
            function=function,
            args=[encode_argument(a) for a in args],
            kwargs={k: encode_argument(v) for k, v in kwargs.items()},
        )
        return self._ask(request)

    def attr(self, name: str) -> Value:
        """A module-level name of the student's module (e.g. a constant)."""
        return self._ask(AttrRequest(exercise=self.exercise, name=name))

    def _new(self, kind: str, initial: Any, dtype: str, device: str | None = None) -> Ref:
        array = np.asarray(initial, dtype=dtype)
        request = NewRequest(
            exercise=self.exercise, kind=kind, value=encode_array(array), device=device
        )
        value = self._ask(request)
        if value.same_as is None:
            raise ProtocolError("no handle came back for a new object")
        return value.same_as

    def variable(self, initial: Any) -> Ref:
        """Create a float32 ``tf.Variable`` on the student's side and return its handle."""
        return self._new("variable", initial, "float32")

    def constant(self, initial: Any, device: str | None = None) -> Ref:
        """Create a float32 constant tensor on the student's side (optionally on ``device``)."""
        return self._new("constant", initial, "float32", device)

    def ndarray(self, initial: Any, dtype: str = "float64") -> Ref:
        """Create a NumPy array on the student's side, kept for in-place checks."""
        return self._new("ndarray", initial, dtype)

    def read(self, ref: Ref) -> Value:
        """The current state of an object behind a handle (e.g. a variable after assign)."""
        return self._ask(ReadRequest(exercise=self.exercise, ref=ref.id))

    def visible_gpus(self) -> list[str]:
        """GPU names that TensorFlow sees on the student's side."""
        value = self._ask(EnvRequest(exercise=self.exercise))
        return [item.text or "" for item in value.items]

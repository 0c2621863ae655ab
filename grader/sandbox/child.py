"""The sandbox child's main loop: load exercise files and answer grader requests.

Runs after ``confine``; everything it needs was imported by the zygote before the fork, so no
file of the grader has to be readable from here.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import os
import random
import socket
import sys
from collections.abc import Iterator

import numpy as np
import tensorflow as tf

from grader.sandbox.warmup import fresh_eager_context, single_threaded
from grader.student.agent import Agent
from grader.student.loader import LoadError, source_from_bytes
from grader.wire.framing import FrameError, recv_frame, send_frame
from grader.wire.replies import WireReply, failed
from grader.wire.requests import LoadRequest, Request, decode_request
from grader.wire.values import MAX_MESSAGE_BYTES, ProtocolError


@contextlib.contextmanager
def _no_capture() -> Iterator[io.StringIO]:
    """Output already flows to the grader through the redirected file descriptors."""
    yield io.StringIO()


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _start_fresh(seed: int) -> None:
    """A fresh eager context, one thread per op, seeded (out of ``serve``, whose frame stays
    short under every student call)."""
    fresh_eager_context()
    single_threaded(tf)
    _seed_everything(seed)


def _seed_everything(seed: int) -> None:
    """Same student, same run: the same random numbers, so re-grading gives the same result."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    tf.random.set_seed(seed % 2**31)


def serve(sock: socket.socket, seed: int) -> None:
    _start_fresh(seed)
    agents: dict[str, Agent] = {}
    while True:
        try:
            raw = recv_frame(sock, MAX_MESSAGE_BYTES)
        except FrameError:
            return
        reply = answer(raw, agents)
        _flush()
        send_frame(sock, reply)


def answer(raw: bytes, agents: dict[str, Agent]) -> bytes:
    """The reply to one request's bytes: whatever they hold, a reply and never a crash (a
    request outside the schema is answered as an exception, ``ProtocolError``)."""
    try:  # encoding inside: serialising a huge value can run out of memory too
        return _memory_failure(_handle(decode_request(raw), agents)).encode()
    except MemoryError:
        return failed("memory", exc_type="MemoryError").encode()
    except BaseException as exc:
        return failed("exception", exc_type=type(exc).__name__, message=str(exc)).encode()


def _memory_failure(reply: WireReply) -> WireReply:
    """The agent reports a MemoryError like any other exception; here it means the sandbox's
    memory limit was hit, so say so (the "memory" category has its own message)."""
    failure = reply.failure
    if failure is None or not failure.exc_type.endswith("MemoryError"):
        return reply
    memory = failure.model_copy(update={"category": "memory"})
    return reply.model_copy(update={"failure": memory})


def _handle(request: Request, agents: dict[str, Agent]) -> WireReply:
    """Answer one validated request; an exercise that was never loaded is a ProtocolError.
    (Requests for an agent come first: this frame stays short under every student call.)"""
    if not isinstance(request, LoadRequest):
        agent = agents.get(request.exercise)
        if agent is None:
            raise ProtocolError(f"exercise {request.exercise!r} was not loaded")
        return agent.handle(request)
    return _load(request, agents)


def _load(request: LoadRequest, agents: dict[str, Agent]) -> WireReply:
    agent = agents[request.exercise] = Agent(capture=_no_capture)
    try:
        raw = base64.b64decode(request.source, validate=True)
    except binascii.Error:
        raise ProtocolError("the source is not base64") from None
    try:
        source = source_from_bytes(raw, request.filename)
    except LoadError as exc:
        return failed("load", exc_type="LoadError", message=str(exc))
    return agent.load_source(source, request.exercise, request.filename)


def run_child(sock_fd: int, out_fd: int, seed: int) -> None:
    """Entry point in the forked child, after confinement: wire stdio to the output pipe."""
    _stdio_to(out_fd)
    serve(socket.socket(fileno=sock_fd), seed)


def _stdio_to(out_fd: int) -> None:
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    os.close(out_fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdout = io.TextIOWrapper(
        os.fdopen(1, "wb", buffering=0), encoding="utf-8", line_buffering=True
    )
    sys.stderr = io.TextIOWrapper(
        os.fdopen(2, "wb", buffering=0), encoding="utf-8", line_buffering=True
    )

"""The sandbox child's main loop: load exercise files and answer grader requests.

Runs after ``confine``; everything it needs was imported by the zygote before the fork, so no
file of the grader has to be readable from here.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import random
import socket
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import tensorflow as tf

from grader.sandbox.warmup import fresh_eager_context, single_threaded
from grader.student.agent import Agent
from grader.student.loader import LoadError, source_from_bytes
from grader.wire.framing import FrameError, recv_frame, send_frame
from grader.wire.protocol import MAX_MESSAGE_BYTES


@contextlib.contextmanager
def _no_capture() -> Iterator[io.StringIO]:
    """Output already flows to the grader through the redirected file descriptors."""
    yield io.StringIO()


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _failure_reply(category: str, exc_type: str, message: str) -> bytes:
    failure = {"category": category, "exc_type": exc_type, "message": message[:4000]}
    return json.dumps({"ok": False, "failure": failure, "output": ""}).encode()


def _seed_everything(seed: int) -> None:
    """Same student, same run: the same random numbers, so re-grading gives the same result."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    tf.random.set_seed(seed % 2**31)


def serve(sock: socket.socket, seed: int) -> None:
    fresh_eager_context()
    single_threaded(tf)
    _seed_everything(seed)
    agents: dict[str, Agent] = {}
    while True:
        try:
            request: dict[str, Any] = json.loads(recv_frame(sock, MAX_MESSAGE_BYTES))
        except FrameError:
            return
        try:
            reply = _memory_failure(_handle(request, agents))
        except MemoryError:
            reply = _failure_reply("memory", "MemoryError", "")
        except BaseException as exc:
            reply = _failure_reply("exception", type(exc).__name__, str(exc))
        _flush()
        send_frame(sock, reply)


def _memory_failure(reply: bytes) -> bytes:
    """The agent reports a MemoryError like any other exception; here it means the sandbox's
    memory limit was hit, so say so (the "memory" category has its own message)."""
    if b"MemoryError" not in reply:
        return reply
    data = json.loads(reply)
    failure = data.get("failure")
    if isinstance(failure, dict) and str(failure.get("exc_type", "")).endswith("MemoryError"):
        failure["category"] = "memory"
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    return reply


def _handle(request: dict[str, Any], agents: dict[str, Agent]) -> bytes:
    exercise = request["exercise"]
    if request["op"] == "load":
        agent = agents[exercise] = Agent(capture=_no_capture)
        try:
            source = source_from_bytes(base64.b64decode(request["source"]), request["filename"])
        except LoadError as exc:
            return _failure_reply("load", "LoadError", str(exc))
        return agent.load_source(source, exercise, request["filename"]).encode("utf-8")
    return agents[exercise].handle(request).encode("utf-8")


def run_child(sock_fd: int, out_fd: int, seed: int) -> None:
    """Entry point in the forked child, after confinement: wire stdio to the output pipe."""
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
    serve(socket.socket(fileno=sock_fd), seed)

"""Length-prefixed frames over a stream socket, with a size cap and a deadline.

The reader never trusts the peer: a frame longer than ``limit`` or a peer that stalls past the
deadline raises instead of allocating or blocking forever.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import time

HEADER = struct.Struct(">I")


class FrameError(Exception):
    """The peer closed the connection, sent an oversized frame, or missed the deadline."""

    def __init__(self, reason: str, kind: str):
        super().__init__(reason)
        self.kind = kind  # "eof" | "too_large" | "timeout"


def send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(HEADER.pack(len(payload)) + payload)


def _remaining(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise FrameError("deadline passed", "timeout")
    return left


def recv_exact(sock: socket.socket, size: int, deadline: float | None, drain=None) -> bytes:
    """Read ``size`` bytes; ``drain(fd)`` is called whenever an extra watched fd is readable."""
    chunks, got = [], 0
    extra = [drain.fd] if drain is not None else []
    while got < size:
        readable, _, _ = select.select([sock, *extra], [], [], _remaining(deadline))
        if not readable:
            raise FrameError("deadline passed", "timeout")
        if drain is not None and drain.fd in readable:
            drain.pump()
        if sock in readable:
            chunk = sock.recv(min(size - got, 1 << 20))
            if not chunk:
                raise FrameError("connection closed", "eof")
            chunks.append(chunk)
            got += len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket, limit: int, deadline: float | None = None, drain=None) -> bytes:
    (length,) = HEADER.unpack(recv_exact(sock, HEADER.size, deadline, drain))
    if length > limit:
        raise FrameError(f"frame of {length} bytes exceeds {limit}", "too_large")
    return recv_exact(sock, length, deadline, drain)


class OutputDrain:
    """Reads a child's stdout/stderr pipe without blocking, keeping only the first bytes."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        os.set_blocking(fd, False)
        self.sink = None  # an OutputLog-like object with add(text) and a limit

    def pump(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            except OSError:
                return
            if not data:
                return
            if self.sink is None:
                continue
            if self.sink.size >= self.sink.limit:
                self.sink.truncated = True  # keep reading so the child never blocks, but drop it
            else:
                self.sink.add(data.decode("utf-8", errors="replace"))

"""Answer grader requests against one student's module.

A request is a small JSON object (``op`` plus fields, see ``grader.wire.protocol``); the reply is the
JSON text of a ``WireReply``. The agent is the only place where a student's objects are touched,
and it is the same code whether it runs in the sandbox or in-process.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import traceback
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import tensorflow as tf

from grader.student import functions
from grader.student.describe import Registry, TooLarge, describe
from grader.student.loader import exec_module
from grader.wire.protocol import MAX_TEXT

OutputCapture = Callable[[], contextlib.AbstractContextManager[io.StringIO]]


@contextlib.contextmanager
def capture_in_memory() -> Iterator[io.StringIO]:
    """Capture what Python code prints (enough in-process; the sandbox captures file descriptors)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        yield buffer


def _array(spec: dict[str, Any]) -> np.ndarray:
    raw = base64.b64decode(spec["data"])
    return np.frombuffer(raw, dtype=spec["dtype"]).reshape(spec["shape"]).copy()


def _student_traceback(exc: BaseException, filename: str) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    lines = [f"  {f.filename}, {f.lineno}행, {f.name}: {f.line or ''}" for f in frames[-5:]]
    return "\n".join(lines)[:MAX_TEXT]


def _failure(category: str, exc: BaseException | None = None, filename: str = "") -> dict:
    failure: dict[str, Any] = {"category": category}
    if exc is not None:
        failure["exc_type"] = type(exc).__name__[:200]
        failure["message"] = str(exc)[:MAX_TEXT]
        failure["detail"] = _student_traceback(exc, filename)
    return failure


class Agent:
    """Serves one exercise module: load it once, then call it as often as graders ask."""

    def __init__(self, capture: OutputCapture = capture_in_memory) -> None:
        # On Ampere and newer GPUs TensorFlow multiplies float32 matrices in TensorFloat-32 by
        # default: about three significant digits, so a correct tf.matmul on the GPU would miss
        # the graders' float32 tolerance (seen on an H100). Students' results are graded as
        # float32, on every device.
        tf.config.experimental.enable_tensor_float_32_execution(False)
        self.registry = Registry()
        self.module: types.ModuleType | dict[str, Any] | None = None
        self.filename = ""
        self._capture = capture

    # ------------------------------------------------------------------ loading
    def load_source(self, source: str, module_name: str, filename: str) -> str:
        self.filename = filename
        output = ""
        try:
            with self._capture() as buffer:
                try:
                    self.module = exec_module(source, module_name, filename)
                finally:
                    output = buffer.getvalue()
        except SyntaxError as exc:
            failure = _failure("load", exc, filename)
            failure["detail"] = f"{exc.lineno}행: {(exc.text or '').strip()}"[:MAX_TEXT]
            return self._reply(failure=failure, output=output)
        except BaseException as exc:
            return self._reply(failure=_failure("load", exc, filename), output=output)
        return self._reply(value={"kind": "none", "type": "builtins.NoneType"}, output=output)

    def use_namespace(self, namespace: dict[str, Any], filename: str = "<notebook>") -> None:
        """Serve functions already defined elsewhere (a notebook's globals)."""
        self.module = namespace
        self.filename = filename

    # ------------------------------------------------------------------ requests
    def handle(self, request: dict[str, Any]) -> str:
        op = request.get("op")
        handler = {
            "call": self._call,
            "attr": self._attr,
            "new": self._new,
            "read": self._read,
            "env": self._env,
        }.get(op)
        if handler is None:
            return self._reply(failure={"category": "exception", "message": f"unknown op {op}"})
        return handler(request)

    def _lookup(self, name: str) -> Any:
        if isinstance(self.module, dict):
            return self.module[name]
        return getattr(self.module, name)

    def _has(self, name: str) -> bool:
        if isinstance(self.module, dict):
            return name in self.module
        return self.module is not None and hasattr(self.module, name)

    def _decode_argument(self, spec: Any) -> Any:
        if isinstance(spec, list):
            return [self._decode_argument(item) for item in spec]
        if not isinstance(spec, dict):
            return spec
        kind = spec["t"]
        if kind == "const":
            return tf.constant(_array(spec), dtype=tf.float32)
        if kind == "array":
            return _array(spec)
        if kind == "ref":
            return self.registry.get(spec["id"])
        if kind == "fn":
            return functions.build(spec["kind"], spec["coefs"])
        if kind == "tuple":
            return tuple(self._decode_argument(item) for item in spec["items"])
        raise ValueError(f"unknown argument kind {kind}")

    def _call(self, request: dict[str, Any]) -> str:
        name = request["function"]
        if not self._has(name):
            return self._reply(failure={"category": "missing", "message": name})
        args = [self._decode_argument(a) for a in request.get("args", [])]
        kwargs = {k: self._decode_argument(v) for k, v in request.get("kwargs", {}).items()}
        output = ""
        try:
            with self._capture() as buffer:
                try:
                    result = self._lookup(name)(*args, **kwargs)
                finally:
                    output = buffer.getvalue()
        except NotImplementedError as exc:
            return self._reply(
                failure=_failure("not_implemented", exc, self.filename), output=output
            )
        except BaseException as exc:
            return self._reply(failure=_failure("exception", exc, self.filename), output=output)
        return self._describe_reply(result, output)

    def _attr(self, request: dict[str, Any]) -> str:
        name = request["name"]
        if not self._has(name):
            return self._reply(failure={"category": "missing", "message": name})
        return self._describe_reply(self._lookup(name), "")

    def _new(self, request: dict[str, Any]) -> str:
        """Create a grader-owned object on this side and register it, for identity checks."""
        array = _array(request["value"])
        kind = request["kind"]
        if kind == "variable":
            obj: Any = tf.Variable(array.astype(np.float32))
        elif kind == "constant":
            with tf.device(request.get("device") or None):
                obj = tf.constant(array, dtype=tf.float32)
        else:
            obj = array
        self.registry.add(obj)
        return self._describe_reply(obj, "")

    def _read(self, request: dict[str, Any]) -> str:
        return self._describe_reply(self.registry.get(request["ref"]), "")

    def _env(self, request: dict[str, Any]) -> str:
        gpus = [device.name for device in tf.config.list_logical_devices("GPU")]
        return self._describe_reply(gpus, "")

    # ------------------------------------------------------------------ replies
    def _describe_reply(self, obj: Any, output: str) -> str:
        try:
            return self._reply(value=describe(obj, self.registry), output=output)
        except TooLarge as exc:
            return self._reply(
                failure={"category": "too_large", "message": str(exc)[:MAX_TEXT]}, output=output
            )
        except Exception as exc:
            return self._reply(failure=_failure("exception", exc, self.filename), output=output)

    @staticmethod
    def _reply(*, value: dict | None = None, failure: dict | None = None, output: str = "") -> str:
        reply: dict[str, Any] = {"ok": failure is None, "output": output[: MAX_TEXT * 4]}
        if failure is not None:
            reply["failure"] = failure
        else:
            reply["value"] = value
        return json.dumps(reply, ensure_ascii=False)

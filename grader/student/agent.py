"""Answer grader requests against one student's module.

Requests are the validated models of ``grader.wire.requests``; the reply is a
``grader.wire.replies.WireReply``, which the caller encodes. The agent is the only place where a
student's objects are touched, and it is the same code whether it runs in the sandbox or
in-process.
"""

from __future__ import annotations

import contextlib
import io
import traceback
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import tensorflow as tf
from pydantic import ValidationError

from grader.student import functions
from grader.student.describe import Registry, TooLarge, describe
from grader.student.loader import exec_module
from grader.wire.replies import UNFIT, FailureCategory, WireReply, failed, returned
from grader.wire.requests import (
    Argument,
    ArrayArg,
    AttrRequest,
    CallRequest,
    ConstArg,
    EnvRequest,
    FnArg,
    ListArg,
    NewRequest,
    ReadRequest,
    RefArg,
    Request,
    TupleArg,
)
from grader.wire.values import MAX_TEXT, decode_array

OutputCapture = Callable[[], contextlib.AbstractContextManager[io.StringIO]]


@contextlib.contextmanager
def capture_in_memory() -> Iterator[io.StringIO]:
    """Capture what Python code prints (enough in-process; the sandbox captures file descriptors)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        yield buffer


NOTEBOOK = "<notebook>"  # the filename of functions served from a notebook's own globals


def _is_students(frame_file: str, filename: str) -> bool:
    """Whether a traceback frame is the student's code: their file, or, for functions a running
    notebook defined, the cells IPython compiled (``/tmp/ipykernel_<pid>/<hash>.py``, or
    ``<ipython-input-…>`` outside Jupyter)."""
    if filename == NOTEBOOK:
        return "ipykernel_" in frame_file or frame_file.startswith("<ipython-input")
    return frame_file == filename


def _student_frames(exc: BaseException, filename: str) -> list[traceback.FrameSummary]:
    return [
        f for f in traceback.extract_tb(exc.__traceback__) if _is_students(f.filename, filename)
    ]


def _student_traceback(exc: BaseException, filename: str) -> str:
    frames = _student_frames(exc, filename)
    lines = [f"  {f.filename}, {f.lineno}행, {f.name}: {f.line or ''}" for f in frames[-5:]]
    return "\n".join(lines)[:MAX_TEXT]


def _raising_function(exc: BaseException, filename: str) -> str:
    """The student's function that raised (the innermost frame of their file): when ``fit``
    calls an unfinished ``training_step``, the function to finish is ``training_step``."""
    frames = _student_frames(exc, filename)
    return frames[-1].name if frames and frames[-1].name != "<module>" else ""


def _raised(
    category: FailureCategory, exc: BaseException, filename: str, output: str = ""
) -> WireReply:
    return failed(
        category,
        exc_type=type(exc).__name__,
        message=str(exc),
        detail=_student_traceback(exc, filename),
        output=output,
    )


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
    def load_source(self, source: str, module_name: str, filename: str) -> WireReply:
        self.filename = filename
        output = ""
        try:
            with self._capture() as buffer:
                try:
                    self.module = exec_module(source, module_name, filename)
                finally:
                    output = buffer.getvalue()
        except SyntaxError as exc:
            return failed(
                "load",
                exc_type=type(exc).__name__,
                message=str(exc),
                detail=f"{exc.lineno}행: {(exc.text or '').strip()}",
                output=output,
            )
        except BaseException as exc:
            return _raised("load", exc, filename, output)
        return returned({"kind": "none", "type": "builtins.NoneType"}, output)

    def use_namespace(self, namespace: dict[str, Any], filename: str = NOTEBOOK) -> None:
        """Serve functions already defined elsewhere (a notebook's globals)."""
        self.module = namespace
        self.filename = filename

    # ------------------------------------------------------------------ requests
    def handle(self, request: Request) -> WireReply:
        """Answer one validated request (loading is the caller's: it knows where files are)."""
        match request:
            case CallRequest():
                return self._call(request)
            case AttrRequest():
                return self._attr(request)
            case NewRequest():
                return self._new(request)
            case ReadRequest():
                return self._describe_reply(self.registry.get(request.ref), "")
            case EnvRequest():
                gpus = [device.name for device in tf.config.list_logical_devices("GPU")]
                return self._describe_reply(gpus, "")
        return failed("exception", message=f"unknown op {request.op}")

    def _lookup(self, name: str) -> Any:
        if isinstance(self.module, dict):
            return self.module[name]
        return getattr(self.module, name)

    def _has(self, name: str) -> bool:
        if isinstance(self.module, dict):
            return name in self.module
        return self.module is not None and hasattr(self.module, name)

    def _argument(self, arg: Argument) -> Any:
        """A wire argument as the student's function receives it."""
        match arg:
            case ListArg():
                return [self._argument(item) for item in arg.items]
            case ConstArg():
                # a copy: TensorFlow converts a read-only view of the frame more slowly
                return tf.constant(decode_array(arg, writable=True), dtype=tf.float32)
            case ArrayArg():
                return decode_array(arg, writable=True)
            case RefArg():
                return self.registry.get(arg.id)
            case FnArg():
                return functions.build(arg.kind, arg.coefs)
            case TupleArg():
                return tuple(self._argument(item) for item in arg.items)
        return arg  # a number, string, boolean or None

    def _call(self, request: CallRequest) -> WireReply:
        name = request.function
        if not self._has(name):
            return failed("missing", message=name)
        args = [self._argument(a) for a in request.args]
        kwargs = {k: self._argument(v) for k, v in request.kwargs.items()}
        output = ""
        try:
            with self._capture() as buffer:
                try:
                    result = self._lookup(name)(*args, **kwargs)
                finally:
                    output = buffer.getvalue()
        except NotImplementedError as exc:
            return failed(
                "not_implemented",
                message=_raising_function(exc, self.filename) or name,
                detail=_student_traceback(exc, self.filename),
                output=output,
            )
        except BaseException as exc:
            return _raised("exception", exc, self.filename, output)
        return self._describe_reply(result, output)

    def _attr(self, request: AttrRequest) -> WireReply:
        if not self._has(request.name):
            return failed("missing", message=request.name)
        return self._describe_reply(self._lookup(request.name), "")

    def _new(self, request: NewRequest) -> WireReply:
        """Create a grader-owned object on this side and register it, for identity checks."""
        array = decode_array(request.value, writable=True)
        if request.kind == "variable":
            obj: Any = tf.Variable(array.astype(np.float32))
        elif request.kind == "constant":
            with tf.device(request.device or None):
                obj = tf.constant(array, dtype=tf.float32)
        else:
            obj = array
        self.registry.add(obj)
        return self._describe_reply(obj, "")

    # ------------------------------------------------------------------ replies
    def _describe_reply(self, obj: Any, output: str) -> WireReply:
        try:
            return returned(describe(obj, self.registry), output)
        except TooLarge as exc:
            return failed("too_large", message=str(exc), output=output)
        except ValidationError as exc:  # the grader rejects it, as it would the reply itself
            return failed(UNFIT, message=str(exc), output=output)
        except Exception as exc:
            return _raised("exception", exc, self.filename, output)

"""Plain data exchanged between graders and a student's code: the names graders import.

Graders never hold a student object. They send arguments (arrays, numbers, strings, handles,
function specs) and get back ``Value`` records: numbers plus facts such as "is a tf.Variable",
dtype, shape, device, "same object as argument 2". The same records are used in-process
(``course check``, notebooks) and across the sandbox boundary, where they travel as JSON and are
validated before a grader sees them: nothing from a student's process is ever imported,
evaluated or unpickled.

The schema itself lives in ``values`` (values and arrays), ``requests`` (one model per
operation) and ``replies`` (a value or a failure); ``output`` holds the capped output log.
"""

from __future__ import annotations

from grader.wire.output import OutputLog
from grader.wire.replies import FailureCategory, Reply, StudentError, StudentFailure, decode_reply
from grader.wire.requests import Array, Const, FnSpec
from grader.wire.values import MAX_MESSAGE_BYTES, ProtocolError, Ref, Value

__all__ = [
    "MAX_MESSAGE_BYTES",
    "Array",
    "Const",
    "FailureCategory",
    "FnSpec",
    "OutputLog",
    "ProtocolError",
    "Ref",
    "Reply",
    "StudentError",
    "StudentFailure",
    "Value",
    "decode_reply",
]

"""What a failure of the student's code means, said in the course's words.

Every way a call into the student's code can fail (``StudentFailure.category``) gets one
message here, and the failures one mistake causes in many tests get one root cause
(``failure_cause``), so that ``grader.grading.root_cause`` reports it once.

TensorFlow's errors name the operation that failed, not the student's mistake: an elementwise
``*`` where a matrix product was meant surfaces as ``InvalidArgumentError: Incompatible shapes:
[4,2] vs. [2,1] [Op:Mul]``, an unwatched constant as ``TypeError: Argument `target` should be
... but received None`` one call later. Each ``ErrorHint`` recognises one such mistake from the
exception's type, its message and the student's own line that raised it, and says what to fix.
An exception no hint recognises is still explained: a short Korean sentence for its kind, the
first line of its message and the student's line, never a wall of traceback.

Everything matched here comes from the student's process and is hostile: the text is bounded
by the wire schema, and every pattern is a plain regular expression without nested repetition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.course.messages import MISSING_FILE, SANDBOX_FAILED, Msg, missing_file
from grader.wire.protocol import StudentFailure

MESSAGE_SHOWN = 200  # characters of the exception's first line quoted to the student
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")


@dataclass(frozen=True)
class ErrorHint:
    """One recognisable mistake: which exceptions show it, and what to tell the student.

    ``message`` and ``line`` are searched (case-sensitively) in the exception's message and in
    the student's source line that raised it; ``exercises`` limits the hint to the exercises
    where the mistake it names is possible (empty: every exercise).
    """

    name: str
    exc_types: frozenset[str]
    message: re.Pattern[str]
    hint: Msg
    line: re.Pattern[str] | None = None
    exercises: frozenset[str] = frozenset()

    def matches(self, exercise: str, failure: StudentFailure, line: str) -> bool:
        return (
            failure.exc_type in self.exc_types
            and (not self.exercises or exercise in self.exercises)
            and self.message.search(failure.message) is not None
            and (self.line is None or self.line.search(line) is not None)
        )


def _hint(
    name: str,
    exc_types: str,
    message: str,
    ko: str,
    en: str,
    *,
    line: str | None = None,
    exercises: str = "",
) -> ErrorHint:
    return ErrorHint(
        name,
        frozenset(exc_types.split()),
        re.compile(message),
        Msg(ko, en),
        re.compile(line) if line is not None else None,
        frozenset(exercises.split()),
    )


_SHAPES = r"Incompatible shapes|Dimensions must be equal|must have the same size and shape"
_NONE_GRADIENT = r"received None|\(None\)|'NoneType'"

# The first hint that matches is the one shown: specific hints (a line that names the mistake,
# an exercise where it is typical) come before the general ones for the same error.
HINTS: tuple[ErrorHint, ...] = (
    _hint(
        "add_n_shapes",
        "InvalidArgumentError ValueError",
        _SHAPES,
        "tf.add_n은 shape이 모두 같은 텐서만 더할 수 있습니다(브로드캐스팅을 하지 않습니다). "
        "shape이 다른 텐서를 브로드캐스팅해서 더하려면 tf.add(a, b)나 a + b를 쓰세요.",
        "tf.add_n only adds tensors of one and the same shape (it does not broadcast). To add "
        "tensors of different shapes with broadcasting, use tf.add(a, b) or a + b.",
        line=r"add_n",
    ),
    _hint(
        "elementwise_product_for_matmul",
        "InvalidArgumentError ValueError",
        _SHAPES,
        "`*`는 원소별 곱셈이라 두 텐서의 shape이 같거나 브로드캐스팅될 수 있어야 합니다. 행렬의 "
        "점곱(inputs · W)이 필요한 곳이라면 tf.matmul(a, b)을 쓰세요.",
        "`*` multiplies element by element, so both tensors must have the same shape or "
        "broadcast. Where a matrix (dot) product such as inputs · W is meant, use tf.matmul(a, b).",
        line=r"(?<![*])\*(?![*=])",
    ),
    _hint(
        "matmul_sizes",
        "InvalidArgumentError ValueError",
        r"Matrix size-incompatible|must be equal, but are \d+ and \d+ for .*MatMul",
        "tf.matmul(a, b)에서 a의 열 수와 b의 행 수가 같아야 합니다. 두 인자의 순서와 shape을 "
        "확인하세요 (예: inputs는 (샘플 수, 2), W는 (2, 1)).",
        "In tf.matmul(a, b) the number of columns of a must equal the number of rows of b. Check "
        "the order and the shapes of the two arguments (e.g. inputs (samples, 2), W (2, 1)).",
    ),
    _hint(
        "shapes",
        "InvalidArgumentError ValueError",
        _SHAPES,
        "shape이 맞지 않는 두 텐서로 원소별 연산을 했습니다. 두 텐서의 shape이 같거나 "
        "브로드캐스팅될 수 있는지 확인하세요 (x.shape을 출력해 보세요).",
        "An elementwise operation got two tensors whose shapes do not match. Check that both "
        "shapes are equal or broadcast (print x.shape).",
    ),
    _hint(
        "apple_time_not_watched",
        "TypeError ValueError",
        _NONE_GRADIENT,
        "속도(안쪽 테이프의 그레이디언트)가 None이 되었습니다. 테이프는 상수를 저절로 감시하지 "
        "않습니다: 시각을 tf.Variable로 만들거나, 상수라면 안쪽과 바깥 테이프 모두에서 "
        "watch하세요. 속도를 구하는 줄은 바깥 with 블록 안에 있어야 합니다.",
        "The speed (the inner tape's gradient) came out as None. A tape does not watch a "
        "constant by itself: make the time a tf.Variable, or watch the constant on both the "
        "inner and the outer tape. The line computing the speed must be inside the outer block.",
        exercises="ex05_second_order",
    ),
    _hint(
        "training_gradient_none",
        "TypeError ValueError",
        _NONE_GRADIENT,
        "그레이디언트가 None이 되었습니다. W와 b가 tf.Variable인지, 예측과 손실을 "
        "with tf.GradientTape() 블록 안에서 계산했는지 확인하세요.",
        "A gradient came out as None. Check that W and b are tf.Variable objects and that the "
        "predictions and the loss are computed inside the with tf.GradientTape() block.",
        exercises="ex06_linear_classifier",
    ),
    _hint(
        "gradient_none",
        "TypeError ValueError",
        _NONE_GRADIENT,
        "tape.gradient가 None을 돌려주었고, 그 None으로 계산을 이어 갔습니다. 테이프는 상수 "
        "텐서를 저절로 감시하지 않습니다: with 블록 안에서 tape.watch(x)를 호출하고, 결과를 만드는 "
        "연산도 모두 블록 안에서 계산하세요.",
        "tape.gradient returned None and the code went on computing with it. A tape does not "
        "watch constant tensors by itself: call tape.watch(x) inside the with block and compute "
        "everything the result depends on inside the block.",
    ),
    _hint(
        "variable_augmented_assignment",
        "RuntimeError TypeError",
        r"`variable [-+*/]= value`|object does not support item assignment.*Variable",
        "변수에는 v += x 같은 복합 대입을 쓸 수 없습니다. 변수 자체를 바꾸려면 v.assign_add(x), "
        "v.assign_sub(x), v.assign(...)를 쓰세요.",
        "A variable does not support augmented assignment such as v += x. To change the "
        "variable itself use v.assign_add(x), v.assign_sub(x) or v.assign(...).",
    ),
    _hint(
        "tensor_is_immutable",
        "AttributeError TypeError",
        r"EagerTensor' object (has no attribute '(assign\w*|__setitem__)'"
        r"|does not support item assignment)",
        "상수 텐서는 바꿀 수 없습니다: assign도, x[i] = 값 같은 원소 대입도 없습니다. 값을 바꿔야 "
        "한다면 tf.Variable로 만들고 assign을 쓰세요 (원소 하나는 v[i].assign(값)).",
        "A constant tensor cannot be changed: it has neither assign nor item assignment such as "
        "x[i] = value. To change values make a tf.Variable and use assign (one element: "
        "v[i].assign(value)).",
    ),
    _hint(
        "dtype_mismatch",
        "InvalidArgumentError",
        r"expected to be a \w+ tensor but is a \w+ tensor",
        "dtype이 다른 두 텐서를 한 연산에 썼습니다 (예: float32와 float64 또는 int32). "
        'tf.cast(x, tf.float32)로 맞추거나 처음부터 dtype="float32"로 만드세요.',
        "One operation got tensors of different dtypes (e.g. float32 with float64 or int32). "
        'Convert with tf.cast(x, tf.float32) or create them with dtype="float32" from the start.',
    ),
    _hint(
        "tape_used_twice",
        "RuntimeError",
        r"non-persistent GradientTape can only be used to compute one set of gradients",
        "같은 테이프로 tape.gradient를 두 번 불렀습니다. 테이프는 gradient를 한 번 부르면 "
        "사라집니다: 필요한 그레이디언트를 한 번에 구하거나(tape.gradient(loss, [W, b])) "
        "tf.GradientTape(persistent=True)를 쓰세요.",
        "tape.gradient was called twice on one tape, which is released after its first "
        "gradient: take every gradient at once (tape.gradient(loss, [W, b])) or use "
        "tf.GradientTape(persistent=True).",
    ),
    _hint(
        "module_not_imported",
        "NameError",
        r"name '(tf|np)' is not defined",
        "tf 또는 np라는 이름이 없습니다. 파일(노트북) 맨 위의 import tensorflow as tf, "
        "import numpy as np 줄을 지우지 않았는지 확인하세요.",
        "The name tf or np is not defined. Check that the import tensorflow as tf and import "
        "numpy as np lines at the top of the file (notebook) are still there.",
    ),
)

# A short explanation per exception kind, for exceptions no hint recognises.
KINDS: dict[str, Msg] = {
    "InvalidArgumentError": Msg(
        "텐서플로 연산이 받은 인자(shape, dtype, 값)가 맞지 않습니다",
        "A TensorFlow operation got an argument (shape, dtype or value) it cannot use",
    ),
    "TypeError": Msg("값의 타입이 맞지 않습니다", "A value has the wrong type"),
    "ValueError": Msg("값이 올바르지 않습니다", "A value is not valid"),
    "AttributeError": Msg("객체에 없는 속성을 썼습니다", "An attribute the object does not have"),
    "NameError": Msg(
        "정의되지 않은 이름을 썼습니다 (오타이거나, 정의하는 코드가 실행되지 않았습니다)",
        "A name that is not defined (a typo, or the code defining it did not run)",
    ),
    "IndexError": Msg("인덱스가 범위를 벗어났습니다", "An index is out of range"),
    "KeyError": Msg("딕셔너리에 없는 키를 썼습니다", "A key the dictionary does not have"),
    "ZeroDivisionError": Msg("0으로 나누었습니다", "A division by zero"),
    "RecursionError": Msg(
        "함수가 자기 자신을 끝없이 호출했습니다", "A function called itself without end"
    ),
}
UNKNOWN_KIND = Msg("예외가 발생했습니다", "An exception was raised")


def student_line(failure: StudentFailure) -> str:
    """The student's own line that raised: the innermost frame of the traceback the sandbox
    kept, which lists only frames of the student's code (``path, 12행, name: code``)."""
    lines = [line.strip() for line in failure.detail.splitlines() if line.strip()]
    return lines[-1] if lines else ""


_FRAME = re.compile(r"(\d{1,7})행, ([^:\n]{0,80}):(.*)$")


def _where(line: str) -> Msg | None:
    """The student's line as the message shows it: number, function and code, without the
    path of the file (a path in the sandbox means nothing to the student)."""
    frame = _FRAME.search(line)
    if frame is None:
        return None
    number, function = frame.group(1), frame.group(2)
    code = frame.group(3).strip()[:MESSAGE_SHOWN]
    shown = f": {code}" if code else ""
    return Msg(
        f"\n문제가 생긴 줄: {number}행 ({function}){shown}",
        f"\nThe line that failed: line {number} ({function}){shown}",
    )


def recognised(exercise: str, failure: StudentFailure) -> ErrorHint | None:
    """The first hint that names this exception's mistake in ``exercise``, if any."""
    line = student_line(failure)
    return next((h for h in HINTS if h.matches(exercise, failure, line)), None)


def explain_exception(exercise: str, failure: StudentFailure) -> Msg:
    """What to tell the student about the exception their code raised in ``exercise``: the
    recognised mistake's hint, or the exception's kind in a sentence, and their line."""
    hint = recognised(exercise, failure)
    where = _where(student_line(failure))
    if hint is not None:
        return _joined(hint.hint, where)
    first = failure.message.strip().splitlines()[0] if failure.message.strip() else ""
    first = re.sub(r"^\{\{function_node [^}]*\}\}\s*", "", first)[:MESSAGE_SHOWN]
    kind = KINDS.get(failure.exc_type, UNKNOWN_KIND)
    quoted = f": {failure.exc_type}: {first}".rstrip(": ") if failure.exc_type else ""
    said = Msg(f"코드 실행 중 {kind.ko}{quoted}", f"Your code failed. {kind.en}{quoted}")
    return _joined(said, where)


def _joined(first: Msg, second: Msg | None) -> Msg:
    if second is None:
        return first
    return Msg(first.ko + second.ko, first.en + second.en)


def explain_failure(exercise: str, failure: StudentFailure, *, notebook_cells: bool) -> Msg:
    """What to tell a student whose code failed instead of returning a value.

    ``notebook_cells``: the functions come from the cells of the student's running notebook,
    where a missing function usually means its cell has not been run yet.
    """
    name = failure.message if _IDENTIFIER.fullmatch(failure.message) else ""
    match failure.category:
        case "exception":
            return explain_exception(exercise, failure)
        case "not_implemented":
            return _not_implemented(name)
        case "missing":
            return _missing(name, notebook_cells)
        case "load" if failure.exc_type in _SYNTAX_ERRORS:
            exc = f"{failure.exc_type}: {failure.message}".strip(": ")
            detail = f"\n{failure.detail}" if failure.detail else ""
            return Msg(
                f"파일에 문법 오류가 있어 불러올 수 없습니다: {exc}{detail}",
                f"The file has a syntax error and cannot be loaded: {exc}{detail}",
            )
        case "load" if failure.exc_type == "LoadError":  # the file itself could not be read
            return Msg(
                f"파일을 읽을 수 없습니다: {failure.message}",
                f"The file cannot be read: {failure.message}",
            )
        case "load":
            return _joined(
                Msg("파일을 불러오는 중(맨 위 코드 실행 중) 오류가 발생했습니다. ",
                    "Loading the file (running its top-level code) failed. "),
                explain_exception(exercise, failure),
            )  # fmt: skip
        case "timeout":
            return Msg(
                f"제한 시간 안에 끝나지 않았습니다 ({failure.message}). 무한 루프가 없는지, "
                "반복 횟수가 너무 크지 않은지 확인하세요.",
                f"Did not finish within the time limit ({failure.message}). Look for an endless "
                "loop or a very large number of iterations.",
            )
        case "memory":
            return Msg(
                "메모리 한도를 넘었습니다. 너무 큰 텐서나 리스트를 만들지 않았는지 확인하세요.",
                "The memory limit was exceeded. Check for huge tensors or lists.",
            )
        case "crash":
            return Msg(
                f"코드를 실행하던 프로세스가 비정상 종료되었습니다 ({failure.message}). "
                "os._exit, sys.exit 같은 호출이 없는지 확인하세요.",
                f"The process running your code ended abnormally ({failure.message}). "
                "Check for calls such as os._exit or sys.exit.",
            )
        case "sandbox":
            return SANDBOX_FAILED
        case "too_large":
            return Msg(
                f"반환값이 너무 커서 채점할 수 없습니다 ({failure.message}).",
                f"The returned value is too large to grade ({failure.message}).",
            )
        case "no_file":
            return (
                missing_file(failure.message, failure.detail) if failure.message else MISSING_FILE
            )
    return explain_exception(exercise, failure)


def _not_implemented(function: str) -> Msg:
    if not function:
        return Msg(
            "아직 구현하지 않은 함수가 있습니다 (NotImplementedError). '여기에 코드를 "
            "작성하세요' 부분을 채우세요.",
            "A function is not implemented yet (NotImplementedError). Fill in the part marked "
            "'write your code here'.",
        )
    return Msg(
        f"`{function}`을(를) 아직 구현하지 않았습니다 (NotImplementedError). '여기에 코드를 "
        "작성하세요' 부분을 채우세요.",
        f"`{function}` is not implemented yet (NotImplementedError). Fill in the part marked "
        "'write your code here'.",
    )


def _missing(name: str, notebook_cells: bool) -> Msg:
    shown = f"`{name}`" if name else "함수"
    if notebook_cells:
        return Msg(
            f"{shown}을(를) 찾을 수 없습니다. 노트북에서는 그 함수를 정의하는 위쪽 셀을 먼저 "
            "실행하세요 (위에서부터 차례로, 또는 '모두 실행'). 이름을 바꾸거나 지우지 않았는지도 "
            "확인하세요.",
            f"{f'`{name}`' if name else 'The function'} is not defined. In a notebook, run the "
            "cells above that define it first (top to bottom, or Run All). Check also that it was "
            "not renamed or removed.",
        )
    return Msg(
        f"{shown}을(를) 찾을 수 없습니다. 이름을 바꾸거나 지우지 않았는지 확인하세요.",
        f"{f'`{name}`' if name else 'The function'} is not defined. Check that it was not "
        "renamed or removed.",
    )


def failure_cause(failure: StudentFailure, function: str = "") -> str:
    """The root cause a failure shares with every other test it fails in the same exercise:
    the file (missing, unreadable, broken at load), the missing or unfinished function, the
    student's line that raised, the called ``function`` (or, "" before any call, the file's
    top-level code) that ran out of time or memory, ended its process or returned too much
    (after its first timeout a function's calls fail without running); empty where each
    failure stands alone."""
    match failure.category:
        case "no_file" | "load" | "sandbox":
            return failure.category
        case "missing" | "not_implemented":
            return f"{failure.category}|{failure.message}"
        case "exception":
            return f"exception|{failure.exc_type}|{student_line(failure)}"
        case "timeout" | "crash" | "memory" | "too_large":
            return f"{failure.category}|{function}|{failure.message}"
    return ""


def unfinished_function(cause: str) -> str:
    """The function a ``not_implemented`` root cause (``failure_cause``) names, or ""."""
    category, _, name = cause.partition("|")
    return name if category == "not_implemented" else ""

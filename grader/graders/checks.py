"""Checks graders use on ``Value`` records, each failing with a specific bilingual hint.

Graders avoid bare ``assert`` on student values: pytest would print the expected numbers, which
hidden tests must never reveal. A ``GradeFailure`` carries only the message written here.

One message convention (docs/writing-graders.md): a failure is written where it happens, as
``check(condition, ko, en)`` or ``fail(ko, en)``, Korean first; text a check builds its own
message around (``what``, ``hint``), a part of a message, or a message used in more than one
place is a ``Msg(ko, en)``, failed with ``fail(MSG.ko, MSG.en)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

import numpy as np

from grader.course.messages import Msg
from grader.wire.protocol import Value

_KIND_KO = {
    "tensor": "상수 텐서(tf.Tensor)",
    "variable": "변수(tf.Variable)",
    "ndarray": "NumPy 배열",
    "float": "파이썬 실수(float)",
    "int": "파이썬 정수(int)",
    "bool": "불리언(bool)",
    "str": "문자열",
    "none": "None(반환값 없음)",
    "list": "리스트",
    "tuple": "튜플",
    "class": "클래스",
    "figure": "matplotlib Figure",
    "object": "다른 객체",
}
_KIND_EN = {
    "tensor": "a constant tensor (tf.Tensor)",
    "variable": "a variable (tf.Variable)",
    "ndarray": "a NumPy array",
    "float": "a Python float",
    "int": "a Python int",
    "bool": "a bool",
    "str": "a string",
    "none": "None (nothing returned)",
    "list": "a list",
    "tuple": "a tuple",
    "class": "a class",
    "figure": "a matplotlib Figure",
    "object": "some other object",
}


RETURNED = Msg("반환값", "The returned value")


class GradeFailure(AssertionError):
    """A failed check, with the feedback shown to the student."""

    def __init__(self, message: Msg):
        super().__init__(message.en)
        self.message = message


def fail(ko: str, en: str) -> NoReturn:
    """Fail the test with this feedback, in Korean and in English."""
    raise GradeFailure(Msg(ko, en))


def check(condition: bool, ko: str, en: str) -> None:
    """Fail with this feedback unless ``condition`` holds."""
    if not condition:
        fail(ko, en)


def describe_kind(value: Value) -> Msg:
    return Msg(
        f"{_KIND_KO.get(value.kind, value.kind)} ({value.type_name})",
        f"{_KIND_EN.get(value.kind, value.kind)} ({value.type_name})",
    )


def expect_kind(value: Value, kinds: Sequence[str], what: Msg) -> None:
    """Fail with a hint when ``value`` is not one of ``kinds`` (e.g. a NumPy array for a tensor)."""
    if value.kind in kinds:
        return
    want = Msg(" 또는 ".join(_KIND_KO[k] for k in kinds), " or ".join(_KIND_EN[k] for k in kinds))
    got = describe_kind(value)
    hint = _kind_hint(value.kind, tuple(kinds))
    fail(
        f"{what.ko}은(는) {want.ko}여야 하는데 {got.ko}입니다.{hint.ko}",
        f"{what.en} should be {want.en}, but it is {got.en}.{hint.en}",
    )


def _kind_hint(got: str, kinds: tuple[str, ...]) -> Msg:
    """The likely cause of returning a ``got`` where one of ``kinds`` is due (empty if none)."""
    if got == "ndarray" and "tensor" in kinds:
        return Msg(
            " .numpy()나 np 함수를 쓰지 말고 텐서플로 연산의 결과를 그대로 반환하세요.",
            " Return the TensorFlow op's result itself, without .numpy() or np functions.",
        )
    if got == "none":
        return Msg(
            " 아직 값을 채우지 않았거나 return 문이 빠진 것 같습니다.",
            " It looks unfilled, or a return statement is missing.",
        )
    if got == "variable" and "tensor" in kinds:
        return Msg(
            " 여기서는 값이 바뀌지 않는 상수 텐서가 필요합니다.",
            " A constant (immutable) tensor is needed here.",
        )
    if got == "tensor" and kinds == ("variable",):
        return Msg(
            " tf.Variable(...)로 감싸야 값을 바꿀 수 있는 변수가 됩니다.",
            " Wrap it in tf.Variable(...) to get a mutable variable.",
        )
    return Msg("", "")


@dataclass(frozen=True)
class Returns:
    """A contract function that returns several things as a tuple (a list is fine too).

    ``items`` name them in order, as EXERCISES.md does; ``particle`` is the Korean topic
    particle that follows the function's name as it is read (``fit은``, ``init_parameters는``).
    ``tell_count`` says whether the arity message also says how many things came back: two
    functions' messages never did, and messages students see are kept word for word.
    """

    function: str
    items: tuple[str, ...]
    particle: str
    tell_count: bool = True


_COUNT_WORDS = {
    2: Msg("두", "two"),
    3: Msg("세", "three"),
    4: Msg("네", "four"),
    5: Msg("다섯", "five"),
}


def items_of(value: Value, count: int) -> tuple[Value, ...] | None:
    """The items of a tuple or list of exactly ``count`` items; None for anything else."""
    if value.kind in ("tuple", "list") and len(value.items) == count:
        return value.items
    return None


def expect_items(value: Value, returns: Returns) -> tuple[Value, ...]:
    """The items ``returns.function`` returned, after checking they came as a tuple or list
    and as many as ``returns.items`` name; the messages name the function and its items."""
    function, count = returns.function, len(returns.items)
    possessive = f"{function}'" if function.endswith("s") else f"{function}'s"
    expect_kind(value, ("tuple", "list"), Msg(f"{function}의 반환값", f"{possessive} result"))
    items = items_of(value, count)
    if items is None:
        names = ", ".join(returns.items)
        words = _COUNT_WORDS.get(count, Msg(str(count), str(count)))
        got = len(value.items)
        told = Msg(f"하는데 {got}개를 반환했습니다.", f", but returned {got}.")
        if not returns.tell_count:
            told = Msg("합니다.", ".")
        fail(
            f"{function}{returns.particle} ({names}) {words.ko} 개를 반환해야 {told.ko}",
            f"{function} must return {words.en} things, ({names}){told.en}",
        )
    return items


def expect_shape(value: Value, shape: Sequence[int], what: Msg) -> None:
    got = tuple(value.shape) if value.shape is not None else None
    if got is None and value.array is not None:
        got = tuple(value.array.shape)
    if got != tuple(shape):
        fail(
            f"{what.ko}의 shape이 {tuple(shape)}이어야 하는데 {got}입니다.",
            f"{what.en} should have shape {tuple(shape)}, but it has {got}.",
        )


def expect_dtype(value: Value, dtype: str, what: Msg) -> None:
    if value.dtype != dtype:
        fail(
            f"{what.ko}의 dtype이 {dtype}이어야 하는데 {value.dtype}입니다.",
            f"{what.en} should have dtype {dtype}, but it has {value.dtype}.",
        )


def expect_tensor(
    value: Value,
    shape: Sequence[int] | None = None,
    *,
    what: Msg = RETURNED,
    kinds: Sequence[str] = ("tensor",),
    dtype: str | None = "float32",
) -> np.ndarray:
    """Check kind, shape and dtype; return the numbers for comparison."""
    expect_kind(value, tuple(kinds), what)
    if shape is not None:
        expect_shape(value, shape, what)
    if dtype is not None:
        expect_dtype(value, dtype, what)
    return value.numpy()


def scalar(value: Value, what: Msg = RETURNED) -> float:
    """The single number in a scalar tensor, NumPy scalar or Python number."""
    if value.array is None or value.array.size != 1:
        shape = value.shape if value.shape is not None else "—"
        fail(
            f"{what.ko}은(는) 숫자 하나(스칼라)여야 하는데 {describe_kind(value).ko}, shape {shape}입니다.",
            f"{what.en} should be a single number (scalar), but it is "
            f"{describe_kind(value).en} with shape {shape}.",
        )
    return float(value.array.reshape(()))


def shapes_of_every_kind(
    rng: np.random.Generator, sizes: range = range(2, 6)
) -> list[tuple[int, ...]]:
    """A vector, a one-row matrix and a 3-D shape of three different sizes, sizes from
    ``sizes``: every kind of shape a shape mistake shows on, in every draw.

    A mistake can keep only the first or the last axes, flatten, squeeze the axes of length 1 or
    swap axes. A shape whose kind were drawn too would show such a mistake to some students'
    seeds and hide it from others; with one shape of each kind, the drawn sizes cannot hide it.
    """
    vector = (int(rng.choice(sizes)),)
    one_row = (1, int(rng.choice(sizes)))
    different = tuple(int(n) for n in rng.choice(sizes, size=3, replace=False))
    return [vector, one_row, different]


def distinct_index(rng: np.random.Generator, shape: Sequence[int]) -> tuple[int, ...]:
    """An index into ``shape`` that no typical indexing mistake reaches by accident.

    Every component is at least 1 (dropping or zeroing one changes the element), the
    components differ from each other (reversing or permuting them changes it) and none equals
    the flat position (``np.put`` and ``.flat`` with the tuple change other elements). Every
    axis of a multi-dimensional ``shape`` needs at least ``ndim + 1`` entries for that.
    """
    strides = np.cumprod((1, *shape[:0:-1]))[::-1]
    for _ in range(1000):
        index = tuple(int(rng.integers(1, n)) for n in shape)
        flat = int(np.dot(index, strides))
        if len(set(index)) == len(index) and (len(index) == 1 or flat not in index):
            return index
    raise ValueError(f"no distinct index fits the shape {tuple(shape)}")


def close_enough(
    actual: np.ndarray, expected: np.ndarray, *, rtol: float = 1e-4, atol: float = 1e-5
) -> bool:
    """Same shape and the same numbers within ``expect_close``'s tolerance; for graders that
    recognise a typical mistake by comparing with what that mistake would have produced."""
    return actual.shape == expected.shape and bool(
        np.allclose(actual, expected, rtol=rtol, atol=atol)
    )


def expect_close(
    actual: np.ndarray,
    expected: np.ndarray,
    hint: Msg,
    *,
    rtol: float = 1e-4,
    atol: float = 1e-5,
) -> None:
    """Compare numbers; on mismatch show the hint (never the expected numbers)."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        fail(
            f"값의 shape이 {expected.shape}이어야 하는데 {actual.shape}입니다. {hint.ko}",
            f"The values should have shape {expected.shape}, but have {actual.shape}. {hint.en}",
        )
    if not np.all(np.isfinite(actual)):
        fail(
            f"값에 NaN 또는 무한대가 있습니다. {hint.ko}",
            f"The values contain NaN or infinity. {hint.en}",
        )
    if not np.allclose(actual, expected, rtol=rtol, atol=atol):
        wrong = int(np.sum(~np.isclose(actual, expected, rtol=rtol, atol=atol)))
        fail(
            f"값이 올바르지 않습니다 ({actual.size}개 중 {wrong}개가 다름). {hint.ko}",
            f"The values are wrong ({wrong} of {actual.size} differ). {hint.en}",
        )

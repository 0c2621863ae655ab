"""Hidden graders for ex02_assign: other ranks, repeated assignments, round trips."""

import numpy as np

from grader.course.messages import Msg
from grader.graders.checks import distinct_index
from grader.graders.helpers.ex02_assign import AssignFeedback, expect_assigned
from grader.graders.meta import points
from grader.wire.protocol import Const

EXERCISE = "ex02_assign"


# expect_assigned in the hidden tests' own words: the name-rebinding hint whenever v did not
# change, and a shorter return hint.
FEEDBACK = AssignFeedback(
    returned_tensor=None,
    new_variable=Msg(
        "새 tf.Variable을 만들었을 뿐 전달받은 변수 v는 그대로입니다. "
        "v.{method}(...)로 원래 변수를 제자리에서 바꾸세요.",
        "You made a new tf.Variable, but the variable v you were given is unchanged. "
        "Change v in place with v.{method}(...).",
    ),
    unchanged=Msg(
        "전달받은 변수 v의 값이 바뀌지 않았습니다. 이름에 새 텐서를 대입(v = ...)하지 말고 "
        "v.{method}(...)로 변수 자체에 할당하세요.",
        "The variable v you were given did not change. Do not rebind the name (v = ...); "
        "assign to the variable itself with v.{method}(...).",
    ),
    not_returned=Msg("바꾼 변수 v를 반환해야 합니다 (return v).",
                     "Return the changed variable v (return v)."),
)  # fmt: skip


@points(1, "assign_ones: 1차원, 3차원, 원소 하나인 변수", "assign_ones: 1-D, 3-D, one-element")
def test_assign_ones_other_shapes(submission, rng):
    shapes = [(int(rng.integers(2, 9)),), tuple(int(n) for n in rng.integers(2, 5, size=3)), (1, 1)]
    for shape in shapes:
        initial = np.asarray(rng.normal(size=shape), dtype=np.float32)
        ref = submission.variable(initial)
        result = submission.call("assign_ones", ref)
        expect_assigned(
            submission,
            ref,
            result,
            initial,
            np.ones_like(initial),
            "assign",
            Msg(
                "shape을 직접 적지 말고 v.shape을 써서 어떤 shape의 변수에도 1을 할당하세요.",
                "Use v.shape rather than a fixed shape, so any variable gets ones.",
            ),
            feedback=FEEDBACK,
        )


@points(1.5, "assign_element: 1차원과 3차원 변수의 원소", "assign_element: 1-D and 3-D variables")
def test_assign_element_other_ranks(submission, rng):
    for ndim in (1, 3):
        shape = tuple(int(n) for n in rng.integers(4, 6, size=ndim))
        initial = rng.normal(size=shape).astype(np.float32)
        index = distinct_index(rng, shape)
        value = float(rng.uniform(-9, -1))
        ref = submission.variable(initial)
        result = submission.call("assign_element", ref, index, value)
        expected = initial.copy()
        expected[index] = value
        expect_assigned(
            submission,
            ref,
            result,
            initial,
            expected,
            "assign",
            Msg(
                "index 튜플이 가리키는 원소 하나에만 할당하세요: v[index].assign(value). "
                "나머지 원소는 그대로여야 합니다.",
                "Assign to the one element the index tuple selects, v[index].assign(value); "
                "every other element must stay as it was.",
            ),
            feedback=FEEDBACK,
        )


@points(1, "assign_element: 여러 번 할당하면 앞의 변경이 유지됨", "assign_element: repeated calls")
def test_assign_element_repeated(submission, rng):
    shape = (int(rng.integers(4, 7)), int(rng.integers(4, 7)))
    initial = rng.normal(size=shape).astype(np.float32)
    ref = submission.variable(initial)
    expected = initial.copy()
    indices = [distinct_index(rng, shape) for _ in range(3)]
    for index in indices:
        value = 0.0 if index == indices[0] else float(rng.uniform(10, 20))
        result = submission.call("assign_element", ref, index, value)
        before = expected.copy()
        expected[index] = value
        expect_assigned(
            submission,
            ref,
            result,
            before,
            expected,
            "assign",
            Msg(
                "같은 변수에 여러 번 할당해도 이전에 바꾼 원소는 유지되고, 이번 index의 원소만 "
                "바뀌어야 합니다. 변수를 새로 만들거나 전체를 덮어쓰지 마세요.",
                "Across several calls on one variable, earlier changes must stay and only this "
                "index may change. Do not recreate or overwrite the whole variable.",
            ),
            feedback=FEEDBACK,
        )


@points(1.5, "increase / decrease: 반복 호출과 되돌리기", "increase / decrease: repeated calls")
def test_increase_decrease_accumulate(submission, rng):
    # every axis two long at least: on one element a delta's mean or sum is the delta itself
    shape = tuple(int(n) for n in rng.integers(2, 5, size=int(rng.integers(1, 4))))
    initial = rng.normal(size=shape).astype(np.float32)
    ref = submission.variable(initial)
    current = initial.copy()
    steps = [
        ("increase", "assign_add", 1.0),
        ("increase", "assign_add", 1.0),
        ("decrease", "assign_sub", -1.0),
    ]
    for name, method, sign in steps:
        delta = rng.uniform(0.5, 3.0, size=shape).astype(np.float32)
        result = submission.call(name, ref, Const(delta))
        before = current
        current = before + sign * delta
        expect_assigned(
            submission,
            ref,
            result,
            before,
            current,
            method,
            Msg(
                f"{name}은(는) 변수의 현재 값에 delta를 "
                f"{'더해야' if sign > 0 else '빼야'} 합니다: v.{method}(delta). 여러 번 호출하면 "
                "결과가 누적되어야 합니다.",
                f"{name} must {'add delta to' if sign > 0 else 'subtract delta from'} the "
                f"variable's current value, v.{method}(delta); repeated calls accumulate.",
            ),
            feedback=FEEDBACK,
        )


@points(1, "increase 후 decrease: 원래 값으로 돌아옴", "increase then decrease: back to the start")
def test_round_trip(submission, rng):
    shape = (int(rng.integers(2, 6)), int(rng.integers(2, 6)))
    initial = rng.normal(size=shape).astype(np.float32)
    delta = rng.normal(size=shape).astype(np.float32)
    ref = submission.variable(initial)
    result = submission.call("increase", ref, Const(delta))
    expect_assigned(
        submission,
        ref,
        result,
        initial,
        initial + delta,
        "assign_add",
        Msg(
            "increase는 v.assign_add(delta)로 변수를 제자리에서 바꿔야 합니다.",
            "increase must change the variable in place with v.assign_add(delta).",
        ),
        feedback=FEEDBACK,
    )
    result = submission.call("decrease", ref, Const(delta))
    expect_assigned(
        submission,
        ref,
        result,
        initial + delta,
        initial,
        "assign_sub",
        Msg(
            "같은 delta로 increase 다음 decrease를 호출하면 원래 값으로 돌아와야 합니다. "
            "decrease가 v.assign_sub(delta)로 빼는지 확인하세요.",
            "increase then decrease with the same delta must give the starting value back. "
            "Check that decrease subtracts with v.assign_sub(delta).",
        ),
        feedback=FEEDBACK,
    )

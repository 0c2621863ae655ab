"""Hidden graders for ex07_devices: other shapes, other tensors, honouring the device argument."""

import numpy as np
import pytest

from grader.course.messages import Msg
from grader.graders.checks import expect_close, expect_tensor
from grader.graders.helpers.ex07_devices import check_kind_answer, check_placed_on, expect_text
from grader.graders.meta import points
from grader.wire.protocol import Const

EXERCISE = "ex07_devices"
SHAPE_HINT = Msg(
    "모양이 다른 행렬 (n, k)와 (k, m)도 tf.matmul로 곱할 수 있어야 합니다.",
    "Matrices of different shapes, (n, k) and (k, m), must multiply with tf.matmul too.",
)
KIND_WHAT = Msg("device_kind의 반환값", "device_kind's value")


def rectangular_pair(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n, k, m = (int(d) for d in rng.choice(np.arange(2, 7), size=3, replace=False))
    a = rng.uniform(-2, 2, size=(n, k)).astype(np.float32)
    b = rng.uniform(-2, 2, size=(k, m)).astype(np.float32)
    return a, b


@points(
    2.5, "matmul_on: 직사각 행렬의 곱을 CPU에서 계산", "matmul_on: rectangular matrices on the CPU"
)
def test_matmul_on_cpu_rectangular(submission, rng):
    a, b = rectangular_pair(rng)
    result = submission.call("matmul_on", "/CPU:0", Const(a), Const(b))
    expected = a @ b
    expect_close(expect_tensor(result, expected.shape), expected, SHAPE_HINT)
    check_placed_on(result, "CPU")


@points(1, "device_kind: 여러 모양의 CPU 텐서", "device_kind: CPU tensors of several shapes")
def test_device_kind_cpu_shapes(submission, rng):
    for shape in [(), (int(rng.integers(2, 9)),), (2, 2, int(rng.integers(1, 4)))]:
        tensor = submission.constant(rng.normal(size=shape), device="/CPU:0")
        check_kind_answer(expect_text(submission.call("device_kind", tensor), KIND_WHAT), "CPU")


@pytest.mark.gpu
@points(2.5, "GPU: matmul_on이 요청한 장치를 따름", "GPU: matmul_on honours the requested device")
def test_matmul_on_honours_device(submission, rng):
    for device, kind in [("/CPU:0", "CPU"), ("/GPU:0", "GPU"), ("/CPU:0", "CPU")]:
        a, b = rectangular_pair(rng)
        result = submission.call("matmul_on", device, Const(a), Const(b))
        expected = a @ b
        expect_close(expect_tensor(result, expected.shape), expected, SHAPE_HINT)
        check_placed_on(result, kind)


@pytest.mark.gpu
@points(1.5, "GPU: device_kind가 CPU와 GPU를 구분함", "GPU: device_kind tells CPU and GPU apart")
def test_device_kind_tells_apart(submission, rng):
    for device, kind in [("/GPU:0", "GPU"), ("/CPU:0", "CPU"), ("/GPU:0", "GPU")]:
        tensor = submission.constant(rng.normal(size=(2, 3)), device=device)
        check_kind_answer(expect_text(submission.call("device_kind", tensor), KIND_WHAT), kind)

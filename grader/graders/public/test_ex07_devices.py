"""Public checks for ex07_devices: listing GPUs, choosing a device, placing ops, reading .device.

Tests marked ``gpu`` run only where the grading host has a GPU (the trusted ``gpu_visible``
fixture); elsewhere they are skipped and their share goes to the other tests.
"""

import numpy as np
import pytest

from grader.course.messages import Msg
from grader.graders.checks import check, expect_close, expect_kind, expect_tensor, fail
from grader.graders.helpers.ex07_devices import check_kind_answer, check_placed_on, expect_text
from grader.graders.meta import points
from grader.wire.protocol import Const

EXERCISE = "ex07_devices"
MATMUL_HINT = Msg(
    "행렬 곱은 tf.matmul(a, b)로 계산하세요 (원소별 곱 a * b가 아닙니다).",
    "Compute the matrix product with tf.matmul(a, b) (not the element-wise product a * b).",
)


def check_device_name(name: str, gpu_visible: bool) -> None:
    """best_device()'s answer: exactly "/GPU:0" with a GPU, exactly "/CPU:0" without."""
    expected = "/GPU:0" if gpu_visible else "/CPU:0"
    if name == expected:
        return
    if not gpu_visible and "GPU" in name.upper():
        fail(
            f"채점 환경에 GPU가 보이지 않는데 {name!r}을(를) 반환했습니다. "
            'GPU가 있는지 먼저 확인하고, 없으면 "/CPU:0"을 반환하세요.',
            f"No GPU is visible to the grader, yet it returned {name!r}. Check for a GPU first and "
            'return "/CPU:0" when there is none.',
        )
    if gpu_visible and "CPU" in name.upper():
        fail(
            f'채점 환경에 GPU가 보이는데 {name!r}을(를) 반환했습니다. GPU가 있으면 "/GPU:0"을 '
            "반환하세요.",
            f'A GPU is visible to the grader, yet it returned {name!r}. Return "/GPU:0" when there '
            "is a GPU.",
        )
    fail(
        f'{name!r}은(는) 기대한 형식이 아닙니다. "/CPU:0" 또는 "/GPU:0"처럼 슬래시로 시작하고 '
        "종류는 대문자로 쓰세요.",
        f'{name!r} is not in the expected form. Write it like "/CPU:0" or "/GPU:0": a leading '
        "slash and the kind in capitals.",
    )


@points(
    1, "list_gpus: 텐서플로가 보는 GPU 이름 목록", "list_gpus: names of the GPUs TensorFlow sees"
)
def test_list_gpus(submission, gpu_visible):
    value = submission.call("list_gpus")
    expect_kind(value, ("list",), Msg("list_gpus의 반환값", "The value of list_gpus"))
    for item in value.items:
        check(
            item.kind == "str",
            "리스트에 장치 객체가 아니라 이름 문자열을 담으세요 (장치 객체의 .name).",
            "Put name strings in the list, not device objects (the device's .name).",
        )
    names = [item.text or "" for item in value.items]
    if gpu_visible:
        check(
            bool(names),
            "채점 환경에는 GPU가 있는데 빈 리스트가 나왔습니다. "
            'tf.config.list_physical_devices("GPU") 또는 list_logical_devices("GPU")를 쓰세요.',
            "The grader has a GPU, but the list is empty. "
            'Use tf.config.list_physical_devices("GPU") or list_logical_devices("GPU").',
        )
    check(
        all("GPU" in name.upper() for name in names),
        '목록에 GPU가 아닌 장치가 들어 있습니다. 장치 종류 "GPU"를 인자로 주어 GPU만 고르세요.',
        'The list holds devices that are not GPUs. Pass the device type "GPU" to list only GPUs.',
    )
    if not gpu_visible:
        check(
            not names,
            "채점 환경에는 GPU가 없으니 빈 리스트 []가 나와야 합니다.",
            "The grader has no GPU, so the list must be empty ([]).",
        )


@points(
    1.5,
    "best_device: GPU가 있으면 /GPU:0, 없으면 /CPU:0",
    "best_device: /GPU:0 if any, else /CPU:0",
)
def test_best_device(submission, gpu_visible):
    name = expect_text(
        submission.call("best_device"), Msg("best_device의 반환값", "best_device's value")
    )
    check_device_name(name, gpu_visible)


@points(2.5, "matmul_on: CPU에서 계산한 행렬 곱", "matmul_on: a matrix product computed on the CPU")
def test_matmul_on_cpu(submission, rng):
    a = rng.normal(size=(3, 3)).astype(np.float32)
    b = rng.normal(size=(3, 3)).astype(np.float32)
    result = submission.call("matmul_on", "/CPU:0", Const(a), Const(b))
    expect_close(expect_tensor(result, (3, 3)), a @ b, MATMUL_HINT)
    check_placed_on(result, "CPU")


@points(1.5, 'device_kind: CPU에 있는 텐서는 "CPU"', 'device_kind: "CPU" for a tensor on the CPU')
def test_device_kind_cpu(submission, rng):
    tensor = submission.constant(rng.normal(size=(2, 3)), device="/CPU:0")
    answer = expect_text(
        submission.call("device_kind", tensor), Msg("device_kind의 반환값", "device_kind's value")
    )
    check_kind_answer(answer, "CPU")


@pytest.mark.gpu
@points(1.5, 'GPU: best_device가 "/GPU:0"을 고름', 'GPU: best_device picks "/GPU:0"')
def test_best_device_gpu(submission):
    name = expect_text(
        submission.call("best_device"), Msg("best_device의 반환값", "best_device's value")
    )
    check_device_name(name, gpu_visible=True)


@pytest.mark.gpu
@points(
    3,
    "GPU: matmul_on(best_device(), …)이 GPU에서 실행됨",
    "GPU: matmul_on(best_device(), …) runs on the GPU",
)
def test_matmul_on_gpu(submission, rng):
    device = expect_text(
        submission.call("best_device"), Msg("best_device의 반환값", "best_device's value")
    )
    a = rng.normal(size=(4, 4)).astype(np.float32)
    b = rng.normal(size=(4, 4)).astype(np.float32)
    result = submission.call("matmul_on", device, Const(a), Const(b))
    expect_close(expect_tensor(result, (4, 4)), a @ b, MATMUL_HINT)
    check_placed_on(result, "GPU")


@pytest.mark.gpu
@points(
    1.5,
    'GPU: device_kind가 GPU 텐서를 "GPU"로 알아봄',
    'GPU: device_kind says "GPU" for a GPU tensor',
)
def test_device_kind_gpu(submission, rng):
    tensor = submission.constant(rng.normal(size=(3, 2)), device="/GPU:0")
    answer = expect_text(
        submission.call("device_kind", tensor), Msg("device_kind의 반환값", "device_kind's value")
    )
    check_kind_answer(answer, "GPU")

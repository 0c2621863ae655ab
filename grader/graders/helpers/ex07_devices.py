"""What the ex07_devices tests share: reading a returned string, judging device_kind's answer
and where a result tensor lives."""

from grader.course.messages import Msg
from grader.graders.checks import check, expect_kind, fail
from grader.wire.protocol import Value


def expect_text(value: Value, what: Msg) -> str:
    expect_kind(value, ("str",), what)
    return value.text or ""


def check_kind_answer(answer: str, expected: str) -> None:
    """device_kind()'s answer must be exactly "CPU" or "GPU"."""
    if answer == expected:
        return
    if "device:" in answer or answer.startswith("/"):
        fail(
            f"device_kind가 전체 장치 이름 {answer!r}을(를) 반환했습니다. t.device 문자열에서 장치 "
            f'종류만 뽑아 "{expected}"처럼 반환하세요.',
            f"device_kind returned the full device name {answer!r}. Take only the device type "
            f'out of t.device and return it like "{expected}".',
        )
    if answer.upper() == expected:
        fail(
            f'device_kind는 대문자로 "{expected}"를 반환해야 하는데 {answer!r}입니다.',
            f'device_kind must return "{expected}" in capitals, but returned {answer!r}.',
        )
    fail(
        f"이 텐서는 {expected}에 있는데 device_kind가 {answer!r}을(를) 반환했습니다. t.device를 "
        "읽어 장치 종류를 알아내세요.",
        f"This tensor lives on the {expected}, but device_kind returned {answer!r}. Read t.device "
        "to find the device type.",
    )


def check_placed_on(value: Value, kind: str) -> None:
    device = value.device or ""
    check(
        f"DEVICE:{kind}" in device.upper(),
        f"결과 텐서가 {kind}가 아닌 {device or '알 수 없는 장치'}에 있습니다. 계산을 "
        "`with tf.device(device):` 블록 안에서 했나요?",
        f"The result lives on {device or 'an unknown device'}, not on the {kind}. Did you compute "
        "it inside a `with tf.device(device):` block?",
    )

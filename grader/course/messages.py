"""Bilingual text, one mechanism for all of it: a ``Msg`` holds a sentence in Korean (the
course's default) and in English, and is rendered in the reader's language where it is shown.

Every student- and instructor-facing string is a ``Msg``: a grader's hint where the check is
written (``grader.graders.checks``), a module's fixed labels as a catalog (a dict of ``Msg`` by
key, rendered at once by ``rendered`` for a template), an exercise's title. Why not gettext:
there are exactly two languages, and the Korean sentence is the one authors write and review
beside the code it explains (the graders read as the spec), with values interpolated by the
f-string at that very place; gettext would move the Korean into catalogs keyed by another
string and add a compile step, for no third language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ENGLISH, KOREAN = "en", "ko"


def language_tag(language: str) -> str:
    """The language text is shown in: English when asked for, Korean otherwise."""
    return ENGLISH if language == ENGLISH else KOREAN


@dataclass(frozen=True)
class Msg:
    ko: str
    en: str

    def render(self, language: str) -> str:
        return self.en if language_tag(language) == ENGLISH else self.ko


def rendered(catalog: Mapping[str, Msg], language: str) -> dict[str, str]:
    """A catalog's every message in one language (what a template receives)."""
    return {key: message.render(language) for key, message in catalog.items()}


MISSING_FILE = Msg(
    "제출된 파일이 없습니다. 이 연습문제는 0점입니다.",
    "No file was submitted for this exercise; it scores 0.",
)
PROTOCOL_ERROR = Msg(
    "코드가 돌려준 값을 채점할 수 없습니다: 값의 모양(shape)이나 크기가 말이 되지 않거나, "
    "채점기와 주고받는 응답이 조작되었습니다. 반환값을 확인하세요.",
    "The value your code returned cannot be graded: its shape or size is impossible, or the "
    "answer exchanged with the grader was tampered with. Check what your function returns.",
)
SANDBOX_FAILED = Msg(
    "채점 환경(샌드박스)을 준비하지 못해 이 테스트를 실행하지 못했습니다. 코드의 문제가 아니니 "
    "강사에게 알려 주세요.",
    "The grading sandbox could not be set up, so this test did not run. This is not a problem "
    "with your code; please tell your instructor.",
)
INTERNAL_ERROR = Msg(
    "채점기 내부 오류입니다. 강사에게 알려 주세요.",
    "Internal grader error; please tell your instructor.",
)
GPU_SKIPPED = Msg(
    "GPU가 보이지 않아 GPU 테스트를 건너뛰었습니다 (점수는 나머지 테스트에 나뉩니다).",
    "No GPU is visible, so the GPU test was skipped (its points go to the other tests).",
)
GPU_REQUIRED = Msg(
    "이 과정은 GPU가 필요합니다(grading.gpu: required). 그런데 채점 환경에서 GPU가 보이지 않습니다.",
    "This course requires a GPU (grading.gpu: required), but none is visible to the grader.",
)
NOTEBOOK_PREFERRED = Msg(
    "같은 연습문제의 .py와 .ipynb가 모두 제출되어 노트북(.ipynb)을 채점했습니다.",
    "Both .py and .ipynb were submitted for this exercise; the notebook was graded.",
)
INTERRUPTED = Msg(
    "중단됨 — 다시 실행하면 이어서 채점합니다",
    "Interrupted — run it again to continue grading where it stopped",
)
CHECK_INTERRUPTED = Msg(
    "중단됨 — 검사를 멈췄습니다 (다시 실행하면 처음부터 검사합니다)",
    "Interrupted — the check stopped (run it again to check from the start)",
)
STOPPED = Msg("중단됨", "Interrupted")  # any other command: nothing to resume


def missing_file(exercise: str, near_misses: str) -> Msg:
    """The "not submitted" message naming the file graded for ``exercise`` and, when the
    student's folder holds files that look meant for it (``near_misses``, one per line), those
    names: a wrong name is the usual reason, and the fix is a rename."""
    expected = f"`{exercise}.py` / `{exercise}.ipynb`"
    if not near_misses:
        return Msg(
            f"제출된 파일이 없습니다 ({expected}). 이 연습문제는 0점입니다.",
            f"No file was submitted for this exercise ({expected}); it scores 0.",
        )
    found = ", ".join(f"`{name}`" for name in near_misses.split("\n"))
    return Msg(
        f"제출된 파일이 없습니다: {found}은(는) 이름이 달라 채점하지 않았습니다. 파일 이름을 "
        f"{expected}(으)로 바꾸세요. 이 연습문제는 0점입니다.",
        f"No file was submitted for this exercise: {found} was not graded because of its name. "
        f"Rename it to {expected}. It scores 0.",
    )

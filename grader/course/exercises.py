"""The fixed list of exercises: ids, titles and file names, shared by every part of the kit."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from grader.course.messages import NOTEBOOK_PREFERRED, Msg


@dataclass(frozen=True)
class Exercise:
    id: str
    name: Msg  # the exercise's title in both languages

    @property
    def module_file(self) -> str:
        return f"{self.id}.py"

    @property
    def notebook_file(self) -> str:
        return f"{self.id}.ipynb"

    def title(self, language: str) -> str:
        return self.name.render(language)


EXERCISES: tuple[Exercise, ...] = (
    Exercise("ex01_tensors", Msg("상수 텐서와 변수", "Constant tensors and variables")),
    Exercise("ex02_assign", Msg("변수에 값 할당하기", "Assigning values to variables")),
    Exercise("ex03_tensor_ops", Msg("텐서 연산", "Tensor operations")),
    Exercise("ex04_gradient_tape", Msg("그레이디언트 테이프", "GradientTape")),
    Exercise("ex05_second_order", Msg("이계도 그레이디언트", "Second-order gradients")),
    Exercise("ex06_linear_classifier", Msg("선형 분류기", "A linear classifier")),
    Exercise("ex07_devices", Msg("CPU와 GPU", "CPU and GPU")),
)

EXERCISE_IDS: tuple[str, ...] = tuple(e.id for e in EXERCISES)
BY_ID: dict[str, Exercise] = {e.id: e for e in EXERCISES}


def resolve(names: list[str] | None) -> list[Exercise]:
    """Map user-typed names (``ex04``, ``ex04_gradient_tape``, ``4``) to exercises.

    Raises ``KeyError`` naming the first unknown name, so the CLI can print it.
    """
    if not names:
        return list(EXERCISES)
    chosen: list[Exercise] = []
    for name in names:
        key = name.strip().removesuffix(".py").removesuffix(".ipynb")
        if key.isdigit():
            key = f"ex{int(key):02d}"
        matches = [e for e in EXERCISES if e.id == key or e.id.split("_", 1)[0] == key]
        if not matches:
            raise KeyError(name)
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def find_exercise_file(folder: Path, exercise: str) -> tuple[Path | None, tuple[Msg, ...]]:
    """The file to grade for ``exercise``: the notebook wins over the module when both exist."""
    notebook, module = folder / f"{exercise}.ipynb", folder / f"{exercise}.py"
    if notebook.is_file():
        return notebook, (NOTEBOOK_PREFERRED,) if module.is_file() else ()
    if module.is_file():
        return module, ()
    return None, ()


MAX_NEAR_MISSES = 3  # named in the message; more would bury the point
MAX_NAME_CHARS = 80


def near_misses(folder: Path, exercise: str) -> tuple[str, ...]:
    """Files in ``folder`` meant for ``exercise`` by their look, but not named as graded:
    ``ex04.py``, ``ex01_tensors-Copy1.ipynb`` (Jupyter's copy), ``Ex04_Gradient_Tape.PY``,
    ``ex04_gradient_tape.py.txt``. Any name that starts with the exercise's number in any case;
    named to the student beside the expected name, so a 0 for "not submitted" is never a mystery."""
    number = exercise.split("_", 1)[0].casefold()  # "ex04"
    expected = {f"{exercise}.py", f"{exercise}.ipynb"}
    found = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name.casefold().startswith(number) and entry.name not in expected
        and entry.is_file()
    ) if folder.is_dir() else []  # fmt: skip
    # a name from a zip may not be UTF-8: shown escaped, never an encoding error later
    shown = (os.fsencode(name).decode("utf-8", "backslashreplace") for name in found)
    return tuple(name[:MAX_NAME_CHARS] for name in shown)[:MAX_NEAR_MISSES]

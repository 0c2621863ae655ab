"""nbgrader's Validate shows the graders' Korean hints for the failing public tests.

nbgrader's validator shows, for a test cell that fell short of its points, the cell's error
output and stderr, else only "Partial credit; passed some but not all of the tests"; the report
the test cell prints on stdout never reached the student. The real ``nbgrader validate`` runs
here on a release notebook (by the real ``generate_assignment``) answered with the reference
except for one wrong constant, in a folder without the course's config and without the
quiet-TF environment, as a student runs it. The Validate button calls the same
``Validator.validate`` and shows the same error text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from grader.course.config import CourseConfig
from grader.grading.notebook import fit_validator_width
from tests.test_nbgrader_lifecycle import answers, fill_in, make_course, nbgrader

EXERCISE = "ex01_tensors"
CONSTANT = "TENSOR_ITEM_ASSIGNMENT_ERROR"


def _one_wrong_answer(notebook: Path) -> None:
    """The constant's answer cell holds ``ValueError`` instead of ``TypeError``."""
    nb = nbformat.read(notebook, as_version=4)
    (cell,) = [c for c in nb.cells if re.search(rf"^{CONSTANT}\s*=", c.source, re.M)]
    cell.source = re.sub(
        rf"^{CONSTANT}\s*=.*$", f"{CONSTANT} = ValueError", cell.source, flags=re.M
    )
    nbformat.write(nb, notebook)


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory, config: CourseConfig) -> str:
    """What ``nbgrader validate`` prints for the notebook with one wrong answer."""
    base = tmp_path_factory.mktemp("validate")
    course = make_course(base, config, (EXERCISE,))
    assignment = config.nbgrader.assignment
    nbgrader(course, "generate_assignment", assignment)
    student = base / "student"
    student.mkdir()
    notebook = Path(shutil.copy(course / "release" / assignment / f"{EXERCISE}.ipynb", student))
    fill_in(notebook, answers(course / "source" / assignment / f"{EXERCISE}.ipynb"))
    _one_wrong_answer(notebook)
    return nbgrader(student, "validate", notebook.name, quiet=False)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_validate_shows_the_korean_hint_of_the_failing_test(validated: str) -> None:
    assert "VALIDATION FAILED ON 1 CELL(S)" in validated, validated
    assert f"✗ {CONSTANT}" in validated, validated
    # the grader's hint for this mistake, whole (nbgrader cuts lines longer than 87 characters)
    hint = "builtins.ValueError이(가) 아닙니다. tf.ones((2, 2))[0, 0] = 0.을 직접 실행해 어떤 예외가 나오는지 보세요."
    assert hint in _words(validated), validated
    assert "Partial credit; passed some but not all" not in validated, validated
    assert all(
        len(line) <= 87 for line in validated.splitlines() if "✗" in line or "아닙니다" in line
    )


def test_report_lines_fit_the_validator_and_keep_every_word() -> None:
    line = "      " + "아주 긴 힌트 문장입니다. " * 12
    report = f"공개 테스트 · ex: 0/1개 통과\n  ✗ 제목\n{line.rstrip()}"
    fitted = fit_validator_width(report)
    assert _words(fitted) == _words(report)
    assert all(len(ln) <= 83 for ln in fitted.splitlines())  # nbgrader adds 4 spaces, cuts at 87
    assert all(ln.startswith("      ") for ln in fitted.splitlines()[2:])

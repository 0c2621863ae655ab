"""The ``course`` command's own words: bilingual help (Korean first, like every other output),
``--version``, the file-naming and skip rules and exit codes in the help of the commands they
govern, and an unknown exercise answered with the valid names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import grader
from grader.cli import app
from grader.course.exercises import EXERCISE_IDS, find_exercise_file

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> tuple[int, str]:
    """Exit code and output (stdout and stderr), box borders and line wrapping taken out."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.replace("│", " ").split())


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"course {grader.__version__}\n"


@pytest.mark.parametrize(
    ("command", "korean", "english"),
    [
        ((), "텐서플로 시작하기 자동 채점 연습문제", "Autograded TensorFlow exercises"),
        (("check",), "공개 테스트를 실행하고", "Run the public tests"),
        (("grade",), "반 전체를 샌드박스에서 채점합니다", "Grade a whole class"),
        (("build",), "solutions/에서 exercises/와", "Regenerate exercises/"),
        (("bundle",), "학생용 패키지", "Build the student package"),
    ],
)
def test_help_is_korean_first_then_english(
    command: tuple[str, ...], korean: str, english: str
) -> None:
    code, text = run(*command, "--help")
    assert code == 0
    assert korean in text and english in text
    assert text.index(korean) < text.index(english)


def test_check_help_names_notebooks_and_the_naming_rule(tmp_path: Path) -> None:
    code, text = run("check", "--help")
    assert code == 0
    assert "(.py 또는 .ipynb)" in text and "(.py or .ipynb)" in text
    assert "exNN_name.py 또는 exNN_name.ipynb" in text
    assert "노트북(.ipynb)을 채점합니다" in text
    assert "when both exist for one exercise, the notebook (.ipynb) is graded" in text
    # the rule the help states is the one the kit applies
    (tmp_path / "ex04_gradient_tape.py").write_text("", "utf-8")
    (tmp_path / "ex04_gradient_tape.ipynb").write_text("{}", "utf-8")
    chosen, _ = find_exercise_file(tmp_path, "ex04_gradient_tape")
    assert chosen is not None and chosen.suffix == ".ipynb"


def test_grade_help_names_the_skip_rule_and_exit_codes() -> None:
    code, text = run("grade", "--help")
    assert code == 0
    assert "연습문제 파일, course.yml, 채점기" in text and "건너뜁니다" in text
    assert "--force를 주면 모두 다시 채점합니다" in text
    assert "종료 코드: 0 채점 완료(점수가 낮은 학생이 있어도), 2 시작할 수 없음" in text
    assert "3 채점하지 못한 학생이 있음" in text
    assert "skips a student whose exercise files, course.yml and graders" in text
    assert "Exit codes: 0 grading done (even if students failed), 2 cannot start" in text
    assert "3 some student could not be graded" in text


@pytest.mark.parametrize(
    ("language", "said"),
    [("ko", "알 수 없는 연습문제입니다: 'ex99'"), ("en", "unknown exercise: 'ex99'")],
)
def test_unknown_exercise_lists_the_valid_names(tmp_path: Path, language: str, said: str) -> None:
    course = yaml.safe_load((ROOT / "course.yml").read_text("utf-8"))
    course["course"]["language"] = language
    config = tmp_path / "course.yml"
    config.write_text(json.dumps(course, ensure_ascii=False), "utf-8")  # JSON is YAML
    code, text = run("check", "ex01", "ex99", "--config", str(config))
    assert code == 2
    assert said in text
    assert ", ".join(EXERCISE_IDS) in text

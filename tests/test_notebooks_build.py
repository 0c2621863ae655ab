"""The generated nbgrader course: valid metadata, points that add up, hidden tests fully hidden,
deterministic output, and committed files that match what ``course build`` would write."""

from __future__ import annotations

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from grader.build.course_build import nbgrader_artifacts, outdated
from grader.build.notebooks import (
    BEGIN_HIDDEN,
    END_HIDDEN,
    GraderWeights,
    build_notebook,
    collect_weights,
    notebook_json,
    split_points,
)
from grader.course.config import CourseConfig
from grader.course.exercises import EXERCISE_IDS
from grader.nbgrader.config import render_nbgrader_config


@pytest.fixture(scope="module")
def weights() -> dict[str, GraderWeights]:
    return collect_weights(list(EXERCISE_IDS))


def _build(root, exercise: str, config: CourseConfig, weights, language: str = "ko"):
    text = (root / "solutions" / f"{exercise}.py").read_text(encoding="utf-8")
    split = split_points(config.points(exercise), weights[exercise])
    return build_notebook(text, exercise, split, language)


@pytest.mark.parametrize("exercise", EXERCISE_IDS)
def test_notebook_is_a_valid_nbgrader_source(exercise, root, config, weights) -> None:
    notebook = _build(root, exercise, config, weights)
    nbformat.validate(notebook)
    MetadataValidator().validate_nb(notebook)
    graded = [c for c in notebook.cells if "nbgrader" in c.metadata]
    ids = [c.metadata.nbgrader.grade_id for c in graded]
    assert len(ids) == len(set(ids))
    assert len({c.id for c in notebook.cells}) == len(notebook.cells)
    assert all(c.metadata.nbgrader.schema_version == 3 for c in graded)
    answers = [c for c in graded if c.metadata.nbgrader.solution]
    assert answers and all("### BEGIN SOLUTION" in c.source for c in answers)
    setup = [
        c for c in graded if not c.metadata.nbgrader.solution and not c.metadata.nbgrader.grade
    ]
    assert setup and all(c.metadata.nbgrader.locked for c in setup)
    assert any("import tensorflow as tf" in c.source for c in setup)
    tests = [c for c in graded if c.metadata.nbgrader.grade]
    assert [t.metadata.nbgrader.grade_id.split("_", 1)[1] for t in tests] == [
        "public_tests", "hidden_tests"
    ]  # fmt: skip
    assert all(t.metadata.nbgrader.locked for t in tests)
    assert sum(t.metadata.nbgrader.points for t in tests) == config.points(exercise)
    public, hidden = tests
    assert f'run_tests("{exercise}", globals(), points=' in public.source
    lines = hidden.source.splitlines()
    assert lines[0] == BEGIN_HIDDEN and lines[-1] == END_HIDDEN
    assert 'visibility="hidden"' in hidden.source
    assert any(c.cell_type == "markdown" for c in notebook.cells[:1])


def test_output_is_deterministic(root, config, weights) -> None:
    first = notebook_json(_build(root, "ex01_tensors", config, weights))
    second = notebook_json(_build(root, "ex01_tensors", config, weights))
    assert first == second
    assert '"id": "ex01-answer-01"' in first


def test_split_follows_weights_and_leaves_gpu_tests_out() -> None:
    assert split_points(10, GraderWeights(public=7, hidden=9)) == (4.375, 5.625)
    with_gpu = GraderWeights(public=5, hidden=3, gpu_public=4, gpu_hidden=3)
    assert split_points(10, with_gpu) == split_points(10, GraderWeights(public=5, hidden=3))
    assert split_points(10, GraderWeights(public=3)) == (10.0, 0.0)
    public, hidden = split_points(15, GraderWeights(public=1, hidden=2))
    assert public + hidden == 15 and (public * 8).is_integer()


def test_english_course(root, config, weights) -> None:
    notebook = _build(root, "ex01_tensors", config, weights, language="en")
    assert 'language="en"' in notebook.cells[-2].source
    english = config.model_copy(
        update={"course": config.course.model_copy(update={"language": "en"})}
    )
    text = render_nbgrader_config(english)
    assert "Write your code here" in text and "여기에" not in text
    assert "여기에 코드를 작성하세요" in render_nbgrader_config(config)


def test_nbgrader_config_settings(config) -> None:
    namespace: dict = {"__file__": "/srv/course/nbgrader_config.py"}
    from traitlets.config import Config

    cfg = Config()
    namespace["get_config"] = lambda: cfg
    exec(render_nbgrader_config(config), namespace)
    assert cfg.CourseDirectory.course_id == config.course.id
    assert cfg.CourseDirectory.root == "/srv/course"
    assert cfg.Exchange.root == config.nbgrader.exchange_root
    assert cfg.Execute.timeout == config.nbgrader.timeout_s
    assert "grader.nbgrader.preprocessors.DropLogNoise" in cfg.Autograde.autograde_preprocessors
    assert "nbgrader.preprocessors.ClearHiddenTests" in cfg.GenerateFeedback.preprocessors
    assert "NotImplementedError" in cfg.ClearSolutions.code_stub["python"]


def test_committed_nbgrader_course_is_up_to_date(root, config) -> None:
    stale = outdated(nbgrader_artifacts(root, config))
    assert not stale, f"run `course build` and commit: {[str(p.relative_to(root)) for p in stale]}"

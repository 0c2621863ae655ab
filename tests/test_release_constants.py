"""Every module constant a grader reads keeps its name in what students get.

nbgrader's ``generate_assignment`` replaces a whole ``### BEGIN SOLUTION`` region with the code
stub: a module-level answer (``TENSOR_ITEM_ASSIGNMENT_ERROR = TypeError``) became a bare
``raise NotImplementedError`` and the release notebook lost the name. The names are found in
the graders themselves (every ``submission.attr("NAME")``), so a constant added to any exercise
is covered; each must be assigned at module level, with the stub's placeholder, both in the
release notebook made by the real ``nbgrader generate_assignment`` and in the ``.py`` stub.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from grader.build.stubs import BEGIN, END, WRITE_HERE
from grader.course.config import CourseConfig
from grader.course.exercises import EXERCISE_IDS
from tests.test_nbgrader_lifecycle import make_course, nbgrader

ROOT = Path(__file__).resolve().parent.parent
GRADERS = ROOT / "grader" / "graders"


def constants_read_by_graders() -> dict[str, set[str]]:
    """exercise → names the graders read with ``submission.attr("NAME")``."""
    found: dict[str, set[str]] = {}
    for path in sorted(GRADERS.rglob("*.py")):
        exercise = next((e for e in EXERCISE_IDS if e in path.stem), None)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                exercise
                and isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "attr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(exercise, set()).add(node.args[0].value)
    return found


def module_assignments(code: str) -> dict[str, str]:
    """name → source of each module-level ``NAME = ...`` in ``code``, with its comment line."""
    tree = ast.parse(code)
    lines = code.splitlines()
    return {
        target.id: lines[node.lineno - 1]
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def module_level_answers(solution: str) -> set[str]:
    """Names the solution assigns inside its unindented solution regions: what a student must
    define at module level."""
    inside, block = [], False
    for line in solution.splitlines():
        if line in (BEGIN, END):
            block = line == BEGIN
        elif block:
            inside.append(line)
    return set(module_assignments("\n".join(inside)))


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, config: CourseConfig) -> Path:
    """Release notebooks of every exercise, by the real ``nbgrader generate_assignment``."""
    course = make_course(tmp_path_factory.mktemp("release"), config, EXERCISE_IDS)
    nbgrader(course, "generate_assignment", config.nbgrader.assignment)
    return course / "release" / config.nbgrader.assignment


@pytest.mark.slow
def test_release_notebooks_and_stubs_assign_every_constant(
    release: Path, config: CourseConfig
) -> None:
    placeholder = f"None  # {WRITE_HERE.render(config.course.language)}"
    constants = {}  # the names the graders read that students answer at module level
    for exercise, names in constants_read_by_graders().items():
        solution = (ROOT / "solutions" / f"{exercise}.py").read_text(encoding="utf-8")
        constants[exercise] = sorted(names & module_level_answers(solution))
    assert constants["ex01_tensors"] == ["TENSOR_ITEM_ASSIGNMENT_ERROR"]
    to_python = TransformerManager().transform_cell
    for exercise, names in constants.items():
        notebook = nbformat.read(release / f"{exercise}.ipynb", as_version=4)
        code = "\n".join(to_python(c.source) for c in notebook.cells if c.cell_type == "code")
        in_notebook = module_assignments(code)
        stub = (ROOT / "exercises" / f"{exercise}.py").read_text(encoding="utf-8")
        in_stub = module_assignments(stub)
        for name in names:
            assert in_notebook.get(name) == f"{name} = {placeholder}", (exercise, name, code)
            assert in_stub.get(name) == f"{name} = {placeholder}", (exercise, name)


def test_generate_assignment_is_nbgraders_pipeline_with_the_stub_rule() -> None:
    """The configured list is nbgrader's own default with only ClearSolutions swapped, so a new
    nbgrader release that changes its default is noticed here."""
    from nbgrader.converters import GenerateAssignment

    from grader.nbgrader.config import GENERATE_PREPROCESSORS

    ours = "grader.nbgrader.preprocessors.ClearSolutionsLikeStubs"
    default = [
        ours if c.__name__ == "ClearSolutions" else f"nbgrader.preprocessors.{c.__name__}"
        for c in GenerateAssignment().preprocessors
    ]
    assert list(GENERATE_PREPROCESSORS) == default


def _cleared(source: str) -> str:
    from nbgrader.preprocessors import ClearSolutions

    from grader.nbgrader.preprocessors import ClearSolutionsLikeStubs

    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False,
                                 "grade_id": "a", "schema_version": 3}  # fmt: skip
    stub = ClearSolutions().code_stub["python"]
    clearer = ClearSolutionsLikeStubs(language="ko", code_stub={"python": stub})
    cell, _ = clearer.preprocess_cell(cell, {"language": "python"}, 0)
    return cell.source


def test_constant_keeps_its_name_and_other_markers_follow_nbgrader() -> None:
    assert _cleared("### BEGIN SOLUTION\nLIMIT: int = 3\n### END SOLUTION") == (
        "LIMIT = None  # 여기에 코드를 작성하세요"
    )
    body = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    assert (
        _cleared(body)
        == 'def f():\n    # 여기에 코드를 작성하세요\n    raise NotImplementedError("여기에 코드를 작성하세요")'
    )
    # a marker nbgrader recognises but the stub rule does not: nbgrader's rule, nothing kept
    loose = "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION"
    assert "return 1" not in _cleared(loose)

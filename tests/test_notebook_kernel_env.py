"""Student notebooks run in a kernel that keeps TensorFlow's start-up noise out of every cell.

The kernels students get are the ones the product installs: the course kernel of the student
bundle's wheel (a data file pip puts into ``share/jupyter/kernels``, named by the bundle's
release notebooks) and the hub's ``python3`` kernelspec of the student environment. Each runs
a release notebook answered with the reference, in a process environment without the quiet-TF
variables (a student's machine sets none): no absl/oneDNN/cpu_feature_guard line may appear in
any cell, at import or in the test cells; figures still show inline (no ``MPLBACKEND=Agg``);
and a student's real error and stderr output still show.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grader.build.bundle import build_student_wheel, kernel_name, release_notebooks
from grader.course.config import CourseConfig
from grader.course.tfenv import QUIET_ENV
from grader.hub import render
from grader.hub.environments import install_wheel_without_deps
from tests.test_nbgrader_lifecycle import answers, fill_in

# one worker builds the student bundle's wheel and release notebooks once for the module
pytestmark = pytest.mark.xdist_group(name="notebook-kernel-env")
EXERCISE = "ex01_tensors"
NOISE = re.compile(
    r"absl::InitializeLog|oneDNN|cpu_feature_guard|tensorflow/core|"
    r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+",
    re.MULTILINE,
)
STUDENT_CELLS = (
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1])\nfig",
    'import sys\nprint("학생이 stderr에 쓴 줄", file=sys.stderr)',
    'raise ValueError("학생 코드의 오류")',
)


@pytest.fixture(scope="module")
def student_bundle(
    tmp_path_factory: pytest.TempPathFactory, root: Path, config: CourseConfig
) -> tuple[Path, Path]:
    """(the Jupyter data folder of a venv the student wheel was pip-installed into, the
    bundle's release notebooks)."""
    base = tmp_path_factory.mktemp("student-kernel")
    wheel = build_student_wheel(root, base / "wheels", config)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    install_wheel_without_deps(venv, wheel)  # as the hub does; pip puts data files in the venv
    notebooks = base / "notebooks"
    release_notebooks(root, config, notebooks)
    return venv / "share" / "jupyter", notebooks


def hub_kernel(base: Path) -> Path:
    """The hub's student kernelspec, for this interpreter's environment, on a JUPYTER_PATH."""
    spec = base / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True)
    spec.write_text(render.kernelspec(Path(sys.executable).parent.parent), encoding="utf-8")
    return base


def test_installed_kernelspecs_carry_the_quiet_environment(
    student_bundle: tuple[Path, Path], config: CourseConfig, tmp_path: Path
) -> None:
    jupyter, notebooks = student_bundle
    bundle_spec = json.loads(
        (jupyter / "kernels" / kernel_name(config) / "kernel.json").read_text()
    )
    hub_spec = json.loads(
        (hub_kernel(tmp_path) / "kernels" / "python3" / "kernel.json").read_text()
    )
    for spec in (bundle_spec, hub_spec):
        assert spec["env"]["TF_CPP_MIN_LOG_LEVEL"] == "2", spec
        assert spec["env"]["TF_ENABLE_ONEDNN_OPTS"] == "0", spec
        assert "MPLBACKEND" not in spec["env"], spec  # Agg would hide the notebook's figures
    assert "MPLBACKEND" not in render.KERNEL_ENV  # the hub's spawner passes it to kernels too
    for notebook in sorted(notebooks.glob("*.ipynb")):
        kernelspec = nbformat.read(notebook, as_version=4).metadata["kernelspec"]
        assert kernelspec["name"] == kernel_name(config), notebook.name


@pytest.mark.slow
@pytest.mark.parametrize("kernel", ["bundle", "hub"])
def test_student_kernel_shows_no_tensorflow_noise_but_real_errors(
    kernel: str,
    student_bundle: tuple[Path, Path],
    root: Path,
    config: CourseConfig,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jupyter, notebooks = student_bundle
    notebook_path = tmp_path / f"{EXERCISE}.ipynb"
    notebook_path.write_bytes((notebooks / notebook_path.name).read_bytes())
    fill_in(
        notebook_path, answers(root / "source" / config.nbgrader.assignment / notebook_path.name)
    )
    notebook = nbformat.read(notebook_path, as_version=4)
    if kernel == "hub":
        jupyter = hub_kernel(tmp_path / "hub")
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
    notebook.cells.extend(nbformat.v4.new_code_cell(code) for code in STUDENT_CELLS)
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))  # where the kernelspec is looked up
    # The kernel's own environment: none of the quiet-TF variables (a student's machine sets
    # none: only the kernelspec does), and no PYTEST_* (ipykernel would not forward what
    # TensorFlow's C++ code writes to file descriptor 2 into the cells, hiding the noise).
    env = {k: v for k, v in os.environ.items() if k not in QUIET_ENV and "PYTEST" not in k}
    client = NotebookClient(
        notebook, timeout=300, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute(env=env)

    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") + "".join(output.get("traceback", []))
            assert not NOISE.search(text), (index, text)
    (test_cell,) = [
        c
        for c in notebook.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").endswith("_public_tests")
    ]
    (value,) = [o for o in test_cell.outputs if o.output_type == "execute_result"]
    assert float(value.data["text/plain"]) == test_cell.metadata.nbgrader.points
    figure, stderr, error = notebook.cells[-3:]
    assert any("image/png" in o.get("data", {}) for o in figure.outputs), figure.outputs
    assert [o.text for o in stderr.outputs if o.get("name") == "stderr"] == [
        "학생이 stderr에 쓴 줄\n"
    ]
    assert [(o.ename, o.evalue) for o in error.outputs if o.output_type == "error"] == [
        ("ValueError", "학생 코드의 오류")
    ]


def test_doctor_flags_a_student_kernel_that_hides_figures(tmp_path: Path) -> None:
    from grader.hub import doctor
    from tests.test_hub_doctor import make_config

    config = make_config(tmp_path)
    spec = config.hub.student_env / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True)
    older = {
        **json.loads(render.kernelspec(config.hub.student_env)),
        "env": {**render.KERNEL_ENV, "MPLBACKEND": "Agg"},
    }
    spec.write_text(json.dumps(older))
    result = doctor.check_kernel_quiet(config, [])
    assert not result.ok and "MPLBACKEND=Agg" in result.detail, result
    spec.write_text(render.kernelspec(config.hub.student_env))
    assert doctor.check_kernel_quiet(config, []).ok

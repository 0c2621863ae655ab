"""The student bundle holds no secret, and its visible test cells work with only the student
package installed (no hidden graders, no solutions, no editable checkout of this repo)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader.build.bundle import INSTRUCTOR_ONLY, BundleError, build_bundle
from grader.build.course_build import all_artifacts, write
from grader.course.config import CourseConfig
from grader.course.exercises import EXERCISE_IDS
from grader.course.tfenv import QUIET_ENV
from tests.test_nbgrader_lifecycle import answers, fill_in, hidden_grader_lines, solution_lines

BIN = Path(sys.executable).parent
CHECKED = ("ex01_tensors",)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, root: Path, config: CourseConfig) -> Path:
    return build_bundle(root, config, tmp_path_factory.mktemp("bundle") / "student")


@pytest.fixture(scope="module")
def site(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The student wheel unpacked: what ``pip install`` would put into site-packages."""
    target = tmp_path_factory.mktemp("site")
    (wheel,) = (bundle / "wheels").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_bundle_layout(bundle: Path, config: CourseConfig) -> None:
    assert (bundle / "course.yml").is_file()
    assert "course check" in (bundle / "README.md").read_text(encoding="utf-8")
    for exercise in EXERCISE_IDS:
        assert (bundle / "exercises" / f"{exercise}.py").is_file()
        assert (bundle / "notebooks" / config.nbgrader.assignment / f"{exercise}.ipynb").is_file()


def test_wheel_has_no_instructor_parts(bundle: Path) -> None:
    (wheel,) = (bundle / "wheels").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "grader/grading/notebook.py" in names and "grader/grading/grading.ini" in names
    assert all(f"grader/graders/public/test_{e}.py" in names for e in EXERCISE_IDS)
    for part in INSTRUCTOR_ONLY:
        assert not [n for n in names if n.startswith(f"grader/{part}")], part


def test_bundle_holds_no_hidden_grader_or_solution_code(bundle: Path, root: Path) -> None:
    public_text = "\n".join(p.read_text(encoding="utf-8") for p in (root / "grader").rglob("*.py")
                            if "hidden" not in p.parts and "build" not in p.parts)  # fmt: skip
    texts = {}
    for path in bundle.rglob("*"):
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    texts[f"{path.name}:{name}"] = archive.read(name).decode("utf-8", "replace")
        elif path.is_file():
            texts[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    for name, text in texts.items():
        if name.endswith(".ipynb"):
            text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
            assert "HIDDEN TESTS" not in text, name
            assert 'visibility="hidden"' not in text, name
        leaked = [line for line in hidden_grader_lines(EXERCISE_IDS) if line in text]
        assert not leaked, f"{name}: {leaked[:3]}"
        # The public graders quote a line of answer code in a hint now and then (e.g.
        # "x[index] = value"): in the wheel, look for answer code beyond what they show.
        allowed = public_text if ".whl:" in name else ""
        shown = [ln for ln in solution_lines(EXERCISE_IDS) if ln in text and ln not in allowed]
        assert not shown, f"{name}: {shown[:3]}"


def test_bundle_refuses_a_non_empty_folder(
    tmp_path: Path, root: Path, config: CourseConfig
) -> None:
    (tmp_path / "something").write_text("x")
    with pytest.raises(BundleError):
        build_bundle(root, config, tmp_path)


def _student_kernel(site: Path, base: Path) -> Path:
    """A kernelspec whose Python finds only the student package: ``-S`` skips the ``.pth``
    files (this checkout's editable install among them), and ``PYTHONPATH`` lists the unpacked
    wheel before the third-party packages (TensorFlow, ipykernel)."""
    import site as site_module

    packages = site_module.getsitepackages()[0]
    spec = base / "kernels" / "student"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-S", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "student", "language": "python",
        "env": {"PYTHONPATH": f"{site}{os.pathsep}{packages}"},
    }))  # fmt: skip
    return base


def _execute(notebook: Path, site: Path, jupyter_path: Path) -> nbformat.NotebookNode:
    """Run a notebook like a student would: a kernel that finds only the student package, and
    no quiet-TF variables in its environment."""
    env = {k: v for k, v in os.environ.items() if k not in QUIET_ENV and not k.startswith("PYTEST")}
    env["JUPYTER_PATH"] = str(jupyter_path)
    result = subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
         "--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=student",
         "--output", notebook.name + ".out", notebook.name],
        cwd=notebook.parent, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    return nbformat.read(notebook.with_name(notebook.name + ".out.ipynb"), as_version=4)


def _test_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    (cell,) = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id", "")
               .endswith("_public_tests")]  # fmt: skip
    return cell


@pytest.mark.slow
@pytest.mark.parametrize("exercise", CHECKED)
def test_visible_test_cell_with_only_the_student_package(
    exercise: str, bundle: Path, site: Path, tmp_path: Path, root: Path, config: CourseConfig
) -> None:
    release = bundle / "notebooks" / config.nbgrader.assignment / f"{exercise}.ipynb"
    reference = answers(root / "source" / config.nbgrader.assignment / f"{exercise}.ipynb")
    probe = nbformat.v4.new_code_cell(
        "import grader, importlib.util\n"
        "print('GRADER_AT', grader.__file__)\n"
        "print('HIDDEN', importlib.util.find_spec('grader.graders.hidden') is not None)"
    )  # fmt: skip
    jupyter_path = _student_kernel(site, tmp_path / "jupyter")
    results = {}
    for student in ("stub", "reference"):
        folder = tmp_path / student
        folder.mkdir()
        copy = folder / release.name
        copy.write_bytes(release.read_bytes())
        if student == "reference":
            fill_in(copy, reference)
        notebook = nbformat.read(copy, as_version=4)
        notebook.cells.insert(0, probe)
        nbformat.write(notebook, copy)
        executed = _execute(copy, site, jupyter_path)
        probe_text = "".join(o.get("text", "") for o in executed.cells[0].outputs)
        assert f"GRADER_AT {site}" in probe_text and "HIDDEN False" in probe_text, probe_text
        cell = _test_cell(executed)
        kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
        assert ("stream", "stderr") not in kinds, json.dumps(cell.outputs, ensure_ascii=False)
        assert "error" not in [k for k, _ in kinds], json.dumps(cell.outputs, ensure_ascii=False)
        (value,) = [o for o in cell.outputs if o.output_type == "execute_result"]
        results[student] = (float(value.data["text/plain"]), cell.metadata.nbgrader.points)
    assert results["stub"][0] == 0
    assert results["reference"][0] == results["reference"][1] > 0


def test_the_wheel_is_the_package_without_whole_instructor_folders(bundle: Path, root: Path):
    """The wheel is defined by folders, not by a list of files: every file of the package
    outside the instructor-only folders ships, and nothing else does."""
    (wheel,) = (bundle / "wheels").glob("*.whl")
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("grader/")}
    package = root / "grader"
    expected = {
        path.relative_to(root).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
        and not any(path.is_relative_to(package / part) for part in INSTRUCTOR_ONLY)
    }  # fmt: skip
    assert shipped == expected


def test_every_shipped_module_imports_from_the_wheel_alone(site: Path) -> None:
    """No shipped module needs an instructor-only one: imported with only the unpacked wheel
    and the third-party packages on the path (``-S`` skips this checkout's editable install)."""
    import site as site_module

    packages = site_module.getsitepackages()[0]
    probe = (
        "import importlib, pkgutil, sys, grader\n"
        "failed = []\n"
        "for info in pkgutil.walk_packages(grader.__path__, 'grader.'):\n"
        "    if info.name in ('grader.sandbox.zygote', 'grader.sandbox.gpu_probe'):\n"
        "        continue  # entry points that start serving when imported\n"
        "    try:\n"
        "        importlib.import_module(info.name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{info.name}: {type(exc).__name__}: {exc}')\n"
        "print('GRADER_AT', grader.__file__)\n"
        "print('\\n'.join(failed) or 'ALL IMPORTED')\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{packages}", **QUIET_ENV}
    result = subprocess.run(
        [sys.executable, "-S", "-c", probe], env=env, cwd=site, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert f"GRADER_AT {site}" in result.stdout, result.stdout + result.stderr[-2000:]
    assert result.stdout.strip().endswith("ALL IMPORTED"), result.stdout


STUDENT_CLI_PROBE = """
import json, sys
from typer.testing import CliRunner
from grader.cli import app
runs = {}
for args in json.loads(sys.argv[1]):
    result = CliRunner().invoke(app, args)
    runs[" ".join(args)] = [result.exit_code, result.output, repr(result.exception)]
print("RUNS", json.dumps(runs))
"""
INSTRUCTOR_COMMANDS = (
    ["grade", "x", "--out", "y"], ["grade", "--help"], ["build"], ["build", "--force"],
    ["bundle", "z"], ["hub", "render"], ["doctor"],
)  # fmt: skip


def _student_cli(site: Path, cwd: Path, commands: list[list[str]]) -> dict[str, list]:
    """``course`` as the student wheel alone installs it (``-S``: not this checkout)."""
    import site as site_module

    packages = site_module.getsitepackages()[0]
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{packages}", **QUIET_ENV}
    result = subprocess.run(
        [sys.executable, "-S", "-c", STUDENT_CLI_PROBE, json.dumps(commands)],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("RUNS ")]
    return json.loads(line.removeprefix("RUNS "))


def test_student_course_offers_only_check(site: Path, bundle: Path) -> None:
    """The student wheel's ``course`` lists only ``check``; an instructor command typed anyway
    says it is not in the student package (exit 2), with no traceback and no empty table."""
    runs = _student_cli(site, bundle, [["--help"], *INSTRUCTOR_COMMANDS])
    code, output, _ = runs.pop("--help")
    assert code == 0, output
    listed = re.findall(r"^│ (\w[\w-]*) ", output.split("Commands")[1], flags=re.MULTILINE)
    assert listed == ["check"], output
    for command, (code, output, exception) in runs.items():
        assert code == 2, f"{command}: {output} {exception}"
        assert "Traceback" not in output and "ModuleNotFoundError" not in output, command
        name = command.split()[0]
        assert f"`course {name}` 명령은 강사용이라 학생용 패키지에는 없습니다" in output, output


@pytest.fixture
def course_copy(tmp_path: Path, root: Path, config: CourseConfig) -> Path:
    """A course root of its own (course.yml and solutions/), built."""
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy2(root / "course.yml", course / "course.yml")
    shutil.copytree(root / "solutions", course / "solutions")
    write(all_artifacts(course, config))
    return course


def test_bundle_refuses_exercises_that_are_not_the_generated_stubs(
    course_copy: Path, config: CourseConfig, tmp_path: Path
) -> None:
    """A finished ex01 (or a stub older than its solution) never goes out: the bundle stops,
    names the files, and writes nothing; ``course bundle`` exits 2 without a traceback."""
    from typer.testing import CliRunner

    from grader.cli import app

    finished = course_copy / "exercises" / "ex01_tensors.py"
    finished.write_text(finished.read_text(encoding="utf-8") + "\nANSWER = 42\n")
    solution = course_copy / "solutions" / "ex03_tensor_ops.py"
    solution.write_text(solution.read_text(encoding="utf-8") + "\n# 새 설명\n")
    out = tmp_path / "student"
    with pytest.raises(BundleError) as raised:
        build_bundle(course_copy, config, out)
    message = str(raised.value)
    assert "exercises/ex01_tensors.py" in message and "exercises/ex03_tensor_ops.py" in message
    assert "exercises/ex02_assign.py" not in message and "course build" in message
    assert not out.exists()
    result = CliRunner().invoke(
        app, ["bundle", str(out), "--config", str(course_copy / "course.yml")]
    )
    assert result.exit_code == 2, result.output
    assert "exercises/ex01_tensors.py" in result.output and "Traceback" not in result.output
    assert not out.exists()

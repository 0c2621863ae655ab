"""The student bundle: everything a student needs for their own checks, and nothing secret.

``build_bundle`` writes one folder to hand out (or to put on the hub image):

- ``wheels/``: a wheel of the ``grader`` package without the instructor-only parts, so public
  checks (``course check``, the notebooks' visible test cells) work in a student environment;
- ``exercises/``: the ``.py`` stubs; ``notebooks/<assignment>/``: the release notebooks, made
  by stock ``nbgrader generate_assignment`` (solutions and hidden tests already stripped);
- ``course.yml`` and a short README (Korean unless the course language is English).

Notebooks on a student's own machine run in the kernel the wheel installs (``kernelspec``,
named after the course): a wheel's data file puts it into the environment's
``share/jupyter/kernels``, and its ``env`` keeps TensorFlow's start-up log lines (absl's
``InitializeLog`` warning, oneDNN, ``cpu_feature_guard``) out of every cell. The release
notebooks name that kernel, so Jupyter starts it when a student opens one. (ipykernel's own
``python3`` kernel cannot carry the variables: its kernel.json is ipykernel's file.)

``exercises/`` ships only as ``course build`` generates it: a stub with an answer written in
(or one older than its solution) stops the bundle, so no finished exercise reaches students.

Left out of the wheel, and why:

- ``grader/graders/hidden``: the hidden graders; students must never see them;
- ``grader/build``: course authoring from ``solutions/`` (the solutions are not shipped anyway);
- ``grader/nbgrader/preprocessors.py``: the instructor's autograde preprocessor (needs nbgrader).

The wheel is built from a temporary copy with its own ``pyproject.toml`` (distribution name
``<project>-student``), so the instructor's package metadata and files are never touched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import nbformat

from grader import __version__
from grader.build.course_build import outdated, stub_artifacts
from grader.course.config import CourseConfig
from grader.course.exercises import EXERCISES
from grader.course.messages import Msg
from grader.course.tfenv import NOTEBOOK_KERNEL_ENV, notebook_kernelspec
from grader.nbgrader.config import render_nbgrader_config

INSTRUCTOR_ONLY = ("graders/hidden", "build", "nbgrader")  # whole folders
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
STUDENT_EXCLUDED_DEPENDENCIES = ("nbgrader", "jupytext")  # instructor tools
NOTEBOOK_EXTRA = ["jupyterlab>=4,<5", "ipykernel"]  # the student's own Jupyter, optional
KERNEL_DATA_DIR = "share/jupyter/kernels"  # where pip puts a wheel's kernelspec data file


def kernel_name(config: CourseConfig) -> str:
    """The kernelspec name of the course's notebooks on a student's machine: the course id in
    the letters Jupyter allows in a kernel name."""
    return re.sub(r"[^a-z0-9._-]+", "-", config.course.id.lower()).strip("-") or "course"


def kernelspec(config: CourseConfig) -> dict[str, object]:
    """The course kernel: the environment's own Python (Jupyter runs ``python`` as its own
    interpreter) with TensorFlow kept quiet from its import on."""
    return notebook_kernelspec("python", f"Python 3 ({config.course.id})", NOTEBOOK_KERNEL_ENV)


class BundleError(Exception):
    """The bundle cannot be built (missing inputs, a failing build step, a non-empty target)."""


def _run(command: list[str], cwd: Path) -> None:
    # nbgrader runs ``alembic`` by name: the interpreter's own scripts folder must be on PATH.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-4000:]
        raise BundleError(f"{' '.join(command[:4])} … failed:\n{output}")


def _student_pyproject(root: Path, kernel: str) -> str:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    package_data = pyproject["tool"]["setuptools"]["package-data"]["grader"]
    name = f"{project['name']}-student"
    deps = [
        d for d in project.get("dependencies", [])
        if not d.lower().startswith(STUDENT_EXCLUDED_DEPENDENCIES)
    ]  # fmt: skip
    extras = {
        k: v for k, v in project.get("optional-dependencies", {}).items() if k in ("cpu", "gpu")
    }
    lines = [
        "[build-system]",
        'requires = ["setuptools>=61"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f"name = {name!r}",
        f"version = {__version__!r}",
        'description = "Student package: public checks for the TensorFlow exercises"',
        f"requires-python = {project.get('requires-python', '>=3.11')!r}",
        f"dependencies = {deps!r}",
        "",
        "[project.optional-dependencies]",
        *[f"{key} = {value!r}" for key, value in extras.items()],
        f"notebook = {NOTEBOOK_EXTRA!r}",
        "",
        "[project.scripts]",
        'course = "grader.entry:main"',
        "",
        "[tool.setuptools.packages.find]",
        'include = ["grader*"]',
        "",
        "[tool.setuptools.package-data]",
        f"grader = {package_data!r}",  # the instructor package's own data files
        "",
        "[tool.setuptools.data-files]",
        f'"{KERNEL_DATA_DIR}/{kernel}" = ["kernel/kernel.json"]',
    ]
    return "\n".join(lines).replace("'", '"') + "\n"


def build_student_wheel(root: Path, out: Path, config: CourseConfig) -> Path:
    """A wheel of ``grader`` without the instructor-only parts, and the course kernel, written
    into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="student-pkg-") as tmp:
        work = Path(tmp)
        package = work / "grader"
        shutil.copytree(root / "grader", package, ignore=IGNORED)
        for name in INSTRUCTOR_ONLY:
            target = package / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
        (work / "kernel").mkdir()
        spec = json.dumps(kernelspec(config), indent=2, sort_keys=True) + "\n"
        (work / "kernel" / "kernel.json").write_text(spec, encoding="utf-8")
        pyproject = _student_pyproject(root, kernel_name(config))
        (work / "pyproject.toml").write_text(pyproject, encoding="utf-8")
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
              "--quiet", "--wheel-dir", str(out), str(work)], cwd=work)  # fmt: skip
    wheels = sorted(out.glob("*-student-*.whl")) or sorted(out.glob("*.whl"))
    if not wheels:
        raise BundleError(f"pip wheel wrote no wheel into {out}")
    return wheels[-1]


def release_notebooks(root: Path, config: CourseConfig, out: Path) -> list[Path]:
    """Release notebooks by stock ``nbgrader generate_assignment`` in a throwaway course, with
    the course kernel named in their metadata."""
    assignment = config.nbgrader.assignment
    source = root / "source" / assignment
    if not source.is_dir():
        raise BundleError(f"{source} is missing: run `course build` first")
    with tempfile.TemporaryDirectory(prefix="student-release-") as tmp:
        course = Path(tmp)
        nb = config.nbgrader.model_copy(update={"db_url": "sqlite:///gradebook.db"})
        text = render_nbgrader_config(config.model_copy(update={"nbgrader": nb}))
        (course / "nbgrader_config.py").write_text(text, encoding="utf-8")
        shutil.copytree(source, course / "source" / assignment, ignore=IGNORED)
        _run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment], cwd=course)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        spec = kernelspec(config)
        metadata = {"display_name": spec["display_name"], "language": "python",
                    "name": kernel_name(config)}  # fmt: skip
        for notebook in sorted((course / "release" / assignment).glob("*.ipynb")):
            released = nbformat.read(notebook, as_version=4)
            released.metadata["kernelspec"] = dict(metadata)
            nbformat.write(released, out / notebook.name)
            written.append(out / notebook.name)
    return written


_README = Msg(
    """# {title} — 학생용 꾸러미

## 설치
```
python3.11 -m venv .venv
.venv/bin/pip install "{wheel}[cpu]"    # GPU가 있는 컴퓨터라면 [gpu]
```

## 풀기
- `exercises/` 안의 `.py` 파일에서 "여기에 코드를 작성하세요" 부분을 채우세요.
- 또는 `notebooks/{assignment}/` 의 노트북에서 풀어도 됩니다. 노트북 끝의 공개 테스트 셀을
  실행하면 무엇이 맞고 틀렸는지 알려 주고, 그 셀의 점수를 보여 줍니다.
  JupyterLab은 `.venv/bin/pip install "{wheel}[cpu,notebook]"`로 설치하고
  `.venv/bin/jupyter lab notebooks/{assignment}`로 엽니다. 노트북은 이 꾸러미의 커널
  "{kernel}"에서 실행됩니다 (텐서플로의 시작 로그가 셀에 나오지 않습니다).

## 스스로 확인하기
```
.venv/bin/course check          # exercises/의 모든 연습문제
.venv/bin/course check ex01     # 하나만
```
공개 테스트만 실행됩니다. 최종 점수에는 숨겨진 테스트도 포함됩니다.
""",
    """# {title} — student bundle

## Install
```
python3.11 -m venv .venv
.venv/bin/pip install "{wheel}[cpu]"    # [gpu] on a machine with a GPU
```

## Work
- Fill in the parts marked "Write your code here" in the `.py` files under `exercises/`,
- or work in the notebooks under `notebooks/{assignment}/`: the public test cell at the end of
  each notebook tells you what is right and wrong, and shows that cell's points.
  Install JupyterLab with `.venv/bin/pip install "{wheel}[cpu,notebook]"` and open them with
  `.venv/bin/jupyter lab notebooks/{assignment}`. They run in this bundle's kernel
  "{kernel}" (TensorFlow's start-up log stays out of the cells).

## Check your work
```
.venv/bin/course check          # every exercise in exercises/
.venv/bin/course check ex01     # just one
```
Only the public tests run here; the final grade adds hidden tests.
""",
)


def build_bundle(root: Path, config: CourseConfig, out: Path) -> Path:
    """Write the student bundle into ``out`` (which must not exist or be empty); return ``out``."""
    root, out = root.resolve(), out.resolve()
    if out.exists() and any(out.iterdir()):
        raise BundleError(f"{out} is not empty")
    if out == root or root / "grader" in (out, *out.parents):
        raise BundleError(f"{out} must not be inside the package")
    missing = [
        e.module_file for e in EXERCISES if not (root / "exercises" / e.module_file).is_file()
    ]
    if missing:
        raise BundleError(f"exercises/ lacks {', '.join(missing)}: run `course build` first")
    differing = [
        path.relative_to(root).as_posix()
        for path in outdated([a for a in stub_artifacts(root, config) if a.editable])
    ]
    if differing:  # an answer written into a stub, or stubs older than solutions/
        raise BundleError(
            f"not the stubs generated from solutions/ (students would get them as they are): "
            f"{', '.join(differing)}. Run `course build` (`--force` discards edits made in "
            "exercises/) and bundle again"
        )
    out.mkdir(parents=True, exist_ok=True)
    wheel = build_student_wheel(root, out / "wheels", config)
    (out / "exercises").mkdir()
    for exercise in EXERCISES:
        shutil.copy2(root / "exercises" / exercise.module_file, out / "exercises")
    assignment = config.nbgrader.assignment
    release_notebooks(root, config, out / "notebooks" / assignment)
    shutil.copy2(root / "course.yml", out / "course.yml")
    readme = _README.render(config.course.language).format(
        title=config.course.title,
        wheel=f"wheels/{wheel.name}",
        assignment=assignment,
        kernel=kernelspec(config)["display_name"],
    )
    (out / "README.md").write_text(readme, encoding="utf-8")
    return out

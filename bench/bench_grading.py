"""Benchmark: `course grade` (sandboxed engine) against stock `nbgrader autograde`.

What is compared
----------------
* Submissions: N synthetic students x the exercises that have a reference in ``solutions/``,
  built like the sample class (``samples/make_sample_class.py``): every third student is fully
  correct, the others carry one typical mistake (a text replacement of the reference) in some
  exercises. Every student is a folder of ``exNN_name.py`` files.
* Our side: ``.venv/bin/course grade DIR --out OUT --workers W --force``, i.e. the sandboxed
  engine with the project's public + hidden pytest graders (forked child per student, remote
  ``submission`` proxy, per-call time limits), results.json + feedback.html per student.
* Stock side: the same students' code put into nbgrader notebooks (one answer cell holding the
  student's module, one autograder test cell of plain ``assert``s with a hidden-tests block per
  exercise), graded by stock ``nbgrader autograde`` with its normal executor (one fresh Jupyter
  kernel per notebook), set up exactly like ``shared/tools/nbgrader_baseline.py``: its own
  course dir, students in the nbgrader db, ``generate_assignment``, copies under
  ``submitted/<id>/<assignment>/``, then ``autograde``. Only M students (default 3), as stock
  nbgrader is slow; the figure reported is seconds per student for each side.
  The test cells check roughly what our graders check, with fewer cases; they are not the same
  tests, so the comparison is of the grading machinery per student, not of test content.
* Peak memory: ``ru_maxrss`` of RUSAGE_CHILDREN measured inside a small wrapper process that
  runs one side, so each side is measured alone. It is the peak resident size of the largest
  single descendant process (not the sum over workers).
* Machine probe: a fixed Python loop and a fixed TensorFlow training loop, timed first and
  printed, so that figures from different days (or machines) can be told apart from changes.

usage: .venv/bin/python bench/bench_grading.py --students 20 [--baseline-students 3]
       [--workers 2] [--skip-course] [--skip-nbgrader] [--keep]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ASSIGNMENT = "ps1"

# Wrapper run as a separate process so RUSAGE_CHILDREN covers one side only.
_MEASURE = """
import json, resource, subprocess, sys, time
cmd, cwd = json.loads(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
run = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": run.returncode, "seconds": seconds, "maxrss_kb": peak,
                  "tail": (run.stdout[-2000:] + run.stderr[-2000:])}))
"""

# Plain-assert test cells for the stock side: a public part and a hidden block per exercise.
TESTS: dict[str, tuple[str, str]] = {
    "ex01_tensors": (
        "t = make_ones((2, 3))\n"
        "assert isinstance(t, tf.Tensor) and t.shape == (2, 3) and float(tf.reduce_sum(t)) == 6\n"
        "assert float(tf.reduce_sum(make_zeros((4,)))) == 0.0\n",
        "n = make_normal((20000,), mean=2.0, stddev=3.0).numpy()\n"
        "assert abs(n.mean() - 2) < 0.1 and abs(n.std() - 3) < 0.1\n"
        "u = make_uniform((20000,), minval=-1.0, maxval=1.0).numpy()\n"
        "assert u.min() >= -1 and u.max() < 1\n"
        "x = np.zeros((2, 2))\n"
        "assert numpy_set(x, (0, 1), 5.0) is x and x[0, 1] == 5\n"
        "assert TENSOR_ITEM_ASSIGNMENT_ERROR is TypeError\n"
        "v = make_variable(tf.ones((2,)))\n"
        "assert isinstance(v, tf.Variable) and v.trainable\n",
    ),
    "ex02_assign": (
        "v = tf.Variable(tf.zeros((2, 3)))\nassign_ones(v)\nassert np.allclose(v.numpy(), 1)\n",
        "v = tf.Variable(tf.zeros((2, 2)))\nassign_element(v, (0, 1), 3.0)\n"
        "assert np.allclose(v.numpy(), [[0, 3], [0, 0]])\n"
        "increase(v, tf.ones((2, 2)))\nassert np.allclose(v.numpy(), [[1, 4], [1, 1]])\n"
        "decrease(v, tf.ones((2, 2)))\nassert np.allclose(v.numpy(), [[0, 3], [0, 0]])\n",
    ),
    "ex03_tensor_ops": (
        "a = tf.constant([[1.0, 2.0], [3.0, 4.0]])\nn = a.numpy()\n"
        "assert isinstance(square(a), tf.Tensor) and np.allclose(square(a), n**2)\n",
        "assert np.allclose(sqrt(a), np.sqrt(n)) and np.allclose(add(a, a), 2 * n)\n"
        "assert np.allclose(multiply(a, a), n * n) and np.allclose(matmul(a, a), n @ n)\n"
        "assert np.allclose(listing_3_9(a), (n @ n**2) * (n**2 + np.sqrt(n)), rtol=1e-5)\n",
    ),
    "ex04_gradient_tape": (
        "x = tf.constant([1.0, -2.0])\n"
        "assert np.allclose(grad_square_of_constant(x), 2 * x.numpy())\n",
        "assert np.allclose(grad_square_of_variable(tf.Variable([3.0])), [6.0])\n"
        "assert np.allclose(gradient(tf.sin, x), np.cos(x.numpy()), atol=1e-6)\n",
    ),
    "ex05_second_order": (
        "s, acc = apple_speed_and_acceleration(2.0)\n"
        "assert abs(float(s) - 19.6) < 1e-4 and abs(float(acc) - 9.8) < 1e-4\n",
        "assert abs(float(second_derivative(lambda z: z**3, tf.constant(2.0))) - 12) < 1e-4\n",
    ),
    "ex06_linear_classifier": (
        "inputs, targets = make_dataset(1000, seed=1)\n"
        "assert inputs.shape == (2000, 2) and targets.shape == (2000, 1)\n",
        "W, b, losses = fit(inputs, targets)\n"
        "assert len(losses) == 40 and losses[-1] < 0.035\n"
        "predictions = model(inputs, W, b).numpy()\n"
        "assert ((predictions > 0.5) == (targets > 0.5)).mean() >= 0.99\n"
        "assert plot_decision_boundary(inputs, W, b) is not None\n",
    ),
    "ex07_devices": (
        "assert isinstance(list_gpus(), list) and best_device() in ('/CPU:0', '/GPU:0')\n",
        "product = matmul_on('/CPU:0', tf.ones((2, 3)), tf.ones((3, 2)))\n"
        "assert np.allclose(product, 3)\n"
        "assert device_kind(tf.constant(1.0)) in ('CPU', 'GPU')\n",
    ),
}


def load_generator() -> ModuleType:
    """``samples/make_sample_class.py`` as a module: its mistakes and helpers are reused here."""
    path = ROOT / "samples" / "make_sample_class.py"
    spec = importlib.util.spec_from_file_location("make_sample_class", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Submission:
    student: str
    files: dict[str, str]  # exercise id -> module text (markers stripped)


def make_submissions(count: int, generator: ModuleType) -> list[Submission]:
    """``count`` deterministic students: every third correct, the rest with some mistakes."""
    solutions = generator.load_solutions(ROOT / "solutions")
    submissions = []
    for index in range(count):
        files = {}
        for position, exercise in enumerate(sorted(solutions)):
            text = generator.strip_markers(solutions[exercise])
            mistakes = sorted(generator.MISTAKES.get(exercise, {}).items())
            if index % 3 and mistakes and (index + position) % 2:
                name, replacements = mistakes[(index + position) % len(mistakes)]
                text = generator.apply(text, replacements, f"s{index}/{exercise}/{name}")
            files[exercise] = text
        submissions.append(Submission(f"s{index:03d}", files))
    return submissions


def write_py_class(submissions: list[Submission], folder: Path) -> None:
    for submission in submissions:
        (folder / submission.student).mkdir(parents=True)
        for exercise, text in submission.files.items():
            (folder / submission.student / f"{exercise}.py").write_text(text, encoding="utf-8")


def _cell(source: str, grade_id: str, *, solution: bool = False, points: float = 0) -> object:
    cell = new_code_cell(source)
    metadata = {
        "grade": points > 0,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points > 0:
        metadata["points"] = points
    cell.metadata["nbgrader"] = metadata
    return cell


def notebook(exercise: str, answer: str, points: float) -> nbformat.NotebookNode:
    """An nbgrader notebook: imports, one answer cell (the module), one assert test cell."""
    public, hidden = TESTS[exercise]
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        new_markdown_cell(f"# {exercise}"),
        _cell(answer, f"answer_{exercise}", solution=True),
        _cell(
            f"import numpy as np\nimport tensorflow as tf\n{public}"
            f"### BEGIN HIDDEN TESTS\n{hidden}### END HIDDEN TESTS",
            f"test_{exercise}",
            points=points,
        ),
    ]
    for index, cell in enumerate(nb.cells):
        cell.id = f"{exercise}-{index}"
    return nb


def build_nbgrader_course(
    submissions: list[Submission], course: Path, generator: ModuleType
) -> None:
    """A stock nbgrader course with the students' code submitted, ready for ``autograde``."""
    from grader.course.config import load_config

    config = load_config(ROOT / "course.yml")
    solutions = generator.load_solutions(ROOT / "solutions")
    students = ", ".join(f"dict(id='{s.student}')" for s in submissions)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
        f"c.CourseDirectory.db_assignments = [dict(name='{ASSIGNMENT}')]\n"
        f"c.CourseDirectory.db_students = [{students}]\n"
        "c.ExecutePreprocessor.timeout = 300\n",
        encoding="utf-8",
    )
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for exercise, text in solutions.items():
        nbformat.write(
            notebook(exercise, text, config.points(exercise)), source / f"{exercise}.ipynb"
        )
    env = _env()
    nbgrader = str(BIN / "nbgrader")
    _run([nbgrader, "db", "assignment", "add", ASSIGNMENT], course, env)
    for submission in submissions:
        _run([nbgrader, "db", "student", "add", submission.student], course, env)
    _run([nbgrader, "generate_assignment", ASSIGNMENT, "--force"], course, env)
    for submission in submissions:
        target = course / "submitted" / submission.student / ASSIGNMENT
        target.mkdir(parents=True)
        for exercise, text in submission.files.items():
            nb = notebook(exercise, text, config.points(exercise))
            nbformat.write(nb, target / f"{exercise}.ipynb")


def _env() -> dict[str, str]:
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def measure(cmd: list[str], cwd: Path) -> dict[str, object]:
    """Run ``cmd`` in a wrapper process; wall seconds and the peak RSS of its descendants."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, json.dumps(cmd), str(cwd)],
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_course(submissions: list[Submission], work: Path, workers: int) -> dict[str, object]:
    course = BIN / "course"
    if not course.exists():
        raise SystemExit(f"{course} not found: install the project (make test) first")
    write_py_class(submissions, work / "class")
    result = measure(
        [
            str(course),
            "grade",
            str(work / "class"),
            "--out",
            str(work / "out"),
            "--workers",
            str(workers),
            "--force",
        ],
        ROOT,
    )
    if result["rc"] != 0:
        print(f"course grade exited {result['rc']}:\n{result['tail']}", file=sys.stderr)
    graded = len(list((work / "out").glob("*/results.json")))
    result["graded"] = graded
    return result


def bench_nbgrader(
    submissions: list[Submission], work: Path, generator: ModuleType
) -> dict[str, object]:
    course = work / "nbgrader"
    course.mkdir()
    build_nbgrader_course(submissions, course, generator)
    result = measure([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"], course)
    if result["rc"] != 0:
        print(f"nbgrader autograde exited {result['rc']}:\n{result['tail']}", file=sys.stderr)
    export = subprocess.run(
        [str(BIN / "nbgrader"), "export", "--to", "grades.csv"],
        cwd=course,
        env=_env(),
        capture_output=True,
        text=True,
    )
    if export.returncode == 0:
        rows = (course / "grades.csv").read_text(encoding="utf-8").splitlines()[1:]
        result["scores"] = [row.split(",")[9] for row in rows]
    return result


# A fixed piece of work timed before the benchmark: the 2-core machines these figures come from
# differ by 20% or more from one day to the next, so a figure is only comparable with another
# measured alongside a similar probe.
_PROBE = """
import os, time
os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0", CUDA_VISIBLE_DEVICES="")
start = time.perf_counter()
total = 0
for i in range(10_000_000):
    total += i
python_s = time.perf_counter() - start
import tensorflow as tf
tf.config.threading.set_intra_op_parallelism_threads(1)
W, x = tf.Variable(tf.ones((2, 1))), tf.ones((2000, 2))
start = time.perf_counter()
for _ in range(300):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.matmul(x, W) - 1.0))
    W.assign_sub(0.01 * tape.gradient(loss, W))
print(f"{python_s:.2f} s for 10M Python additions, {time.perf_counter() - start:.2f} s for "
      "300 eager TensorFlow training steps")
"""


def machine_probe() -> str:
    run = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True)
    return run.stdout.strip() or f"probe failed: {run.stderr.strip()[-200:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20, help="students for course grade")
    parser.add_argument("--baseline-students", type=int, default=3, help="students for nbgrader")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-course", action="store_true", help="only time stock nbgrader")
    parser.add_argument("--skip-nbgrader", action="store_true", help="only time course grade")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print it")
    args = parser.parse_args(argv)

    generator = load_generator()
    work = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    exercises = len(generator.load_solutions(ROOT / "solutions"))
    print(f"{exercises} exercises with a reference solution; work dir {work}")
    print(f"machine probe: {machine_probe()}")
    ours = theirs = None
    try:
        if not args.skip_course:
            ours = bench_course(make_submissions(args.students, generator), work, args.workers)
            per = ours["seconds"] / args.students
            print(
                f"course grade : {args.students} students, {args.workers} workers: "
                f"{ours['seconds']:.1f} s = {per:.2f} s/student, "
                f"peak RSS {ours['maxrss_kb'] / 1024:.0f} MiB, graded {ours['graded']}"
            )
        if not args.skip_nbgrader:
            started = time.perf_counter()
            students = make_submissions(args.baseline_students, generator)
            theirs = bench_nbgrader(students, work, generator)
            per = theirs["seconds"] / args.baseline_students
            print(
                f"nbgrader     : {args.baseline_students} students: {theirs['seconds']:.1f} s "
                f"= {per:.2f} s/student, peak RSS {theirs['maxrss_kb'] / 1024:.0f} MiB, "
                f"scores {theirs.get('scores')} "
                f"(setup {time.perf_counter() - started - theirs['seconds']:.0f} s excluded)"
            )
        if ours and theirs:
            ratio = (theirs["seconds"] / args.baseline_students) / (ours["seconds"] / args.students)
            print(f"ratio        : stock nbgrader takes {ratio:.1f}x as long per student")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if (ours is None or ours["rc"] == 0) and (theirs is None or theirs["rc"] == 0) else 1


if __name__ == "__main__":
    raise SystemExit(main())

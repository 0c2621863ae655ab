"""Generate the bundled sample class (``samples/class/``) from the reference solutions.

Why generated: the sample submissions must track ``solutions/`` exactly, so each one is a
reference solution with a few text replacements (a typical mistake, a crash, a notebook with
magics...). A replacement whose ``old`` text is no longer in the solution raises
``ReplacementError`` instead of silently producing a correct file. Output is deterministic
(fixed notebook cell ids and metadata), and ``tests/test_sample_class.py`` checks that the
committed files are exactly what this script produces.

usage: python samples/make_sample_class.py [--solutions solutions] [--out samples/class]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
EXERCISE_IDS = (
    "ex01_tensors",
    "ex02_assign",
    "ex03_tensor_ops",
    "ex04_gradient_tape",
    "ex05_second_order",
    "ex06_linear_classifier",
    "ex07_devices",
)
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


class ReplacementError(ValueError):
    """A replacement's ``old`` text is missing from the solution it should change."""


@dataclass(frozen=True)
class Replace:
    """Replace every occurrence of ``old`` by ``new`` in one exercise's solution text."""

    old: str
    new: str


def apply(text: str, replacements: tuple[Replace, ...], where: str) -> str:
    for replacement in replacements:
        if replacement.old not in text:
            raise ReplacementError(
                f"{where}: the text {replacement.old!r} is not in the solution any more; "
                "update the replacement in samples/make_sample_class.py"
            )
        text = text.replace(replacement.old, replacement.new)
    return text


# Typical mistakes, by exercise. The bench (bench/bench_grading.py) reuses them.
MISTAKES: dict[str, dict[str, tuple[Replace, ...]]] = {
    "ex01_tensors": {
        "numpy_instead_of_tensor": (
            Replace(
                "return tf.ones(shape=shape, dtype=tf.float32)",
                "return np.ones(shape, dtype=np.float32)",
            ),
            Replace(
                "return tf.zeros(shape=shape, dtype=tf.float32)",
                "return np.zeros(shape, dtype=np.float32)",
            ),
        ),
        "constant_not_variable": (
            Replace(
                "return tf.Variable(initial_value=initial_value)",
                "return tf.constant(initial_value)",
            ),
        ),
    },
    "ex02_assign": {
        "rebinding_instead_of_assign": (
            Replace(
                "    v.assign(tf.ones(shape=v.shape, dtype=v.dtype))\n",
                "    v = tf.ones(shape=v.shape, dtype=v.dtype)\n",
            ),
            Replace("    v.assign_add(delta)\n", "    v = v + delta\n"),
            Replace("    v.assign_sub(delta)\n", "    v = v - delta\n"),
        ),
    },
    "ex03_tensor_ops": {
        "elementwise_instead_of_matmul": (
            Replace("    return tf.matmul(a, b)\n", "    return a * b\n"),
            Replace("    e = tf.matmul(a, b)\n", "    e = a * b\n"),
        ),
        "numpy_instead_of_tensor": (
            Replace("    return tf.square(x)\n", "    return np.square(x.numpy())\n"),
            Replace("import tensorflow as tf\n", "import numpy as np\nimport tensorflow as tf\n"),
        ),
    },
    "ex04_gradient_tape": {
        "forgot_tape_watch": (
            Replace(
                "        tape.watch(x)\n        result = tf.square(x)\n",
                "        result = tf.square(x)\n",
            ),
            Replace("        tape.watch(x)\n        y = f(x)\n", "        y = f(x)\n"),
        ),
    },
    "ex05_second_order": {
        "forgot_outer_watch": (Replace("        outer_tape.watch(x)\n", ""),),
        "returns_first_derivative": (Replace("    return second\n", "    return first\n"),),
    },
    "ex06_linear_classifier": {
        "reduce_sum_loss": (
            Replace(
                "    return tf.reduce_mean(per_sample_losses)\n",
                "    return tf.reduce_sum(per_sample_losses)\n",
            ),
        ),
        "diverging_learning_rate": (
            Replace(
                "loss = training_step(inputs, targets, W, b, learning_rate)",
                "loss = training_step(inputs, targets, W, b, learning_rate=0.5)",
            ),
        ),
        "swapped_classes": (
            Replace(
                '            np.zeros((num_samples_per_class, 1), dtype="float32"),\n'
                '            np.ones((num_samples_per_class, 1), dtype="float32"),\n',
                '            np.ones((num_samples_per_class, 1), dtype="float32"),\n'
                '            np.zeros((num_samples_per_class, 1), dtype="float32"),\n',
            ),
        ),
    },
    "ex07_devices": {
        "elementwise_instead_of_matmul": (
            Replace("        return tf.matmul(a, b)\n", "        return a * b\n"),
        ),
    },
}

# Breakages that are not conceptual mistakes: the grader must survive them.
SYNTAX_ERROR = (Replace("def square(x):", "def square(x)"),)
EXIT_AT_IMPORT = (
    Replace("import tensorflow as tf\n", "import os\n\nimport tensorflow as tf\n\nos._exit(3)\n"),
)
ENDLESS_LOOP = (
    Replace(
        "    with tf.GradientTape() as tape:\n        tape.watch(x)\n        y = f(x)\n",
        "    while True:  # 디버깅하다 남긴 무한 루프\n        pass\n"
        "    with tf.GradientTape() as tape:\n        tape.watch(x)\n        y = f(x)\n",
    ),
)
NOISY_OUTPUT = (
    Replace(
        "import tensorflow as tf\n",
        "import tensorflow as tf\n\n"
        'print("디버그 출력 <script>alert(\\"x\\")</script> & \'따옴표\'")\n'
        "for _i in range(3000):\n"
        '    print("긴 출력", _i)\n',
    ),
)
KOREAN_IDENTIFIERS = {
    "ex03_tensor_ops": (
        Replace(
            "    b = tf.square(a)\n    c = tf.sqrt(a)\n    d = b + c\n"
            "    e = tf.matmul(a, b)\n    e *= d\n    return e\n",
            "    제곱 = tf.square(a)\n    제곱근 = tf.sqrt(a)\n    합 = 제곱 + 제곱근\n"
            "    결과 = tf.matmul(a, 제곱)\n    결과 *= 합\n    return 결과\n",
        ),
    ),
    "ex04_gradient_tape": (
        Replace(
            "    with tf.GradientTape() as tape:\n        tape.watch(x)\n        y = f(x)\n"
            "    return tape.gradient(y, x)\n",
            "    with tf.GradientTape() as 테이프:\n        테이프.watch(x)\n        값 = f(x)\n"
            "    return 테이프.gradient(값, x)\n",
        ),
    ),
}

Transform = Callable[[str], str]


@dataclass(frozen=True)
class File:
    """One submitted file: an exercise, its replacements, its form and byte-level quirks."""

    exercise: str
    replacements: tuple[Replace, ...] = ()
    notebook: bool = False
    bom_crlf: bool = False
    checkpoint_junk: bool = False  # also write a broken .ipynb_checkpoints/ copy


@dataclass(frozen=True)
class Student:
    name: str
    files: tuple[File, ...] = field(default_factory=tuple)


def _all(
    *, notebook: bool = False, bom_crlf: bool = False, **changed: tuple[Replace, ...]
) -> tuple[File, ...]:
    """All seven exercises, correct unless ``changed`` gives replacements for one of them."""
    return tuple(
        File(e, changed.get(e, ()), notebook=notebook, bom_crlf=bom_crlf) for e in EXERCISE_IDS
    )


def _only(exercises: tuple[str, ...], **changed: tuple[Replace, ...]) -> tuple[File, ...]:
    return tuple(f for f in _all(**changed) if f.exercise in exercises)


M = MISTAKES
STUDENTS: tuple[Student, ...] = (
    Student("김민준", _all()),  # fully correct, .py
    Student(
        "이서연",
        tuple(  # fully correct notebooks with magics, shell lines, a checkpoint
            File(e, notebook=True, checkpoint_junk=e == "ex01_tensors") for e in EXERCISE_IDS
        ),
    ),
    Student(
        "박지훈",
        _all(
            ex04_gradient_tape=M["ex04_gradient_tape"]["forgot_tape_watch"],
            ex05_second_order=M["ex05_second_order"]["forgot_outer_watch"],
        ),
    ),
    Student(
        "최수아",
        _all(
            ex03_tensor_ops=M["ex03_tensor_ops"]["elementwise_instead_of_matmul"],
            ex07_devices=M["ex07_devices"]["elementwise_instead_of_matmul"],
        ),
    ),
    Student(
        "정예준",
        _all(
            ex01_tensors=M["ex01_tensors"]["numpy_instead_of_tensor"] + NOISY_OUTPUT,
            ex03_tensor_ops=M["ex03_tensor_ops"]["numpy_instead_of_tensor"],
        ),
    ),
    Student(
        "강하은",
        _all(
            ex06_linear_classifier=M["ex06_linear_classifier"]["reduce_sum_loss"],
            ex05_second_order=M["ex05_second_order"]["returns_first_derivative"],
        ),
    ),
    Student(
        "조도윤",
        _all(ex06_linear_classifier=M["ex06_linear_classifier"]["diverging_learning_rate"]),
    ),
    Student(
        "윤지우",
        _all(
            ex06_linear_classifier=M["ex06_linear_classifier"]["swapped_classes"],
            ex01_tensors=M["ex01_tensors"]["constant_not_variable"],
        ),
    ),
    Student("장서준", _all(ex02_assign=M["ex02_assign"]["rebinding_instead_of_assign"])),
    Student(
        "임하린",
        _only(
            ("ex01_tensors", "ex02_assign", "ex03_tensor_ops", "ex04_gradient_tape"),
            ex03_tensor_ops=SYNTAX_ERROR,
        ),
    ),
    Student("한지호", _all(ex02_assign=EXIT_AT_IMPORT)),
    Student("오채원", _all(ex04_gradient_tape=ENDLESS_LOOP)),
    Student("서유진", _all(bom_crlf=True, **KOREAN_IDENTIFIERS)),
    Student(
        "신동현",
        (  # some files missing; ex01 both as a wrong .py and a correct notebook
            File("ex01_tensors", M["ex01_tensors"]["numpy_instead_of_tensor"]),
            File("ex01_tensors", notebook=True),
            File("ex02_assign"),
        ),
    ),
    Student("권나윤", ()),  # an empty folder (git keeps it through a .gitkeep)
    Student(
        "student_ascii-01",
        _all(
            notebook=True,
            **{
                "ex04_gradient_tape": M["ex04_gradient_tape"]["forgot_tape_watch"],
            },
        ),
    ),
)


def strip_markers(text: str) -> str:
    """Drop nbgrader's solution marker lines: students never hand those in."""
    return "".join(line for line in text.splitlines(keepends=True) if line.strip() not in MARKERS)


def to_notebook(text: str) -> str:
    """A py:percent module as a deterministic notebook, with magics and shell lines added."""
    notebook = jupytext.reads(text, fmt="py:percent")
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    if code_cells:
        code_cells[0].source = "%matplotlib inline\n!pip list\n" + code_cells[0].source
    notebook.cells.append(nbformat.v4.new_code_cell("%%bash\necho 'this cell is ignored'\n"))
    notebook.cells.append(nbformat.v4.new_code_cell("%timeit -n 1 sum(range(10))"))
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index:02d}"
        cell.metadata = {}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    return nbformat.writes(notebook) + "\n"


def render_file(spec: File, solutions: dict[str, str], student: str) -> bytes:
    text = strip_markers(solutions[spec.exercise])
    text = apply(text, spec.replacements, f"{student}/{spec.exercise}")
    if spec.notebook:
        return to_notebook(text).encode("utf-8")
    if spec.bom_crlf:
        return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    return text.encode("utf-8")


def load_solutions(solutions_dir: Path) -> dict[str, str]:
    """The reference solutions that exist now (exercises without one are left out)."""
    return {
        e: (solutions_dir / f"{e}.py").read_text(encoding="utf-8")
        for e in EXERCISE_IDS
        if (solutions_dir / f"{e}.py").is_file()
    }


def generate(solutions_dir: Path, out: Path) -> list[Path]:
    """Write every sample student under ``out`` (which must not exist yet); returns the files."""
    solutions = load_solutions(solutions_dir)
    out.mkdir(parents=True)
    written: list[Path] = []
    for student in STUDENTS:
        folder = out / student.name
        folder.mkdir()
        files = [f for f in student.files if f.exercise in solutions]
        if not files:
            (folder / ".gitkeep").write_bytes(b"")
        for spec in files:
            suffix = ".ipynb" if spec.notebook else ".py"
            path = folder / f"{spec.exercise}{suffix}"
            path.write_bytes(render_file(spec, solutions, student.name))
            written.append(path)
            if spec.checkpoint_junk:
                junk = folder / ".ipynb_checkpoints" / f"{spec.exercise}-checkpoint{suffix}"
                junk.parent.mkdir()
                junk.write_bytes(b"this is not a notebook {{{ and must never be read\n")
                written.append(junk)
    return written


def _replace_tree(generated: Path, out: Path) -> None:
    """Swap ``generated`` in for ``out``, refusing to delete a folder that is not ours."""
    if out.exists():
        ours = {s.name for s in STUDENTS}
        foreign = [p.name for p in out.iterdir() if p.name not in ours]
        if foreign:
            raise SystemExit(
                f"{out} holds {foreign[:3]}, which this script did not make; refusing to replace it"
            )
        shutil.rmtree(out)
    shutil.copytree(generated, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    parser.add_argument("--out", type=Path, default=ROOT / "samples" / "class")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            files = generate(args.solutions, Path(tmp) / "class")
        except ReplacementError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        _replace_tree(Path(tmp) / "class", args.out)
    missing = [e for e in EXERCISE_IDS if not (args.solutions / f"{e}.py").is_file()]
    print(f"wrote {len(files)} files for {len(STUDENTS)} students to {args.out}")
    if missing:
        print(f"note: no solution yet for {', '.join(missing)}; those files were left out")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""nbgrader's autograde on the sandbox: the gradebook gets scores no notebook can forge.

Stock ``nbgrader autograde`` runs the whole notebook in one kernel, and the test cells call
``grader.grading.notebook.run_tests`` in that kernel, so a notebook can patch the graders and take full
points. ``SandboxedAutograde`` replaces nbgrader's ``Execute`` in
``Autograde.autograde_preprocessors`` (``nbgrader.autograde: sandbox`` in course.yml). For each
sanitized notebook (outputs cleared, locked and test cells restored from the gradebook) it

1. writes the sanitized notebook to a private scratch folder as ``<exercise>.ipynb``, which the
   sandbox child flattens as ``course grade`` does (``grader.student.loader``: each code cell on
   its own, as in a kernel; test cells and the cells after them left out);
2. grades it with ``SandboxSession``: student code runs only in a sandbox child that cannot see
   the course (solutions, other students, gradebook), the graders run here;
3. writes every test cell's outputs from the graders' records only: the report on stdout and
   the score as the cell's value, exactly what ``run_tests`` shows for an honest notebook, so
   both paths give the same partial credit. Other code cells get no outputs: nothing the
   student's process prints reaches the notebook.

A notebook's top-level code gets ``grading.timeouts.cell_s`` per code cell (nbgrader's kernel
allows ``nbgrader.timeout_s`` per cell), on the grader's clock, and ``student_s`` caps each
notebook. Sanitizing (done before this step, on both paths) is ``grader.nbgrader.preprocessors``'s.

One session (one warm zygote) serves the whole ``nbgrader autograde`` process and is closed at
exit. A notebook that is not one of the course's exercises scores 0 with a message and an
error in the log, and the batch goes on; a grader that cannot work at all (no hidden graders,
no sandbox) raises, so nbgrader reports that submission as failed instead of scoring it.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import v4
from nbformat.notebooknode import NotebookNode
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

import grader
from grader.course.config import (
    DEFAULT_CONFIG_NAME,
    ConfigError,
    CourseConfig,
    find_config,
    load_config,
)
from grader.course.exercises import EXERCISE_IDS
from grader.course.messages import Msg
from grader.grading.batch import hidden_paths
from grader.grading.notebook import NOTEBOOK_STUDENT, default_config, earned_points, format_report
from grader.grading.plugin import TestRecord
from grader.grading.runner import GraderUnavailable
from grader.grading.session import SandboxSession
from grader.sandbox.gpu_probe import host_gpu_visible
from grader.sandbox.remote import SandboxUnavailable
from grader.sandbox.slots import NoFreeSlot, SlotLease, lease_slot
from grader.student.loader import is_test_cell

UNKNOWN_EXERCISE = Msg(
    "이 노트북({name})은 이 과정의 연습문제가 아니어서 채점할 수 없습니다. 강사에게 알려 주세요.",
    "This notebook ({name}) is not one of the course's exercises and cannot be graded; "
    "please tell your instructor.",
)
UNKNOWN_TEST_CELL = Msg(
    "채점기가 알지 못하는 테스트 셀({name})이라 채점할 수 없습니다. 강사에게 알려 주세요.",
    "The grader does not know this test cell ({name}) and cannot grade it; "
    "please tell your instructor.",
)


def course_config(course_root: Path) -> tuple[CourseConfig, Path | None, str]:
    """course.yml from the course root (or a parent), else the defaults ``run_tests`` falls
    back to; also the file used and, for the log, why it was not."""
    try:
        path = find_config(course_root)
        return load_config(path), path, ""
    except ConfigError as exc:
        return default_config(), None, str(exc)


def sandbox_hide(
    roots: Sequence[Path], submitted: Path, autograded: Path, extra: Sequence[Path]
) -> tuple[str, ...]:
    """What a sandbox child must not see: the contents of ``roots`` (the nbgrader course root,
    the folder of course.yml) and of the kit's checkout when the grader package sits in one,
    as ``course grade`` hides its course root, plus ``extra`` (exchange, scratch) as a whole.
    The Python environment and the grader package stay visible (``engine.hidden_paths``)."""
    scanned = {root.resolve() for root in roots}
    kit = Path(grader.__file__).resolve().parent.parent
    if (kit / DEFAULT_CONFIG_NAME).is_file():
        scanned.add(kit)
    hide = {str(path.resolve()) for path in extra if path.exists()}
    for root in scanned:
        hide.update(hidden_paths(root, submitted, autograded))
    return tuple(sorted(hide))


@dataclass
class SandboxGrading:
    """The per-process state: the course's config, its warm sandbox session, a scratch folder."""

    course_root: Path
    config: CourseConfig
    session: SandboxSession
    scratch: Path
    lease: SlotLease

    def grade(self, student: str, exercise: str, notebook: NotebookNode) -> list[TestRecord]:
        """Records of ``exercise``'s public and hidden graders on ``notebook`` (the only thing
        taken from the sandbox; the child's output is dropped)."""
        folder = Path(tempfile.mkdtemp(dir=self.scratch))
        try:
            path = folder / f"{exercise}.ipynb"
            path.write_text(nbformat.writes(notebook), encoding="utf-8")
            records, _ = self.session.grade(student, folder, [exercise])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return [record for record in records if record.exercise == exercise]

    def close(self) -> None:
        self.session.close()
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.lease.release()


_lock = threading.Lock()  # one grading at a time per process (the formgrader may use threads)
_current: SandboxGrading | None = None


def _close_current() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None


atexit.register(_close_current)


def sandbox_grading(
    coursedir: CourseDirectory, exchange: str | None, log: logging.Logger
) -> SandboxGrading:
    """This process's ``SandboxGrading`` for the course in ``coursedir``, created once.
    ``exchange``: nbgrader's exchange root (it holds every student's submissions)."""
    global _current
    root = Path(coursedir.root).resolve()
    if _current is not None and _current.course_root == root:
        return _current
    _close_current()
    config, path, problem = course_config(root)
    if problem:
        log.warning("SandboxedAutograde: %s; grading with the default course settings", problem)
    else:
        log.info("SandboxedAutograde: course settings from %s", path)
    gpu = config.grading.gpu != "off" and host_gpu_visible()
    try:  # a uid no other grader on this host uses (``grader.sandbox.slots``)
        lease = lease_slot(config.grading.sandbox_uid_base)
    except NoFreeSlot as exc:
        raise SandboxUnavailable(str(exc)) from None
    scratch = Path(tempfile.mkdtemp(prefix="course-autograde-"))
    hide = sandbox_hide(
        [root, *([path.parent] if path else [])],
        root / coursedir.submitted_directory,
        root / coursedir.autograded_directory,
        [scratch, *{Path(p) for p in (exchange, config.nbgrader.exchange_root) if p}],
    )
    session = SandboxSession(
        config, hide, gpu=gpu, slot=lease.slot, seed_label=NOTEBOOK_STUDENT, cause_scope="test_cell"
    )
    _current = SandboxGrading(root, config, session, scratch, lease)
    return _current


def _test_outputs(report: str, score: float, count: int) -> list[NotebookNode]:
    """What ``print(report)`` then ``score`` as the cell's value leave in a kernel."""
    return [
        v4.new_output("stream", name="stdout", text=report + "\n"),
        v4.new_output("execute_result", data={"text/plain": repr(score)}, execution_count=count),
    ]


def fill_outputs(
    notebook: NotebookNode,
    exercise: str,
    records: list[TestRecord] | None,
    language: str,
) -> None:
    """Set every code cell's outputs: test cells from ``records`` (``None``: the exercise is
    unknown, every test cell scores 0), all other cells none."""
    prefix = exercise.split("_", 1)[0]
    cells = {f"{prefix}_public_tests": "public", f"{prefix}_hidden_tests": "hidden"}
    count = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        cell.outputs = []
        if not is_test_cell(cell):
            continue
        grade_id = cell.metadata.nbgrader.get("grade_id", "")
        visibility = cells.get(grade_id)
        points = float(cell.metadata.nbgrader.points)
        if records is None:
            report, score = UNKNOWN_EXERCISE.render(language).format(name=exercise), 0.0
        elif visibility is None:
            report, score = UNKNOWN_TEST_CELL.render(language).format(name=grade_id), 0.0
        else:
            chosen = [r for r in records if r.visibility == visibility]
            if not chosen:
                raise GraderUnavailable(f"no {visibility} grader test ran for {exercise}")
            score = earned_points(points, chosen)
            report = format_report(exercise, chosen, points, score, visibility, language)
        cell.outputs = _test_outputs(report, score, count)


class SandboxedAutograde(NbGraderPreprocessor):
    """Autograde executor: grade the notebook in the sandbox, fill the test cells' outputs."""

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        exercise = str(resources.get("unique_key") or resources.get("metadata", {}).get("name"))
        student = str(resources.get("nbgrader", {}).get("student", ""))
        coursedir = CourseDirectory(parent=self)
        if exercise not in EXERCISE_IDS:
            self.log.error(
                "SandboxedAutograde: notebook %r of %s is not one of the course's exercises "
                "(%s); its test cells score 0",
                exercise, student, ", ".join(EXERCISE_IDS),
            )  # fmt: skip
            config, _, _ = course_config(Path(coursedir.root))
            fill_outputs(nb, exercise, None, config.course.language)
            return nb, resources
        exchange = self.config.get("Exchange", {}).get("root")
        with _lock:
            grading = sandbox_grading(coursedir, exchange, self.log)
            started = time.monotonic()
            records = grading.grade(student, exercise, nb)
        self.log.info("Sandboxed %s of %s in %.1fs", exercise, student, time.monotonic() - started)
        for record in records:
            if record.internal_error:
                self.log.error("Grader error in %s: %s", record.test, record.internal_error)
        fill_outputs(nb, exercise, records, grading.config.course.language)
        return nb, resources

"""``nbgrader_config.py`` for the course root, generated from course.yml's ``nbgrader:`` section.

Why each setting is there:

- course id, exchange root and gradebook URL come from course.yml, so one file configures the
  course. A relative SQLite path is taken relative to the course root (nbgrader would take it
  relative to wherever it is started). ``NBGRADER_DB_URL`` in the environment overrides the URL,
  so a PostgreSQL password can come from a Kubernetes secret instead of the committed file.
- ``Execute.timeout``: a cell that imports TensorFlow or trains the classifier takes far longer
  than nbgrader's 30-second default; course.yml's ``nbgrader.timeout_s`` sizes it.
- ``ClearSolutions.code_stub``: the same "write your code here" stub as ``exercises/``, in the
  course language. ``GenerateAssignment.preprocessors`` is nbgrader's own list with
  ``ClearSolutions`` swapped for ``grader.nbgrader.preprocessors.ClearSolutionsLikeStubs``,
  which clears answers by the rule of the ``exercises/`` stubs: nbgrader's would turn a module
  constant's solution (``TENSOR_ITEM_ASSIGNMENT_ERROR = TypeError``) into a bare ``raise`` and
  the release notebook would lose the name the graders read.
- TensorFlow's log noise must never zero a cell: the quiet-TF environment is set here, and the
  kernels nbgrader starts inherit it; ``grader.nbgrader.preprocessors.DropLogNoise`` removes what is
  left from stderr right after execution (nbgrader zeroes any test cell with stderr output).
- ``Autograde.autograde_preprocessors`` starts with the executor that course.yml's
  ``nbgrader.autograde`` chooses. ``sandbox`` (the default) is
  ``grader.nbgrader.secure.SandboxedAutograde``: student code runs only in the kit's sandbox,
  the graders in the trusted nbgrader process, and the test cells' outputs are written from
  their records, so a notebook cannot patch the graders or forge a score. ``stock`` is
  nbgrader's ``Execute``, which runs student code in the kernel that also runs the test cells:
  a notebook can replace ``run_tests`` there and take full points. The preprocessors after it
  are the same either way (``DropLogNoise`` finds no stderr to clean on the sandboxed path).
- ``Autograde.sanitize_preprocessors`` and ``Autograde.exporter_class`` (both paths): no
  submitted notebook can stop the batch. ``grader.nbgrader.preprocessors.RestoreCellMetadata`` takes
  the place of nbgrader's ``DeduplicateIds`` and gives every cell the gradebook's nbgrader
  metadata (a split or copied cell no longer ends the run in ``CheckCellMetadata``, nbgrader
  issue #1083); ``TolerantNotebookExporter`` grades a file that is not a notebook as a
  placeholder that scores 0, so the student's other notebooks are still graded.
- ``GenerateFeedback`` also clears hidden-test regions: the autograded notebook carries the
  hidden cells' source (nbgrader restores it from the gradebook), and the feedback HTML goes to
  students.
"""

from __future__ import annotations

from grader.build.stubs import WRITE_HERE
from grader.course.config import CourseConfig
from grader.course.messages import Msg
from grader.course.tfenv import QUIET_ENV

EXECUTORS = {
    "sandbox": "grader.nbgrader.secure.SandboxedAutograde",
    "stock": "nbgrader.preprocessors.Execute",
}
SANITIZE_PREPROCESSORS = (
    "nbgrader.preprocessors.ClearOutput",
    "grader.nbgrader.preprocessors.RestoreCellMetadata",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
)
EXPORTER = "grader.nbgrader.preprocessors.TolerantNotebookExporter"
AFTER_EXECUTION = (
    "grader.nbgrader.preprocessors.DropLogNoise",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
)
# nbgrader 0.9's GenerateAssignment.preprocessors, with the stub rule of exercises/ for answers
GENERATE_PREPROCESSORS = (
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "grader.nbgrader.preprocessors.ClearSolutionsLikeStubs",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
)
FEEDBACK_PREPROCESSORS = (
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
)
AUTOGRADE_NOTE = {
    "sandbox": "course.yml nbgrader.autograde: sandbox - student code runs only in the kit's sandbox.",
    "stock": "course.yml nbgrader.autograde: stock - UNSAFE: student code runs beside the test cells.",
}
ANSWER_HERE = Msg("여기에 답을 작성하세요", "Write your answer here")
KERNEL_STARTUP_TIMEOUT_S = 120  # a cold kernel on a busy hub node


def _list(items: tuple[str, ...]) -> str:
    return "[\n" + "".join(f"    {item!r},\n" for item in items) + "]"


def autograde_preprocessors(autograde: str) -> tuple[str, ...]:
    """nbgrader's autograde pipeline with the executor for course.yml's ``nbgrader.autograde``."""
    return (EXECUTORS[autograde], *AFTER_EXECUTION)


def render_nbgrader_config(config: CourseConfig) -> str:
    """The text of ``nbgrader_config.py`` for ``config`` (deterministic, for ``--check``)."""
    nb = config.nbgrader
    write_here = WRITE_HERE.render(config.course.language)
    stub = f'# {write_here}\nraise NotImplementedError("{write_here}")'
    quiet = "".join(f"    {key!r}: {value!r},\n" for key, value in QUIET_ENV.items())
    return f'''"""nbgrader settings for the course {config.course.id!r}.

Generated by `course build` from course.yml: edit course.yml and run `course build`, not this file.
Run nbgrader from this folder (the course root):
`nbgrader generate_assignment {nb.assignment}`, `nbgrader autograde {nb.assignment}`, ...
"""

import os

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
HERE = os.path.dirname(os.path.abspath(__file__))

# TensorFlow's log noise must never zero a test cell: kernels inherit this environment.
for _key, _value in {{
{quiet}}}.items():
    os.environ.setdefault(_key, _value)

c.CourseDirectory.root = HERE
c.CourseDirectory.course_id = {config.course.id!r}
_DB_URL = {nb.db_url!r}
if _DB_URL.startswith("sqlite:///") and not os.path.isabs(_DB_URL[len("sqlite:///"):]):
    _DB_URL = "sqlite:///" + os.path.join(HERE, _DB_URL[len("sqlite:///"):])
c.CourseDirectory.db_url = os.environ.get("NBGRADER_DB_URL", _DB_URL)
c.Exchange.root = {nb.exchange_root!r}

c.Execute.timeout = {nb.timeout_s!r}
c.Execute.startup_timeout = {KERNEL_STARTUP_TIMEOUT_S!r}
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
c.ClearSolutions.text_stub = {ANSWER_HERE.render(config.course.language)!r}
# Answers cleared as in exercises/: a module constant keeps its name (NAME = None).
c.GenerateAssignment.preprocessors = {_list(GENERATE_PREPROCESSORS)}
c.ClearSolutionsLikeStubs.language = {config.course.language!r}

# No notebook stops the batch: nbgrader metadata from the gradebook, unreadable files score 0.
c.Autograde.sanitize_preprocessors = {_list(SANITIZE_PREPROCESSORS)}
c.Autograde.exporter_class = {EXPORTER!r}

# {AUTOGRADE_NOTE[nb.autograde]}
c.Autograde.autograde_preprocessors = {_list(autograde_preprocessors(nb.autograde))}
c.GenerateFeedback.preprocessors = {_list(FEEDBACK_PREPROCESSORS)}
'''

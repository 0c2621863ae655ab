"""What nbgrader needs from this kit at autograde time (instructor side only).

Sanitizing, on both autograde paths (``Autograde.sanitize_preprocessors`` and ``exporter_class``
in the generated ``nbgrader_config.py``): no submitted notebook may stop the batch. nbgrader 0.9
ends the whole run when a cell's nbgrader metadata fails its check (a split cell or a copied
test cell is enough), and abandons a student's remaining notebooks when one file is not a
notebook. ``RestoreCellMetadata`` takes every cell's nbgrader metadata from the gradebook, and
``TolerantNotebookExporter`` grades an unreadable file as a placeholder that scores 0.

Log noise, on the stock path:

nbgrader's ``determine_grade`` gives a test cell 0 points as soon as any stderr stream output is
present, before it even looks at the cell's value. TensorFlow writes log lines and Python
warnings to stderr on its own, so a correct answer could score 0. ``DropLogNoise`` runs right
after ``Execute`` in ``Autograde.autograde_preprocessors`` and removes the log noise from every
code cell's stderr outputs; a stderr output with anything else in it (a real traceback printed
by hand, a student's own ``print(..., file=sys.stderr)``) keeps that part and still counts.

nbgrader's own ``IgnorePattern`` is not enough: it drops a whole stderr output whenever a
pattern matches anywhere in it, which would hide a real error printed after a log line.

Release notebooks (``GenerateAssignment.preprocessors``): ``ClearSolutionsLikeStubs`` clears the
answers by the rule that makes the ``exercises/`` stubs, so a module constant keeps its name.
"""

from __future__ import annotations

from typing import Any

import nbformat
from nbconvert.exporters import NotebookExporter
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import v4
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, Notebook
from nbgrader.preprocessors import ClearSolutions, NbGraderPreprocessor
from traitlets import Unicode

from grader.build.stubs import BEGIN, END, StubError, make_stub
from grader.course.config import ConfigError, find_config, load_config
from grader.course.messages import Msg
from grader.wire.lognoise import strip_log_noise


class DropLogNoise(NbGraderPreprocessor):
    """Remove TensorFlow/absl log lines and Python warnings from cells' stderr outputs."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        if cell.cell_type != "code":
            return cell, resources
        outputs = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                text = output.get("text", "")
                text = "".join(text) if isinstance(text, list) else str(text)
                kept = strip_log_noise(text)
                if not kept:
                    continue
                output["text"] = kept
            outputs.append(output)
        cell["outputs"] = outputs
        return cell, resources


# ---------------------------------------------------------------------- release notebooks
class ClearSolutionsLikeStubs(ClearSolutions):
    """nbgrader's ``ClearSolutions`` with the rule of the ``exercises/`` stubs (``make_stub``).

    nbgrader replaces a whole solution region with the code stub. Inside a function that is
    right, but a module-level region (``TENSOR_ITEM_ASSIGNMENT_ERROR = TypeError``) lost the
    name the graders read and became a ``raise`` that fails the cell on import. ``make_stub``
    keeps every name assigned there as ``NAME = None  # 여기에 코드를 작성하세요`` and stubs
    function bodies exactly as nbgrader would, so a release notebook and its ``.py`` stub hold
    the same stub code. A code cell whose markers are not the exact ``### BEGIN SOLUTION`` /
    ``### END SOLUTION`` lines ``make_stub`` reads is left to nbgrader's own rule, so no
    region nbgrader would clear is ever kept.
    """

    language = Unicode(
        "ko", help="Course language of the stub text (course.yml course.language)."
    ).tag(config=True)

    def _replace_solution_region(self, cell: NotebookNode, language: str) -> bool:
        delimiters = (self.begin_solution_delimeter, self.end_solution_delimeter)
        marked = [ln.strip() for ln in cell.source.split("\n") if any(d in ln for d in delimiters)]
        exact = marked and all(line in (BEGIN, END) for line in marked)
        if cell.cell_type != "code" or language != "python" or not exact:
            return super()._replace_solution_region(cell, language)
        try:
            stub = make_stub(cell.source, self.language, source=f"cell {cell.get('id', '?')}")
        except StubError as exc:
            raise RuntimeError(str(exc)) from exc  # how nbgrader reports unbalanced markers
        cell.source = stub if cell.source.endswith("\n") else stub.removesuffix("\n")
        return True


# ---------------------------------------------------------------------- sanitizing submissions
UNREADABLE_NOTEBOOK = Msg(
    "**제출한 노트북 `{name}.ipynb`을 노트북으로 읽을 수 없어 이 노트북은 0점입니다** "
    "(파일이 깨졌거나 JSON이 아닙니다). JupyterLab에서 노트북을 열어 다시 저장한 뒤 제출하세요.",
    "**The submitted notebook `{name}.ipynb` cannot be read as a notebook, so it scores 0** "
    "(the file is damaged or not JSON). Open it in JupyterLab, save it again and resubmit.",
)


def _language() -> str:
    """The course language from course.yml (nbgrader runs in the course root), else Korean."""
    try:
        return load_config(find_config()).course.language
    except ConfigError:
        return "ko"


def _gradebook_metadata(notebook: Notebook) -> dict[str, dict[str, Any]]:
    """grade_id → the nbgrader metadata ``generate_assignment`` gave that cell (schema v3)."""
    graded = {cell.name: float(cell.max_score) for cell in notebook.grade_cells}
    tasks = {cell.name: float(cell.max_score) for cell in notebook.task_cells}
    solutions = {cell.name for cell in notebook.solution_cells}
    known = {}
    for cell in notebook.source_cells:
        meta: dict[str, Any] = {
            "grade": cell.name in graded,
            "grade_id": cell.name,
            "locked": bool(cell.locked),
            "schema_version": 3,
            "solution": cell.name in solutions,
            "task": cell.name in tasks,
        }
        if cell.name in graded or cell.name in tasks:
            meta["points"] = graded.get(cell.name, tasks.get(cell.name))
        known[cell.name] = meta
    return known


class RestoreCellMetadata(NbGraderPreprocessor):
    """Sanitizing step: a cell's nbgrader metadata comes from the gradebook, never the submission.

    Replaces nbgrader's ``DeduplicateIds``, with its rule (of several cells with one grade id,
    the last keeps it) but without its flaw: it leaves ``"nbgrader": {}`` on the others, which
    ``CheckCellMetadata`` rejects as an outdated schema, and nbgrader 0.9 then stops the whole
    autograde run (nbgrader issue #1083). Any JupyterLab notebook can get there: a split cell or a
    copied test cell carries the metadata twice. Here a cell whose grade id the gradebook knows
    gets that cell's metadata back (whatever the student edited: points, grade/solution flags,
    schema version); every other cell loses its nbgrader metadata and becomes a plain cell, which
    runs as code and is graded as nothing. ``OverwriteCells`` then restores sources and
    checksums as usual, and ``CheckCellMetadata`` can no longer fail.
    """

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            known = _gradebook_metadata(notebook)
        seen: set[str] = set()
        for index in reversed(range(len(nb.cells))):
            metadata = nb.cells[index].get("metadata")
            if not isinstance(metadata, dict) or "nbgrader" not in metadata:
                continue
            meta = metadata["nbgrader"]
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if not isinstance(grade_id, str) or grade_id not in known:
                why = "not a cell of this notebook in the gradebook"
            elif grade_id in seen:
                why = "a later cell has this id"
            else:
                why = ""
            if why:
                self.log.warning(
                    "%s/%s cell %d: nbgrader metadata dropped (grade id %r: %s)",
                    info.get("student"), info["notebook"], index + 1, grade_id, why,
                )  # fmt: skip
                del metadata["nbgrader"]
                continue
            seen.add(grade_id)
            checksum = meta.get("checksum")
            metadata["nbgrader"] = NotebookNode(known[grade_id])
            if isinstance(checksum, str):
                metadata["nbgrader"]["checksum"] = checksum  # OverwriteCells sets the real one
        return nb, resources


def unreadable_placeholder(resources: ResourcesDict, language: str) -> NotebookNode:
    """What is graded instead of a file that is not a notebook: a note to the student and the
    notebook's test cells from the gradebook, with no answer, so every test fails and the
    notebook scores 0 on either path, while the student's other notebooks are graded as usual."""
    info = resources["nbgrader"]
    placeholder = v4.new_notebook()
    note = UNREADABLE_NOTEBOOK.render(language).format(name=info["notebook"])
    placeholder.cells.append(v4.new_markdown_cell(note))
    with Gradebook(info["db_url"]) as gradebook:
        notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
        known = _gradebook_metadata(notebook)
        sources = {cell.name: cell.source for cell in notebook.source_cells}
    for grade_id in sorted(known):
        meta = known[grade_id]
        if meta["grade"] and not meta["solution"]:
            cell = v4.new_code_cell(sources[grade_id])
            cell.metadata["nbgrader"] = meta
            placeholder.cells.append(cell)
    return placeholder


class TolerantNotebookExporter(NotebookExporter):
    """nbgrader's exporter for ``autograde``, except for a file that cannot be read as a notebook.

    nbgrader reads each submitted notebook before any preprocessor runs; one that is not valid
    JSON (or not a notebook) raises there, and nbgrader abandons the student's remaining
    notebooks and removes the ones already graded. Here such a file is replaced by
    ``unreadable_placeholder``: that notebook scores 0 with a note saying why, and the others are
    graded as usual. What reading raises varies with the damage (``NotJSONError``,
    ``UnicodeDecodeError``, ``RecursionError``, ``KeyError`` for a JSON that is no notebook, ...),
    so every failure to read counts; the error goes to nbgrader's log.
    """

    def from_file(
        self, file_stream: Any, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[NotebookNode, dict[str, Any]]:
        try:
            nb = nbformat.read(file_stream, as_version=4)
        except Exception as exc:  # any damage: the placeholder scores 0, the batch goes on
            if resources is None or "nbgrader" not in resources:
                raise
            self.log.error(
                "%s/%s.ipynb is not a readable notebook (%s: %.200s); it scores 0",
                resources["nbgrader"].get("student"), resources["nbgrader"]["notebook"],
                type(exc).__name__, exc,
            )  # fmt: skip
            nb = unreadable_placeholder(resources, _language())
        return self.from_notebook_node(nb, resources=resources, **kw)

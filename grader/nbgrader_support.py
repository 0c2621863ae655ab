"""What the stock nbgrader needs from this kit at autograde time (instructor side only).

nbgrader's ``determine_grade`` gives a test cell 0 points as soon as any stderr stream output is
present, before it even looks at the cell's value. TensorFlow writes log lines and Python
warnings to stderr on its own, so a correct answer could score 0. ``DropLogNoise`` runs right
after ``Execute`` in ``Autograde.autograde_preprocessors`` and removes the log noise from every
code cell's stderr outputs; a stderr output with anything else in it (a real traceback printed
by hand, a student's own ``print(..., file=sys.stderr)``) keeps that part and still counts.

nbgrader's own ``IgnorePattern`` is not enough: it drops a whole stderr output whenever a
pattern matches anywhere in it, which would hide a real error printed after a log line.
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from grader.lognoise import strip_log_noise


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

"""nbgrader's Validate button, showing the graders' Korean hints (student servers on the hub).

nbgrader's own Validate reports a test cell that earned partial credit as "Partial credit;
passed some but not all of the tests": the report the kit's test cells print (which test
failed, and the hint, e.g. "tape.watch를 호출했나요?") is on stdout, which nbgrader's validator
never shows. This server extension serves the same URL (``/assignments/validate``) with a
validator that puts that report first. The student servers enable it instead of
``nbgrader.server_extensions.validate_assignment`` (``grader.hub.render.server_extensions``);
the lab extension's button is unchanged.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.server_extensions.validate_assignment.handlers import (
    NbGraderVersionHandler,
    ValidateAssignmentHandler,
)
from nbgrader.validator import Validator
from tornado import web


class ValidatorWithHints(Validator):
    """nbgrader's validator; a failed test cell's error starts with what the cell printed."""

    def _extract_error(self, cell: NotebookNode) -> str:
        error = super()._extract_error(cell)
        if cell.cell_type != "code" or not utils.is_grade(cell):
            return error
        printed = "".join(
            output.get("text", "")
            for output in cell.outputs
            if output.output_type == "stream" and output.name == "stdout"
        ).strip()
        return f"{printed}\n\n{error}" if printed else error


class ValidateWithHintsHandler(ValidateAssignmentHandler):
    def validate_notebook(self, path: str) -> dict[str, Any]:
        root = Path(self.root_dir).resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            raise web.HTTPError(403, "Access denied: path outside allowed directory")
        try:
            result = ValidatorWithHints(config=self.load_config()).validate(str(target))
        except Exception:  # nbgrader's handler, too, hands any failure to the page as text
            self.log.error(traceback.format_exc())
            return {"success": False, "value": traceback.format_exc()}
        return {"success": True, "value": result}


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "grader.hub.validate_ext"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    web_app = server_app.web_app
    base = web_app.settings["base_url"]
    web_app.settings["root_dir"] = server_app.root_dir
    handlers = [
        (url_path_join(base, r"/assignments/validate"), ValidateWithHintsHandler),
        (url_path_join(base, r"/nbgrader_version"), NbGraderVersionHandler),
    ]
    web_app.add_handlers(".*$", handlers)

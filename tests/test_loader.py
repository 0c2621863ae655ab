"""``grader.student.loader``: valid work is accepted, and notebooks run as a kernel runs them.

Fast, in-process checks of the conversion itself; ``test_notebook_sandbox.py`` grades the same
shapes in the sandbox, and ``test_nbgrader_batch.py`` through nbgrader.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from grader.course.config import ConfigError, CourseConfig, parse_config
from grader.student.loader import (
    MAX_CODE_BYTES,
    LoadError,
    load_seconds,
    notebook_to_source,
    source_from_bytes,
    source_limit,
)


def run_notebook(*sources: str, name: str = "ex01_tensors.ipynb") -> dict:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    namespace: dict = {}
    exec(source_from_bytes(nbformat.writes(notebook).encode(), name), namespace)
    return namespace


# ---------------------------------------------------------------------- PEP 263
@pytest.mark.parametrize("codec", ["cp949", "euc-kr", "latin-1", "utf-8"])
def test_py_file_is_decoded_as_python_decodes_it(codec: str) -> None:
    text = f"# -*- coding: {codec} -*-\nGREETING = {'안녕' if codec != 'latin-1' else 'café'!r}\n"
    namespace: dict = {}
    exec(source_from_bytes(text.encode(codec), "ex01_tensors.py"), namespace)
    assert namespace["GREETING"] in ("안녕", "café")


def test_bom_and_crlf_still_accepted() -> None:
    raw = "\ufeffX = 1\r\nY = 2\r\n".encode()
    assert source_from_bytes(raw, "ex01_tensors.py") == "X = 1\nY = 2\n"


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("X = '안녕'\n".encode("cp949"), "인코딩을 알 수 없습니다"),  # no coding line
        (b"# coding: klingon\nX = 1\n", "unknown encoding: klingon"),
        (b"# coding: utf-8\n\n\nX = '\xff'\n", "UTF-8 텍스트가 아닙니다 (바이트"),
    ],
)
def test_undecodable_py_file_says_why(raw: bytes, said: str) -> None:
    with pytest.raises(LoadError, match=r"ex01_tensors\.py") as caught:
        source_from_bytes(raw, "ex01_tensors.py")
    assert said in str(caught.value)


# ---------------------------------------------------------------------- IPython input
def test_ipython_forms_run_as_in_a_kernel(capsys: pytest.CaptureFixture[str]) -> None:
    namespace = run_notebook(
        "values = [3, 1, 2]\ndisplay(values)\nvalues.sort?\nsorted??\n?len\nafter_help = True",
        "%timeit sorted(values)\n%matplotlib inline\n%load_ext autoreload\nafter_magics = True",
        "%%time\ndef timed():\n    return 'defined under %%time'\n",
        "%%capture\ncaptured = True",
        "elapsed = %time 6 * 7",
        "listing = !ls\n!pip install nothing\nafter_shell = True",
    )
    assert namespace["after_help"] and namespace["after_magics"] and namespace["after_shell"]
    assert namespace["timed"]() == "defined under %%time" and namespace["captured"]
    assert namespace["elapsed"] == 42 and namespace["listing"] == []
    assert "[3, 1, 2]" in capsys.readouterr().out  # display shows the repr


def test_percent_and_bang_lines_inside_an_expression_are_code() -> None:
    namespace = run_notebook(
        "remainder = (17\n% 5)",
        "differs = (1\n!= 2)",
        "text = '''\n%not a magic\n!not a shell line\n'''",
    )
    assert namespace["remainder"] == 2 and namespace["differs"] is True
    assert namespace["text"] == "\n%not a magic\n!not a shell line\n"


def test_shell_lines_and_cell_magics_never_run_a_command(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    namespace = run_notebook(
        f"!touch {marker}",
        f"%%bash\ntouch {marker}\n",
        f"%%writefile {marker}\ntext\n",
        f"%system touch {marker}",
        f"get_ipython().system('touch {marker}')\nstill_here = True",
    )
    assert namespace["still_here"] and not marker.exists()


def test_notebook_may_use_its_own_display() -> None:
    namespace = run_notebook(
        "def display(*objects):\n    global shown\n    shown = objects", "display(1, 2)"
    )
    assert namespace["shown"] == (1, 2)


# ---------------------------------------------------------------------- size and time budget
def _notebook_bytes(code: str, output_bytes: int) -> bytes:
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(code)
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "A" * output_bytes})]
    notebook.cells = [cell, nbformat.v4.new_code_cell("y = 2")]
    return nbformat.writes(notebook).encode()


def test_notebook_size_cap_counts_code_not_outputs() -> None:
    raw = _notebook_bytes("x = 1", 6 * 1024 * 1024)  # 6 MB of plots
    assert len(raw) > MAX_CODE_BYTES and len(raw) < source_limit("ex06_linear_classifier.ipynb")
    namespace: dict = {}
    exec(source_from_bytes(raw, "ex06_linear_classifier.ipynb"), namespace)
    assert (namespace["x"], namespace["y"]) == (1, 2)
    assert source_limit("ex06_linear_classifier.py") == MAX_CODE_BYTES
    too_much_code = _notebook_bytes("#" * (MAX_CODE_BYTES + 1), 0)
    with pytest.raises(LoadError, match="코드 셀이 모두 4 MB를 넘습니다"):
        source_from_bytes(too_much_code, "ex06_linear_classifier.ipynb")


def test_deeply_nested_notebook_json_is_a_load_error() -> None:
    with pytest.raises(LoadError, match="너무 깊게 중첩"):
        notebook_to_source("[" * 100_000 + "]" * 100_000, "ex01_tensors.ipynb")


def test_notebook_load_gets_a_budget_per_code_cell() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1") for _ in range(3)]
    notebook.cells.append(nbformat.v4.new_markdown_cell('"cell_type": "code"'))
    raw = nbformat.writes(notebook).encode()
    assert load_seconds("ex01_tensors.ipynb", raw, 20, 300) == 900
    minified = json.dumps(json.loads(raw), separators=(",", ":")).encode()
    assert load_seconds("ex01_tensors.ipynb", minified, 20, 300) == 900
    assert load_seconds("ex01_tensors.ipynb", b"{}", 20, 300) == 20
    assert load_seconds("ex01_tensors.py", b"x = 1", 20, 300) == 20


def test_cell_budget_is_configured_and_validated(config: CourseConfig) -> None:
    assert config.grading.timeouts.cell_s == config.nbgrader.timeout_s  # as the stock kernel
    text = (Path(__file__).resolve().parent.parent / "course.yml").read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match=r"grading\.timeouts\.cell_s"):
        parse_config(text.replace("cell_s: 300", "cell_s: 0"))

"""Hostile students against the sandboxed ``course grade``.

One ``grade_class`` batch grades many adversarial students at once (to keep CI time low); each
test then reads one student's results.json. Every hostile student also submits correct reference
files for other exercises, so each test can check that only the attacked exercise (or function)
is affected. Two smaller batches check determinism and that SIGTERM/SIGINT leave no partial
files or orphan processes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import load_config
from grader.grading.batch import grade_class
from grader.grading.scoring import format_points
from tests.batch_helpers import course_file, processes_in_session

# Graders lease their sandbox uids (grader.sandbox.slots), so batches side by side are safe; one
# xdist worker still runs this whole module (``--dist loadgroup`` in the Makefile) so that its
# short time limits are not met by a machine busy with two of these batches, and the orphan check
# of the interruption test knows which uids its batch leased (the first free ones of its base).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(name="sandbox-adversarial")]
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
UID_BASE = 61500 + 20 * _WORKER  # distinct from course.yml's and from other xdist workers'
CLI_UID_BASE = 62500 + 20 * _WORKER
EX01, EX02, EX03 = "ex01_tensors", "ex02_assign", "ex03_tensor_ops"
HIDDEN_MARKER = "def test_listing_3_9_book_example"  # text only the hidden grader contains
SECRET = "HONEST-STUDENT-SECRET-7f3a"
ENV_SECRET = "HUB-TOKEN-SECRET-51c9"  # in the grader's environment, like a hub API token


def solution(exercise: str) -> str:
    return (SOLUTIONS / f"{exercise}.py").read_text(encoding="utf-8")


def fast_config(uid_base: int = UID_BASE):
    config = load_config(ROOT / "course.yml")
    grading = config.grading
    return config.model_copy(
        update={
            "grading": grading.model_copy(
                update={
                    "timeouts": grading.timeouts.model_copy(
                        update={"call_s": 3, "import_s": 5, "student_s": 60}
                    ),
                    "limits": grading.limits.model_copy(update={"memory_mb": 3072}),
                    "sandbox_uid_base": uid_base,
                }
            )
        }
    )


# --------------------------------------------------------------------------- hostile code
def with_suffix(exercise: str, code: str) -> str:
    """The reference solution with hostile code appended (redefinitions win)."""
    return solution(exercise) + "\n\n" + code + "\n"


def hostile_students(subs: Path, out: Path, port: int) -> dict[str, dict[str, str]]:
    hidden_grader = ROOT / "grader" / "graders" / "hidden" / f"test_{EX03}.py"
    return {
        "honest": {
            EX01: solution(EX01) + f"\n# {SECRET}\n",
            EX02: solution(EX02),
            EX03: solution(EX03),
        },
        "exit_at_import": {EX01: with_suffix(EX01, "import os\nos._exit(3)"), EX03: solution(EX03)},
        "exit_in_function": {
            EX01: solution(EX01),
            EX03: with_suffix(
                EX03,
                "def square(x):\n    import sys\n    sys.exit(3)\n\n\n"
                "def matmul(a, b):\n    import os\n    os._exit(0)",
            ),
        },
        "loop_at_import": {EX01: with_suffix(EX01, "while True:\n    pass"), EX03: solution(EX03)},
        "loop_in_function": {
            EX01: solution(EX01),
            EX03: with_suffix(EX03, "def add(a, b):\n    while True:\n        pass"),
        },
        "memory_bomb": {
            EX01: with_suffix(EX01, "HOARD = bytearray(10**11)"),
            EX02: solution(EX02),
            EX03: with_suffix(
                EX03,
                "import numpy as np\n\n\ndef multiply(a, b):\n    hoard = []\n    while True:\n"
                "        hoard.append(np.empty(10**8))",
            ),
        },
        "output_flood": {
            EX01: solution(EX01),
            EX03: with_suffix(
                EX03,
                "for _ in range(200):\n    print('x' * 10**6)\n\n\n"
                "def square(x):\n    for _ in range(20):\n        print('y' * 10**6)\n"
                "    return tf.square(x)",
            ),
        },
        "flood_forever": {
            EX01: solution(EX01),
            EX03: with_suffix(EX03, "def add(a, b):\n    while True:\n        print('z' * 10**5)"),
        },
        "syntax_error": {EX01: "def make_ones(shape:\n    return 1\n", EX03: solution(EX03)},
        "add_n_for_add": {
            EX01: solution(EX01),
            EX03: with_suffix(EX03, "def add(a, b):\n    return tf.add_n([a, b])"),
        },
        "missing_file": {EX03: solution(EX03)},
        "forger": {
            EX01: solution(EX01),
            EX03: with_suffix(EX03, forger_code(subs, out)),
        },
        "monkeypatcher": {EX01: solution(EX01), EX03: with_suffix(EX03, MONKEYPATCH_CODE)},
        "always_equal": {EX01: solution(EX01), EX03: with_suffix(EX03, ALWAYS_EQUAL_CODE)},
        "snooper": {
            EX01: solution(EX01),
            EX03: with_suffix(EX03, snooper_code(hidden_grader, subs)),
        },
        "daemon": {EX01: solution(EX01), EX03: with_suffix(EX03, DAEMON_CODE)},
        "env_reader": {
            EX01: solution(EX01),
            EX03: with_suffix(EX03, "import os\nprint('ENV', sorted(os.environ.items()))"),
        },
        "network": {
            EX01: solution(EX01),
            EX03: with_suffix(
                EX03,
                "import socket\ntry:\n"
                f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n"
                "    print('NET-CONNECTED')\nexcept OSError as exc:\n"
                "    print('NET-BLOCKED', type(exc).__name__)",
            ),
        },
    }


def forger_code(subs: Path, out: Path) -> str:
    targets = [
        ".", "..", "../..", "../../..", "/", "/tmp", str(out), str(out / "forger"), str(subs),
        str(subs / "forger"), str(subs / "honest"),
    ]  # fmt: skip
    return f"""
import json as _json
import os as _os

_FAKE = _json.dumps({{"score": 1000, "max_score": 100, "tests": [], "extra_data": {{}}}})
for _folder in {targets!r}:
    for _name, _text in (("results.json", _FAKE), ("grades.csv", "student,total\\nforger,1000\\n")):
        _path = _os.path.join(_folder, _name)
        try:
            with open(_path, "w") as _handle:
                _handle.write(_text)
            print("FORGE-OK", _os.path.realpath(_path))
        except OSError as _exc:
            print("FORGE-FAIL", _path, type(_exc).__name__)
"""


MONKEYPATCH_CODE = """
import builtins
import numpy as np

np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
builtins.all = lambda *a, **k: True
builtins.abs = lambda x: 0
try:
    import pytest
    pytest.approx = lambda *a, **k: a[0]
    pytest.fail = lambda *a, **k: None
except Exception:
    pass
try:
    import grader.graders.checks as _assertions
    for _name in dir(_assertions):
        if _name.startswith(("expect", "fail")):
            setattr(_assertions, _name, lambda *a, **k: None)
except Exception:
    pass


def square(x):
    return x + 1000.0


def sqrt(x):
    return x + 1000.0


def add(a, b):
    return a + b + 1000.0


def multiply(a, b):
    return a * b + 1000.0


def matmul(a, b):
    return tf.matmul(a, b) + 1000.0


def listing_3_9(a):
    return a + 1000.0
"""

ALWAYS_EQUAL_CODE = """
import numpy as np


class Liar:
    def __init__(self, like):
        self.shape = like.shape
        self.dtype = tf.float32
        self.device = "/job:localhost/replica:0/task:0/device:CPU:0"

    __class__ = property(lambda self: tf.Tensor)

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def numpy(self):
        return np.zeros(self.shape, np.float32)

    def __array__(self, *args, **kwargs):
        return np.zeros(self.shape, np.float32)

    def __bool__(self):
        return True


def square(x):
    return Liar(x)


def sqrt(x):
    return Liar(x)


def add(a, b):
    return Liar(a)


def multiply(a, b):
    return Liar(a)


def matmul(a, b):
    return Liar(tf.matmul(a, b))


def listing_3_9(a):
    return Liar(a)
"""


def snooper_code(hidden_grader: Path, subs: Path) -> str:
    reads = [str(hidden_grader), str(SOLUTIONS / f"{EX03}.py"), str(subs / "honest" / f"{EX01}.py")]
    folders = [str(hidden_grader.parent), str(SOLUTIONS), str(subs), str(subs / "honest")]
    writes = [str(subs / "honest" / f"{EX01}.py"), str(subs / "honest" / "planted.py")]
    return f"""
import os as _os

for _path in {reads!r}:
    try:
        with open(_path, encoding="utf-8") as _handle:
            print("READ-OK", _path, _handle.read())
    except Exception as _exc:
        print("READ-FAIL", _path, type(_exc).__name__)
for _folder in {folders!r}:
    try:
        print("LIST-OK", _folder, _os.listdir(_folder))
    except Exception as _exc:
        print("LIST-FAIL", _folder, type(_exc).__name__)
for _path in {writes!r}:
    try:
        with open(_path, "w", encoding="utf-8") as _handle:
            _handle.write("def make_ones(shape):\\n    return None\\n")
        print("WRITE-OK", _path)
    except Exception as _exc:
        print("WRITE-FAIL", _path, type(_exc).__name__)
"""


DAEMON_CODE = """
import os as _os
import subprocess as _subprocess
import time as _time

try:
    _subprocess.Popen(["sleep", "1000"], start_new_session=True)
    print("POPEN-OK")
except Exception as _exc:
    print("POPEN-FAIL", type(_exc).__name__)
try:
    _pid = _os.fork()
    if _pid == 0:
        _os.setsid()
        if _os.fork() == 0:
            while True:
                _time.sleep(0.5)
        _os._exit(0)
    _os.waitpid(_pid, 0)
    print("DAEMON-OK")
except Exception as _exc:
    print("DAEMON-FAIL", type(_exc).__name__)
"""


# --------------------------------------------------------------------------- helpers
def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its SHA-256 (and every folder), to compare before/after."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        found[key] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return found


def write_class(subs: Path, students: dict[str, dict[str, str]]) -> None:
    for student, files in students.items():
        folder = subs / student
        folder.mkdir(parents=True)
        for exercise, text in files.items():
            (folder / f"{exercise}.py").write_text(text, encoding="utf-8")


def load(out: Path, student: str) -> dict[str, Any]:
    return json.loads((out / student / "results.json").read_text(encoding="utf-8"))


def exercise(results: dict[str, Any], ex: str) -> dict[str, Any]:
    return results["extra_data"]["exercises"][ex]


def graded_tests(results: dict[str, Any], ex: str) -> list[dict[str, Any]]:
    return [t for t in results["tests"] if t["extra_data"]["exercise"] == ex]


def full(results: dict[str, Any], ex: str) -> bool:
    scores = exercise(results, ex)
    return scores["score"] == scores["max_score"] > 0


def messages(results: dict[str, Any], ex: str) -> list[str]:
    return [t["output"] for t in graded_tests(results, ex) if t.get("status") == "failed"]


def categories(results: dict[str, Any], ex: str) -> list[str]:
    """Why each failed test of ``ex`` failed (``extra_data.failure_category``)."""
    failed = [t for t in graded_tests(results, ex) if t.get("status") == "failed"]
    return [t["extra_data"]["failure_category"] for t in failed]


def assert_only(results: dict[str, Any], zeroed: str, full_marks: list[str], category: str) -> None:
    """``zeroed`` scored 0, every test of it failed for ``category``; ``full_marks`` are
    untouched."""
    assert exercise(results, zeroed)["score"] == 0, exercise(results, zeroed)
    failed = categories(results, zeroed)
    assert failed and len(failed) == len(graded_tests(results, zeroed))
    assert set(failed) == {category}, (failed, messages(results, zeroed)[:2])
    for ex in full_marks:
        assert full(results, ex), (ex, exercise(results, ex), messages(results, ex)[:2])


def assert_only_functions_fail(results: dict[str, Any], ex: str, failing: dict[str, str]) -> None:
    """In ``ex``, a test whose name mentions a function of ``failing`` failed for that
    function's failure category; every other test passed."""
    for test in graded_tests(results, ex):
        name = test["extra_data"]["test"]
        category = next((c for function, c in failing.items() if function in name), None)
        if category is None:
            assert test["status"] == "passed", test
        else:
            assert test["status"] == "failed", test
            assert test["extra_data"]["failure_category"] == category, test


def sandbox_processes(uids: range) -> list[str]:
    """Processes (pid, uid, command line) that run under one of ``uids``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        uid_line = next((line for line in status.splitlines() if line.startswith("Uid:")), "")
        uids_of = {int(u) for u in uid_line.split()[1:]}
        if uids_of & set(uids):
            found.append(f"{entry} uid={sorted(uids_of)} {cmdline.decode(errors='replace')}")
    return found


def stray_sleeps() -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if cmdline == b"sleep\x001000\x00":
                found.append(entry)
    return found


def wait_until(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


# --------------------------------------------------------------------------- the batch
class Listener:
    """A TCP server on 127.0.0.1 that records every connection it accepts."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.accepted: list[Any] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, address = self.server.accept()
            except OSError:
                continue
            self.accepted.append(address)
            connection.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.server.close()


FIXED_PATHS = [
    Path(p) for p in ("/tmp/results.json", "/tmp/grades.csv", "/results.json", "/grades.csv")
]


def _state(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("adversarial")
    subs, out = base / "submissions", base / "out"
    listener = Listener()
    try:
        write_class(subs, hostile_students(subs, out, listener.port))
        before = snapshot(subs)
        fixed_before = {p: _state(p) for p in FIXED_PATHS}
        started = time.monotonic()
        os.environ["JUPYTERHUB_API_TOKEN"] = ENV_SECRET
        summary = grade_class(
            fast_config(), ROOT, subs, out, workers=2, force=False, gpu=False
        )  # fmt: skip
        seconds = time.monotonic() - started
        time.sleep(0.5)  # let the kernel finish reaping
    finally:
        os.environ.pop("JUPYTERHUB_API_TOKEN", None)
        listener.close()
    return {
        "subs": subs,
        "out": out,
        "summary": summary,
        "seconds": seconds,
        "before": before,
        "after": snapshot(subs),
        "fixed_before": fixed_before,
        "fixed_after": {p: _state(p) for p in FIXED_PATHS},
        "connections": list(listener.accepted),
        "processes": sandbox_processes(range(UID_BASE, UID_BASE + 2)),
        "sleeps": stray_sleeps(),
    }


def test_batch_completes(batch: dict[str, Any]) -> None:
    summary = batch["summary"]
    assert not summary.failed_workers
    students = sorted(p.name for p in batch["subs"].iterdir())
    assert sorted(summary.graded) == students
    rows = list(csv.DictReader((batch["out"] / "grades.csv").open(encoding="utf-8-sig")))[1:]
    assert sorted(r["student"] for r in rows) == students  # after the row of maximum points
    for row in rows:
        assert row["total"] == format_points(load(batch["out"], row["student"])["score"])
    print(f"adversarial batch: {len(students)} students in {batch['seconds']:.1f}s")


def test_honest_student_unaffected(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "honest")
    for ex in (EX01, EX02, EX03):
        assert full(results, ex), (ex, messages(results, ex)[:2])


def test_os_exit_at_import(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "exit_at_import")
    assert_only(results, EX01, [EX03], "crash")


def test_exit_inside_one_function(batch: dict[str, Any]) -> None:
    """sys.exit in square and os._exit in matmul fail only the tests that call them."""
    results = load(batch["out"], "exit_in_function")
    assert full(results, EX01)
    assert_only_functions_fail(results, EX03, {"square": "exception", "matmul": "crash"})
    square = [t for t in graded_tests(results, EX03) if "square" in t["extra_data"]["test"]]
    first, *rest = [t for t in square if t["status"] == "failed"]
    assert "SystemExit" in first["output"], first  # once; the other tests point to it
    assert all(t["extra_data"]["same_cause_as"] == first["extra_data"]["test"] for t in rest)
    assert 0 < exercise(results, EX03)["score"] < exercise(results, EX03)["max_score"]


def test_endless_loop_at_import(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "loop_at_import")
    assert_only(results, EX01, [EX03], "timeout")


def test_endless_loop_in_one_function(batch: dict[str, Any]) -> None:
    """add times out; the other functions of ex03 still pass in a fresh child."""
    results = load(batch["out"], "loop_in_function")
    assert full(results, EX01)
    assert_only_functions_fail(results, EX03, {"add": "timeout"})


def test_memory_bomb(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "memory_bomb")
    assert full(results, EX02)
    assert_only(results, EX01, [EX02], "memory")
    assert_only_functions_fail(results, EX03, {"multiply": "memory"})


def test_output_flood_is_truncated_not_penalised(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "output_flood")
    assert full(results, EX03) and full(results, EX01), messages(results, EX03)[:2]
    output = exercise(results, EX03)["output"]
    assert output.endswith("(출력이 잘렸습니다)")
    assert len(output) < 200 * 1024
    assert len(json.dumps(results)) < 2 * 1024 * 1024


def test_endless_output_in_one_function(batch: dict[str, Any]) -> None:
    """A function that prints forever times out; its output is capped; the rest pass."""
    results = load(batch["out"], "flood_forever")
    assert full(results, EX01)
    assert_only_functions_fail(results, EX03, {"add": "timeout"})
    output = exercise(results, EX03)["output"]
    assert output.endswith("(출력이 잘렸습니다)") and len(output) < 200 * 1024


def test_syntax_error(batch: dict[str, Any]) -> None:
    """Reported once, on the exercise's first test; every other test points there."""
    results = load(batch["out"], "syntax_error")
    assert_only(results, EX01, [EX03], "load")
    first, *rest = [t for t in graded_tests(results, EX01) if t.get("status") == "failed"]
    assert "SyntaxError" in first["output"] and "1행" in first["output"], first["output"]
    assert rest and all(t["extra_data"]["same_cause_as"] == first["extra_data"]["test"]
                        and "SyntaxError" not in t["output"] for t in rest)  # fmt: skip


def test_an_exception_in_the_sandbox_gets_its_hint_and_line(batch: dict[str, Any]) -> None:
    """The child has the student's source, not their file: the line is quoted all the same."""
    results = load(batch["out"], "add_n_for_add")
    assert_only_functions_fail(results, EX03, {"add": "exception"})
    first = next(m for m in messages(results, EX03) if "add_n" in m)
    assert first.startswith("tf.add_n은 shape이 모두 같은 텐서만"), first
    assert "(add): return tf.add_n([a, b])" in first and "/" not in first.split("줄:")[1]


def test_missing_file(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "missing_file")
    assert_only(results, EX01, [EX03], "no_file")
    assert exercise(results, EX01)["file"] is None


def test_forged_results_change_nothing(batch: dict[str, Any]) -> None:
    out = batch["out"]
    results = load(out, "forger")
    assert full(results, EX01) and full(results, EX03)
    assert results["score"] == exercise(results, EX01)["score"] + exercise(results, EX03)["score"]
    output = exercise(results, EX03)["output"]
    # every write failed; the student's own output names the grader's folders only as "…"
    for folder in ("…", "…/forger"):
        assert f"FORGE-FAIL {folder}/results.json" in output, output
    assert str(out) not in output and str(batch["subs"]) not in output
    # /tmp writes land in the child's private /tmp, which dies with it
    assert batch["fixed_before"] == batch["fixed_after"]
    assert not (out / "results.json").exists()
    assert "1000" not in (out / "grades.csv").read_text(encoding="utf-8")
    assert batch["before"] == batch["after"]  # the submissions folder is byte-for-byte unchanged


def test_monkeypatching_has_no_effect(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "monkeypatcher")
    assert full(results, EX01)
    assert exercise(results, EX03)["score"] == 0, messages(results, EX03)


def test_always_equal_objects_do_not_pass(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "always_equal")
    assert full(results, EX01)
    assert exercise(results, EX03)["score"] == 0, messages(results, EX03)


def test_hidden_graders_and_other_students_are_unreadable(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "snooper")
    assert full(results, EX01) and full(results, EX03)
    text = json.dumps(results, ensure_ascii=False)
    output = exercise(results, EX03)["output"]
    assert "READ-FAIL" in output and "WRITE-FAIL" in output
    for marker in ("READ-OK", "WRITE-OK", HIDDEN_MARKER, "### BEGIN SOLUTION", SECRET):
        assert marker not in text, output
    assert "LIST-OK" not in output or all(
        line.endswith("[]") for line in output.splitlines() if line.startswith("LIST-OK")
    ), output
    assert (
        (batch["subs"] / "honest" / f"{EX01}.py")
        .read_text(encoding="utf-8")
        .endswith(f"# {SECRET}\n")
    )
    assert not (batch["subs"] / "honest" / "planted.py").exists()
    assert full(load(batch["out"], "honest"), EX01)


def test_background_processes_are_killed(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "daemon")
    assert full(results, EX01) and full(results, EX03), messages(results, EX03)[:2]
    assert not batch["processes"], batch["processes"]
    assert not batch["sleeps"], batch["sleeps"]


def test_no_network(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "network")
    assert full(results, EX01) and full(results, EX03)
    assert "NET-BLOCKED" in exercise(results, EX03)["output"]
    assert not batch["connections"]


def test_grader_environment_secrets_are_not_inherited(batch: dict[str, Any]) -> None:
    results = load(batch["out"], "env_reader")
    assert full(results, EX01) and full(results, EX03)
    output = exercise(results, EX03)["output"]
    assert "'PATH'" in output, output[:2000]  # the student's code did print its environment
    assert ENV_SECRET not in json.dumps(results) and "JUPYTERHUB_API_TOKEN" not in output


# --------------------------------------------------------------------------- determinism
def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_timings(v)
            for k, v in value.items()
            if k not in ("execution_time", "seconds")
        }
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def test_grading_twice_gives_identical_results(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    students = {
        "honest": {EX01: solution(EX01), EX03: solution(EX03)},
        "exit_in_function": {
            EX01: solution(EX01),
            EX03: with_suffix(EX03, "def square(x):\n    import sys\n    sys.exit(3)"),
        },
        "partial": {EX02: solution(EX02).replace("assign_add", "assign_sub")},
    }
    write_class(subs, students)
    config = fast_config(UID_BASE + 10)
    for out in ("a", "b"):
        summary = grade_class(config, ROOT, subs, tmp_path / out, workers=2, force=False, gpu=False)
        assert not summary.failed_workers
    for student in students:
        first, second = load(tmp_path / "a", student), load(tmp_path / "b", student)
        assert _without_timings(first) == _without_timings(second), student
    assert (tmp_path / "a" / "grades.csv").read_bytes() == (
        tmp_path / "b" / "grades.csv"
    ).read_bytes()


# --------------------------------------------------------------------------- interruption
def _check_no_partial_files(out: Path) -> None:
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    for path in out.rglob("results.json"):
        json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_interrupted_batch_leaves_no_partial_file_or_orphan(
    tmp_path: Path, signum: signal.Signals
) -> None:
    subs, out = tmp_path / "subs", tmp_path / "out"
    # 16 endless loops at import keep 2 workers busy for 24 s or more (import limit 3 s each), so
    # the batch cannot finish between the first result and the signal, even on a loaded machine
    students = {f"s{i:02d}": {EX01: solution(EX01), EX03: solution(EX03)} for i in range(17)}
    for student in list(students)[1:]:
        students[student][EX01] = with_suffix(EX01, "while True:\n    pass")
    write_class(subs, students)
    course = course_file(tmp_path / "course", CLI_UID_BASE, call_s=3, import_s=3)
    command = [
        str(Path(sys.executable).parent / "course"), "grade", str(subs), "--out", str(out),
        "--workers", "2", "--config", str(course),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=tmp_path, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        started = wait_until(lambda: any(out.glob("*/results.json")), 240)
        assert started, "no student was graded within 240 s"
        process.send_signal(signum)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # well before the remaining students could have been graded by orphaned workers
    assert wait_until(lambda: not processes_in_session(process.pid), 8), processes_in_session(
        process.pid
    )
    assert wait_until(lambda: not sandbox_processes(range(CLI_UID_BASE, CLI_UID_BASE + 2)), 10), (
        sandbox_processes(range(CLI_UID_BASE, CLI_UID_BASE + 2))
    )
    _check_no_partial_files(out)
    graded_before = {p.parent.name for p in out.glob("*/results.json")}
    assert graded_before != set(students), "the batch finished before it was interrupted"

    rerun = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=400)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    _check_no_partial_files(out)
    assert {p.parent.name for p in out.glob("*/results.json")} == set(students)
    for student in students:
        results = load(out, student)
        assert full(results, EX03)
        assert full(results, EX01) == (student == "s00")

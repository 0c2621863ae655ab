"""``course grade`` run by an ordinary user: isolation through an unprivileged user namespace.

The rest of the suite runs as root in CI, where children drop to a uid of their own. A grader
on a hub usually is not root; then the child isolates itself in a user namespace (README, "The
sandbox"). Run as root, this test grades a snooping student as ``nobody`` (via ``setpriv``) and
checks that the solutions, the hidden graders, another student's files and the network stay out
of reach. It is skipped, with the reason, only where that user cannot run this Python or the
kernel refuses unprivileged user namespaces: the isolation cannot be had there at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.tfenv import QUIET_ENV

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NOBODY = 65534
COURSE = (
    sys.executable,
    "-c",
    "import sys; from grader.cli import app; sys.argv[0] = 'course'; app()",
)
SNOOP = """

import os, socket
for path in {paths!r}:
    try:
        open(path).read(10)
        print("READ-OK", path)
    except OSError:
        print("READ-FAIL", path)
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2).close()
    print("NET-OK")
except OSError:
    print("NET-BLOCKED")
print("UID", os.getuid())
"""


def as_nobody(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **QUIET_ENV, "HOME": "/nonexistent"}
    return subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _why_not_available() -> str:
    if os.geteuid() != 0:
        return "not root: the whole suite already runs the unprivileged path"
    if shutil.which("setpriv") is None or shutil.which("unshare") is None:
        return "setpriv/unshare (util-linux) are not installed"
    spawn = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'import grader'], check=True)"
    if as_nobody(sys.executable, "-c", spawn).returncode != 0:  # workers start this Python again
        return f"an unprivileged user cannot run {sys.executable} or import the kit"
    if as_nobody("unshare", "--user", "--map-current-user", "--net", "true").returncode != 0:
        return "the kernel refuses unprivileged user namespaces"
    return ""


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's own tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="course-unprivileged-"))
    os.chmod(folder, 0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_unprivileged_grader_still_isolates_children(shared_tmp: Path) -> None:
    reason = _why_not_available()
    if reason:
        pytest.skip(reason)
    subs, out = shared_tmp / "submissions", shared_tmp / "out"
    for student in ("honest", "snoop"):
        (subs / student).mkdir(parents=True)
    honest_file = subs / "honest" / "ex01_tensors.py"
    shutil.copy(ROOT / "solutions" / "ex01_tensors.py", honest_file)
    secrets = [
        str(ROOT / "solutions" / "ex01_tensors.py"),
        str(ROOT / "grader" / "hidden" / "test_ex01_tensors.py"),
        str(honest_file),
    ]
    code = (ROOT / "solutions" / "ex01_tensors.py").read_text(encoding="utf-8")
    (subs / "snoop" / "ex01_tensors.py").write_text(code + SNOOP.format(paths=secrets), "utf-8")
    for path in (subs, *subs.iterdir()):
        os.chmod(path, 0o777)
    result = as_nobody(*COURSE, "grade", str(subs), "--out", str(out), "--workers", "1")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    results = json.loads((out / "snoop" / "results.json").read_text(encoding="utf-8"))
    ex01 = results["extra_data"]["exercises"]["ex01_tensors"]
    output = ex01["output"]
    assert f"UID {NOBODY}" in output, output
    assert "READ-OK" not in output and output.count("READ-FAIL") == len(secrets), output
    assert "NET-BLOCKED" in output, output
    assert ex01["score"] == ex01["max_score"]  # snooping failed, the honest answers still count

"""``course grade`` run by an ordinary user: isolation through an unprivileged user namespace.

The rest of the suite runs as root in CI, where children drop to a uid of their own. A grader
on a hub usually is not root; then the zygote enters a user namespace and gives each child its
own PID, mount, network and IPC namespaces there (README, "The sandbox"). Run as root, this test
grades a hostile class as ``nobody`` (via ``setpriv``) with a Python that user can run: a venv
made from the system's ``python3.11`` under a world-readable temporary prefix, pointed at this
kit's installed packages. The hostile student tries to read the solutions, the hidden graders
and a peer's file, to reach the network, and to signal or trace every process it can address
(``kill(-1, SIGKILL)`` as the grading user would kill the CLI, its workers and the zygote). It
is skipped only where the system Python, util-linux or unprivileged user namespaces are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.course.tfenv import QUIET_ENV

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NOBODY = 65534
SYSTEM_PYTHON = Path("/usr/bin/python3.11")
COURSE_MAIN = "import sys; from grader.entry import main; sys.argv[0] = 'course'; main()"
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
print("PROC", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
try:
    os.kill(-1, 0)
    print("SIGNAL-REACHES-OTHERS")
except OSError as exc:
    print("SIGNAL-REACHES-NONE", type(exc).__name__)
alive = []
for pid in range(2, 1 << 16):
    try:
        os.kill(pid, 0)
        alive.append(pid)
    except ProcessLookupError:
        pass
    except PermissionError:
        alive.append(pid)
print("ADDRESSABLE", [p for p in alive if p != os.getpid()])
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print("PTRACE", [p for p in range(2, 1 << 16) if libc.ptrace(16, p, 0, 0) == 0][:5])
try:
    os.kill(-1, 9)  # as the grading user: every process it may signal, if it could address them
except OSError:
    pass
print("KILL-ALL-DONE")
"""


def as_nobody(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **QUIET_ENV, "HOME": "/nonexistent", "MPLCONFIGDIR": "/tmp"}
    return subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _why_not_available() -> str:
    if os.geteuid() != 0:
        return "not root: the whole suite already runs the unprivileged path"
    if shutil.which("setpriv") is None or shutil.which("unshare") is None:
        return "setpriv/unshare (util-linux) are not installed"
    if not SYSTEM_PYTHON.exists():
        return f"{SYSTEM_PYTHON} (Debian's python3.11) is not installed"
    if as_nobody("unshare", "--user", "--map-current-user", "--net", "true").returncode != 0:
        return "the kernel refuses unprivileged user namespaces"
    return ""


def _readable_by_nobody(path: Path) -> bool:
    return as_nobody("test", "-r", str(path), "-a", "-x", str(path)).returncode == 0


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's own tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="course-unprivileged-"))
    os.chmod(folder, 0o755)
    yield folder
    subprocess.run(["rm", "-rf", "--one-file-system", str(folder)], check=False)


def nobody_python(prefix: Path) -> tuple[Path, Path]:
    """A venv of the system Python under ``prefix`` holding this kit's installed packages.

    The kit's own interpreter may live where ``nobody`` cannot go (a Python under /root). Its
    packages are hard-linked into the venv (instant, no data copied; a plain copy where links
    cannot be made), so they live under the grader's ``sys.prefix`` as in any real venv."""
    venv = prefix / "venv"
    subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    site.rmdir()
    packages = sysconfig.get_paths()["purelib"]
    if subprocess.run(["cp", "-al", packages, str(site)], check=False).returncode != 0:
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(packages, site, symlinks=True)
    kit = ROOT
    if not _readable_by_nobody(ROOT / "grader"):
        kit = prefix / "kit"
        shutil.copytree(ROOT, kit, ignore=shutil.ignore_patterns(".venv", ".git", "*-out"))
        (site / "course-kit-source.pth").write_text(f"{kit}\n", encoding="utf-8")
    subprocess.run(["chmod", "-R", "a+rX", str(prefix)], check=True)
    return venv / "bin" / "python", kit


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
        str(ROOT / "grader" / "graders" / "hidden" / "test_ex01_tensors.py"),
        str(honest_file),
    ]
    code = (ROOT / "solutions" / "ex01_tensors.py").read_text(encoding="utf-8")
    (subs / "snoop" / "ex01_tensors.py").write_text(code + SNOOP.format(paths=secrets), "utf-8")
    for path in (subs, *subs.iterdir()):
        os.chmod(path, 0o777)
    out.mkdir()
    os.chown(out, NOBODY, NOBODY)
    python, kit = nobody_python(shared_tmp)
    result = as_nobody(
        str(python), "-c", COURSE_MAIN, "grade", str(subs), "--out", str(out), "--workers", "1",
        cwd=kit,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    results = json.loads((out / "snoop" / "results.json").read_text(encoding="utf-8"))
    ex01 = results["extra_data"]["exercises"]["ex01_tensors"]
    output = ex01["output"]
    assert f"UID {NOBODY}" in output, output
    assert "READ-OK" not in output and output.count("READ-FAIL") == len(secrets), output
    assert "NET-BLOCKED" in output, output
    # the child is PID 1 of a namespace of its own: no other process can be signalled or traced
    assert "PROC [1]" in output, output
    assert "SIGNAL-REACHES-NONE ProcessLookupError" in output, output
    assert "ADDRESSABLE []" in output and "PTRACE []" in output, output
    assert "KILL-ALL-DONE" in output, output
    assert ex01["score"] == ex01["max_score"]  # snooping failed, the honest answers still count
    honest = json.loads((out / "honest" / "results.json").read_text(encoding="utf-8"))
    honest_ex01 = honest["extra_data"]["exercises"]["ex01_tensors"]
    assert honest_ex01["score"] == honest_ex01["max_score"] > 0  # kill(-1) reached no grader


# Runs its command as root inside a fresh user namespace that maps root and ``nobody`` and allows
# no further user namespace, then as ``nobody``: a kernel that refuses what this mode needs.
NO_USER_NAMESPACES = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
ready_r, ready_w = os.pipe()
mapped_r, mapped_w = os.pipe()
child = os.fork()
if child == 0:
    if libc.unshare(0x10000000) != 0:
        os._exit(90)
    os.write(ready_w, b"x")
    os.read(mapped_r, 1)
    with open("/proc/sys/user/max_user_namespaces", "w") as handle:
        handle.write("0")
    os.setgroups([])
    os.setresgid(65534, 65534, 65534)
    os.setresuid(65534, 65534, 65534)
    os.execv(sys.argv[1], sys.argv[1:])
os.read(ready_r, 1)
for name in ("uid_map", "gid_map"):
    with open(f"/proc/{child}/{name}", "w") as handle:
        handle.write("0 0 1\\n65534 65534 1\\n")
os.write(mapped_w, b"x")
_, status = os.waitpid(child, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_refused_user_namespace_is_said_plainly(shared_tmp: Path) -> None:
    """Where the kernel refuses the user namespace, the grade still runs and says so plainly."""
    reason = _why_not_available()
    if reason:
        pytest.skip(reason)
    subs, out = shared_tmp / "submissions", shared_tmp / "out"
    (subs / "honest").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "ex01_tensors.py", subs / "honest" / "ex01_tensors.py")
    subprocess.run(["chmod", "-R", "a+rwX", str(subs)], check=True)
    out.mkdir()
    os.chown(out, NOBODY, NOBODY)
    python, kit = nobody_python(shared_tmp)
    command = [str(python), "-c", COURSE_MAIN, "grade", str(subs), "--out", str(out)]
    env = {**os.environ, **QUIET_ENV, "HOME": "/nonexistent", "MPLCONFIGDIR": "/tmp"}
    result = subprocess.run(
        [str(python), "-c", NO_USER_NAMESPACES, *command, "--workers", "1"],
        cwd=kit, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "sandbox isolation refused by this host: " in result.stderr, result.stderr[-3000:]
    assert "user_namespace (" in result.stderr and "pid_namespace (" in result.stderr
    results = json.loads((out / "honest" / "results.json").read_text(encoding="utf-8"))
    assert results["extra_data"]["confinement"]["pid_namespace"] is False
    ex01 = results["extra_data"]["exercises"]["ex01_tensors"]
    assert ex01["score"] == ex01["max_score"] > 0

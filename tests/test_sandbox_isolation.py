"""What one student leaves or probes must never reach the host or the next student.

One ``grade_class`` batch with one worker grades, in order, a student who plants things
everywhere it can (SysV shared memory, a message queue and a semaphore set, POSIX shared
memory, files in /tmp, /var/tmp, /dev/shm, /run/lock and the working folder, a background
process), then a student who looks for all of it, then students who probe the host (other
users' processes), fill the disk and fill memory through memfds and shared memory. Every
hostile student also submits a correct ex01, which must keep full marks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import load_config
from grader.grading.batch import grade_class
from grader.sandbox.remote import sandbox_environment

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(name="sandbox-isolation")]
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)

ROOT = Path(__file__).resolve().parent.parent
UID_BASE = 64000 + 20 * _WORKER
EX01, EX03 = "ex01_tensors", "ex03_tensor_ops"
MARK = "course-isolation-mark-5d1e"
PLACES = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")
MEMORY_MB = 512

PLANT = f"""
import ctypes, os, subprocess
libc = ctypes.CDLL(None, use_errno=True)
IPC_CREAT = 0o1000
for key in (0x5D1E, 0x5D1F):
    print("SHM", libc.shmget(key, 4096, IPC_CREAT | 0o666))
    print("MSG", libc.msgget(key, IPC_CREAT | 0o666))
    print("SEM", libc.semget(key, 1, IPC_CREAT | 0o666))
for place in {[*PLACES, "."]!r}:
    try:
        with open(os.path.join(place, "{MARK}"), "w") as handle:
            handle.write("planted")
        print("PLANTED", place)
    except OSError as exc:
        print("PLANT-FAIL", place, exc)
subprocess.Popen(["sleep", "1000"], start_new_session=True)
"""

SEEK = f"""
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
for key in (0x5D1E, 0x5D1F):
    print("SEEK-SHM", libc.shmget(key, 0, 0), "MSG", libc.msgget(key, 0), "SEM", libc.semget(key, 0, 0))
for name in ("/proc/sysvipc/shm", "/proc/sysvipc/msg", "/proc/sysvipc/sem"):
    with open(name) as handle:
        print("SYSVIPC-LINES", name, len(handle.read().splitlines()) - 1)
for place in {[*PLACES, "."]!r}:
    print("SEEN" if os.path.exists(os.path.join(place, "{MARK}")) else "UNSEEN", place)
print("PROCS", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
"""

PROBE = """
import os
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
print("PIDS", pids)
print("CMDLINES", [open(f"/proc/{p}/cmdline", "rb").read()[:40] for p in pids])
try:
    os.kill(-1, 0)
    print("SIGNAL-REACHES-OTHERS")
except OSError as exc:
    print("SIGNAL-REACHES-NONE", type(exc).__name__)
print("ENV", sorted(os.environ))
"""

FILL_DISK = """
import os

def square(x):
    for place in (".", "/tmp", "/var/tmp", "/dev/shm"):
        written, names = 0, []
        try:
            for n in range(10):  # files of 40 MB, under the per-file limit: only a quota stops it
                names.append(os.path.join(place, f"fill{n}"))
                with open(names[-1], "wb") as handle:
                    for _ in range(5):
                        handle.write(b"x" * (8 << 20))
                        written += 8 << 20
        except OSError as exc:
            print("FULL", place, written >> 20, type(exc).__name__)
        for name in names:
            if os.path.exists(name):
                os.remove(name)
    raise OSError("disk quota reached")
"""


FILL_MEMORY = f"""
import os

def square(x):
    hoard = []
    for i in range({MEMORY_MB * 3 // 64}):
        fd = os.memfd_create(f"hoard{{i}}")
        for _ in range(8):
            os.write(fd, b"x" * (8 << 20))
        hoard.append(fd)
        with open(f"/dev/shm/hoard{{i}}", "wb") as handle:
            handle.write(b"y" * (1 << 20))
    print("MEMFD-UNBOUNDED", len(hoard) * 64)
    return x * x
"""


def solution(exercise: str) -> str:
    return (ROOT / "solutions" / f"{exercise}.py").read_text(encoding="utf-8")


def config():
    base = load_config(ROOT / "course.yml")
    grading = base.grading
    timeouts = grading.timeouts.model_copy(update={"call_s": 20, "import_s": 20, "student_s": 120})
    limits = grading.limits.model_copy(update={"memory_mb": MEMORY_MB})
    update = {"timeouts": timeouts, "limits": limits, "sandbox_uid_base": UID_BASE}
    return base.model_copy(update={"grading": grading.model_copy(update=update)})


def host_ipc_keys() -> set[str]:
    found = set()
    for kind in ("shm", "msg", "sem"):
        lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        found.update(f"{kind}:{line.split()[0]}" for line in lines)
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("isolation")
    subs, out = base / "subs", base / "out"
    students = {
        "a_planter": solution(EX03) + PLANT,
        "b_seeker": solution(EX03) + SEEK,
        "c_prober": solution(EX03) + PROBE,
        "d_disk_filler": solution(EX03) + FILL_DISK,
        "e_memory_filler": solution(EX03) + FILL_MEMORY,
        "f_after": solution(EX03),
    }
    for student, ex03 in students.items():
        (subs / student).mkdir(parents=True)
        (subs / student / f"{EX01}.py").write_text(solution(EX01), encoding="utf-8")
        (subs / student / f"{EX03}.py").write_text(ex03, encoding="utf-8")
    ipc_before = host_ipc_keys()
    free_before = shutil.disk_usage("/tmp").free
    os.environ.update(TF_VAR_db_password="tf-secret", NVIDIA_API_KEY="nv-secret")
    os.environ["PYTHON_KEYRING_PASSWORD"] = "keyring-secret"
    try:
        summary = grade_class(config(), ROOT, subs, out, workers=1, force=False, gpu=False)
    finally:
        for name in ("TF_VAR_db_password", "NVIDIA_API_KEY", "PYTHON_KEYRING_PASSWORD"):
            os.environ.pop(name, None)
    time.sleep(0.5)
    sleeps = subprocess.run(["pgrep", "-f", "^sleep 1000$"], capture_output=True, text=True)
    return {
        "out": out,
        "summary": summary,
        "ipc_added": host_ipc_keys() - ipc_before,
        "free_lost_mb": (free_before - shutil.disk_usage("/tmp").free) >> 20,
        "marks_on_host": [p for p in PLACES if os.path.exists(os.path.join(p, MARK))],
        "sleeps": sleeps.stdout.split(),
    }


def results(batch: dict[str, Any], student: str) -> dict[str, Any]:
    return json.loads((batch["out"] / student / "results.json").read_text(encoding="utf-8"))


def output(batch: dict[str, Any], student: str, exercise: str = EX03) -> str:
    return results(batch, student)["extra_data"]["exercises"][exercise]["output"]


def full(batch: dict[str, Any], student: str, exercise: str) -> bool:
    scores = results(batch, student)["extra_data"]["exercises"][exercise]
    return scores["score"] == scores["max_score"] > 0


def test_planted_objects_reach_neither_the_next_student_nor_the_host(batch) -> None:
    planted = output(batch, "a_planter")
    assert planted.count("PLANTED") == len(PLACES) + 1, planted
    assert "SHM -1" not in planted and "MSG -1" not in planted, planted
    seen = output(batch, "b_seeker")
    assert "SEEN" not in seen.replace("UNSEEN", ""), seen
    assert seen.count("SEEK-SHM -1 MSG -1 SEM -1") == 2, seen
    assert all(f"SYSVIPC-LINES /proc/sysvipc/{k} 0" in seen for k in ("shm", "msg", "sem")), seen
    assert "PROCS [1]" in seen, seen
    assert not batch["ipc_added"], batch["ipc_added"]
    assert not batch["marks_on_host"] and not batch["sleeps"], batch
    for student in ("a_planter", "b_seeker"):
        assert full(batch, student, EX01) and full(batch, student, EX03), student


def test_other_processes_are_invisible_and_unreachable(batch) -> None:
    probed = output(batch, "c_prober")
    assert "PIDS [1]" in probed and "SIGNAL-REACHES-NONE ProcessLookupError" in probed, probed
    assert full(batch, "c_prober", EX03)


def test_secrets_with_allowed_looking_names_are_not_inherited(batch) -> None:
    probed = output(batch, "c_prober")
    assert "'PATH'" in probed, probed
    for name in ("TF_VAR_db_password", "NVIDIA_API_KEY", "PYTHON_KEYRING_PASSWORD"):
        assert name not in probed, probed
    os.environ.update(TF_VAR_x="1", NVIDIA_API_KEY="2", PYTHON_KEYRING_PASSWORD="3")
    try:
        kept = sandbox_environment(gpu=False)
    finally:
        for name in ("TF_VAR_x", "NVIDIA_API_KEY", "PYTHON_KEYRING_PASSWORD"):
            os.environ.pop(name, None)
    assert not {"TF_VAR_x", "NVIDIA_API_KEY", "PYTHON_KEYRING_PASSWORD"} & set(kept)
    assert kept["TF_CPP_MIN_LOG_LEVEL"] == "2" and kept["CUDA_VISIBLE_DEVICES"] == ""


def test_disk_quota_fails_the_write_not_the_student(batch) -> None:
    filled = output(batch, "d_disk_filler")
    for place in (".", "/tmp", "/var/tmp", "/dev/shm"):
        line = next((x for x in filled.splitlines() if x.startswith(f"FULL {place} ")), "")
        assert line and int(line.split()[2]) <= 64, (place, filled)
    assert batch["free_lost_mb"] < 100, batch["free_lost_mb"]
    assert full(batch, "d_disk_filler", EX01)
    tests = [
        t
        for t in results(batch, "d_disk_filler")["tests"]
        if t["extra_data"]["exercise"] == EX03 and "square" in t["extra_data"]["test"]
    ]
    assert tests and all(t["status"] == "failed" for t in tests)
    others = [
        t
        for t in results(batch, "d_disk_filler")["tests"]
        if t["extra_data"]["exercise"] == EX03 and "square" not in t["extra_data"]["test"]
    ]
    assert others and all(t["status"] == "passed" for t in others), others


def test_shared_memory_counts_in_the_memory_budget(batch) -> None:
    memory = results(batch, "e_memory_filler")
    assert "MEMFD-UNBOUNDED" not in output(batch, "e_memory_filler")
    square = [
        t
        for t in memory["tests"]
        if t["extra_data"]["exercise"] == EX03 and "square" in t["extra_data"]["test"]
    ]
    assert square, memory["tests"][:1]
    assert all(t["extra_data"]["failure_category"] == "memory" for t in square), square[:1]
    assert full(batch, "e_memory_filler", EX01)
    assert full(batch, "f_after", EX01) and full(batch, "f_after", EX03)


def test_confinement_report_reaches_the_results(batch) -> None:
    confinement = results(batch, "f_after")["extra_data"]["confinement"]
    for feature in (
        "pid_namespace", "ipc_namespace", "mount_namespace", "network_isolated",
        "processes_hidden", "private_tmp", "workdir_quota", "host_fs_readonly",
        "no_capabilities", "user_dropped",
    ):  # fmt: skip
        assert confinement[feature] is True, (feature, confinement)


def test_host_folder_cleanup_survives_a_deep_chain(tmp_path: Path) -> None:
    """Where a host working folder is still used (no mount namespace), whatever the student
    left in it is removed without recursion limits, and the cleanup never raises."""
    from grader.sandbox.remote import _remove_host_folder

    folder = tmp_path / "work"
    subprocess.run(  # a path this deep is only made relative to the working directory
        [sys.executable, "-c", f"import os\nos.chdir({str(folder.parent)!r})\n"
         "os.mkdir('work'); os.chdir('work')\nfor _ in range(3000):\n"
         "    os.mkdir('d'); os.chdir('d')\nopen('f', 'w').write('x')"],
        check=True,
    )  # fmt: skip
    (folder / "locked").mkdir(mode=0)
    _remove_host_folder(str(folder))
    assert not folder.exists()
    _remove_host_folder(str(folder))  # gone already: still no exception

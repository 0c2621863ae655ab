"""``course doctor``: is the classroom hub set up right? One line per check, with the fix.

Each check looks at the machine as it is (files, accounts, processes it starts itself), never
at what the installer believes it did, so a hand edit, a lost permission or a missing package
shows up. Checks that need the running hub (groups, the course service) ask its REST API with
the course service's token.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import subprocess
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from grader.course.config import CourseConfig
from grader.hub import hubapi
from grader.hub.environments import site_packages
from grader.hub.exchange import exchange_problems
from grader.hub.model import Student
from grader.hub.render import (
    KERNEL_ENV,
    NBGRADER_LAB,
    NBGRADER_SERVER,
    ROLE_EXTENSIONS,
    VALIDATE_WITH_HINTS,
    python_in,
    require_hub,
)
from grader.hub.system import account_exists

PROBE_TIMEOUT_S = 180
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"  # runuser is in sbin


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""


Check = Callable[[CourseConfig, list[Student]], CheckResult]


def _probe(python: str, code: str, env: dict[str, str], user: str | None = None) -> tuple[int, str]:
    """Run ``code`` in ``python`` (as ``user`` when given and we are root)."""
    command = [python, "-c", code]
    if user is not None and os.geteuid() == 0:
        command = ["runuser", "-u", user, "--", *command]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S,
            env={"PATH": SYSTEM_PATH, **env}, cwd="/",
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, str(exc)
    return result.returncode, (result.stdout + result.stderr).strip()


def _kernel_env(config: CourseConfig) -> dict[str, str]:
    spec = (
        require_hub(config).student_env
        / "share"
        / "jupyter"
        / "kernels"
        / "python3"
        / "kernel.json"
    )
    try:
        return {
            str(k): str(v) for k, v in json.loads(spec.read_text(encoding="utf-8"))["env"].items()
        }
    except (OSError, ValueError, KeyError, AttributeError):
        return {}


def check_tensorflow(config: CourseConfig, students: list[Student]) -> CheckResult:
    hub = require_hub(config)
    user = students[0].id if students else None
    code, out = _probe(python_in(hub.student_env), "import tensorflow as tf, grader.grading.notebook; print(tf.__version__)",
                       _kernel_env(config), user)  # fmt: skip
    name = "TensorFlow in the student kernel"
    if code == 0:
        return CheckResult(
            name, True, f"TensorFlow {out.splitlines()[-1]} imports as {user or 'root'}"
        )
    return CheckResult(name, False, out.splitlines()[-1] if out else f"exit {code}",
                       "re-run `course hub install` (the student environment is incomplete or unreadable)")  # fmt: skip


def check_kernel_quiet(config: CourseConfig, students: list[Student]) -> CheckResult:
    env = _kernel_env(config)
    name = "student kernelspec keeps TensorFlow quiet"
    missing = [k for k, v in KERNEL_ENV.items() if env.get(k) != v]
    problems = [f"kernel.json lacks {', '.join(missing)}"] if missing else []
    if "MPLBACKEND" in env:  # an older install's Agg: no figure shows in a notebook
        problems.append(f"kernel.json sets MPLBACKEND={env['MPLBACKEND']} (figures do not show)")
    if not problems:
        return CheckResult(
            name, True, "kernel.json sets the quiet-TF and GPU memory-growth variables"
        )
    return CheckResult(name, False, "; ".join(problems), "re-run `course hub install`")


def check_gpu(config: CourseConfig, students: list[Student]) -> CheckResult:
    hub = require_hub(config)
    name = "GPU"
    code, out = _probe(
        python_in(hub.student_env),
        "import tensorflow as tf; print(len(tf.config.list_physical_devices('GPU')))",
        _kernel_env(config),
    )
    count = out.splitlines()[-1] if code == 0 and out else "?"
    growth = _kernel_env(config).get("TF_FORCE_GPU_ALLOW_GROWTH") == "true"
    if hub.tensorflow == "cpu":
        return CheckResult(
            name, True, f"hub.tensorflow: cpu ({count} GPU visible, not used by design)"
        )
    if count in ("?", "0"):
        return CheckResult(name, False, "hub.tensorflow: gpu, but the student kernel sees no GPU",
                           "install the NVIDIA driver (nvidia-smi must work) and re-run install")  # fmt: skip
    if not growth:
        return CheckResult(name, False, f"{count} GPU visible, memory growth off",
                           "set TF_FORCE_GPU_ALLOW_GROWTH=true (re-run `course hub install`)")  # fmt: skip
    return CheckResult(name, True, f"{count} GPU visible to students, memory growth on")


def check_exchange(config: CourseConfig, students: list[Student]) -> CheckResult:
    hub = require_hub(config)
    root = Path(config.nbgrader.exchange_root)
    problems = exchange_problems(root, config.course.id, hub.grader(config.course.id))
    name = "nbgrader exchange"
    if not problems:
        return CheckResult(
            name, True, f"{root} (0777) and {config.course.id}/inbound, outbound, feedback"
        )
    first = "; ".join(f"{p.path}: {p.problem}" for p in problems[:3])
    return CheckResult(
        name, False, first, "re-run `course hub install` (it recreates the exchange)"
    )


def _extension_problems(env: Path, role: str) -> list[str]:
    """Lab/server extensions of ``role`` that this environment's config does not set as the
    role needs (read with Jupyter's own config loading, so every config file counts)."""
    hub_python = python_in(env)
    code = (
        "import json; from jupyter_server.extension.config import ExtensionConfigManager;"
        "from jupyter_core.paths import jupyter_config_path;"
        "from jupyterlab_server.config import get_page_config;"
        "m = ExtensionConfigManager(read_config_path=jupyter_config_path());"
        "print(json.dumps({'server': m.get_jpserver_extensions(),"
        " 'lab': get_page_config(jupyter_config_path(), '', None).get('disabledExtensions', {})}))"
    )
    status, out = _probe(hub_python, code, {})
    if status != 0:
        return [
            f"cannot read the Jupyter config of {env}: {out.splitlines()[-1] if out else status}"
        ]
    state = json.loads(out.splitlines()[-1])
    disabled = state["lab"]  # a list or a {name: bool} map, depending on the writer
    if isinstance(disabled, list):
        disabled = dict.fromkeys(disabled, True)
    wanted = ROLE_EXTENSIONS[role]
    problems = []
    for plugin in ("assignment-list", "formgrader", "create-assignment", "course-list"):
        on = not disabled.get(f"{NBGRADER_LAB}:{plugin}", False)
        if on != (plugin in wanted["lab"]):
            problems.append(f"{role}s {'see' if on else 'lack'} {NBGRADER_LAB}:{plugin}")
    for extension in ("assignment_list", "formgrader", "course_list"):
        on = bool(state["server"].get(f"{NBGRADER_SERVER}.{extension}"))
        if on != (extension in wanted["server"]):
            problems.append(f"{role}s {'have' if on else 'lack'} {NBGRADER_SERVER}.{extension}")
    if role == "student" and not state["server"].get(VALIDATE_WITH_HINTS):
        problems.append(f"students lack {VALIDATE_WITH_HINTS} (Validate without Korean hints)")
    return problems


def check_extensions(config: CourseConfig, students: list[Student]) -> CheckResult:
    hub = require_hub(config)
    problems = _extension_problems(hub.student_env, "student") + _extension_problems(
        hub.grader_env, "grader"
    )
    name = "nbgrader extensions per role"
    if not problems:
        return CheckResult(
            name,
            True,
            "students: assignment list, Validate; graders: formgrader, create assignment, course list",
        )
    return CheckResult(
        name,
        False,
        "; ".join(problems[:3]),
        "re-run `course hub install` (it rewrites the role settings)",
    )


def check_service_and_groups(config: CourseConfig, students: list[Student]) -> CheckResult:
    course = config.course.id
    name = "course service and groups"
    try:
        service = hubapi.call(config, "GET", f"/services/{course}")
        groups = {g: set(hubapi.call(config, "GET", f"/groups/{g}")["users"])
                  for g in (f"formgrade-{course}", f"nbgrader-{course}")}  # fmt: skip
    except (hubapi.HubUnreachable, urllib.error.HTTPError, OSError, KeyError, ValueError) as exc:
        return CheckResult(
            name,
            False,
            f"hub API: {exc}",
            "start the hub (systemctl start course-hub-" + course + ") and re-run",
        )
    missing = sorted({s.id for s in students} - groups[f"nbgrader-{course}"])
    hub = require_hub(config)
    graders = sorted({*hub.instructors, hub.grader(course)} - groups[f"formgrade-{course}"])
    if missing or graders or not service:
        detail = "; ".join(filter(None, [
            missing and f"not in nbgrader-{course}: {', '.join(missing)}",
            graders and f"not in formgrade-{course}: {', '.join(graders)}",
        ]))  # fmt: skip
        return CheckResult(
            name,
            False,
            detail,
            "`course hub import-roster` (or restart the hub after `course hub install`)",
        )
    return CheckResult(
        name,
        True,
        f"service {course}; groups formgrade-{course} ({len(groups[f'formgrade-{course}'])}), nbgrader-{course} ({len(groups[f'nbgrader-{course}'])})",
    )


def _gradebook_students(config: CourseConfig) -> tuple[set[str] | None, str]:
    hub = require_hub(config)
    root = hub.course_root(config.course.id)
    code = (
        "import json, sys; from nbgrader.apps import NbGrader; from nbgrader.api import Gradebook;"
        "app = NbGrader(); app.config_file_paths.insert(0, '.'); app.load_config_file();"
        "from nbgrader.coursedir import CourseDirectory; cd = CourseDirectory(config=app.config);"
        "gb = Gradebook(cd.db_url, cd.course_id); print(json.dumps([s.id for s in gb.students])); gb.close()"
    )
    command = [python_in(hub.grader_env), "-c", code]
    if os.geteuid() == 0:
        command = ["runuser", "-u", hub.grader(config.course.id), "--", *command]
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd=root,
                                timeout=PROBE_TIMEOUT_S, env={"PATH": SYSTEM_PATH})  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, str(exc)
    if result.returncode != 0:
        return None, (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[-1]
    return set(json.loads(result.stdout.strip().splitlines()[-1])), ""


def check_gradebook(config: CourseConfig, students: list[Student]) -> CheckResult:
    found, problem = _gradebook_students(config)
    name = "gradebook reachable"
    url = config.nbgrader.db_url
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    if found is None:
        return CheckResult(
            name,
            False,
            f"{kind}: {problem}",
            "check nbgrader.db_url / NBGRADER_DB_URL and that the grader account can write the database",
        )
    return CheckResult(name, True, f"{kind}, {len(found)} students")


def check_roster(config: CourseConfig, students: list[Student]) -> CheckResult:
    name = "roster: Unix accounts and gradebook"
    no_account = [s.id for s in students if not account_exists(s.id)]
    found, problem = _gradebook_students(config)
    not_in_book = [] if found is None else [s.id for s in students if s.id not in found]
    if found is None:
        return CheckResult(
            name, False, f"gradebook unreadable: {problem}", "fix the gradebook first"
        )
    if no_account or not_in_book:
        detail = "; ".join(filter(None, [
            no_account and f"no Unix account: {', '.join(no_account)}",
            not_in_book and f"not in the gradebook: {', '.join(not_in_book)}",
        ]))  # fmt: skip
        return CheckResult(name, False, detail, "`course hub import-roster ROSTER.csv` (as root)")
    return CheckResult(
        name, True, f"all {len(students)} students have an account and a gradebook entry"
    )


def check_private_files(config: CourseConfig, students: list[Student]) -> CheckResult:
    """Hidden graders (in the grader environment) and solutions (in the course root) must not
    be readable by students: both folders must deny 'others' all access."""
    hub = require_hub(config)
    name = "hidden graders and solutions private"
    private = (
        site_packages(hub.grader_env) / "grader" / "graders" / "hidden",
        hub.course_root(config.course.id),
    )
    open_to_all = [str(p) for p in private if not p.is_dir() or p.stat().st_mode & 0o007]
    if open_to_all:
        return CheckResult(name, False, f"missing or open to every account: {', '.join(open_to_all)}",
                           "chmod -R o-rwx on them (re-run `course hub install`)")  # fmt: skip
    return CheckResult(name, True, "hidden graders and course root closed to other accounts")


SANDBOX_PROBE = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
flags = 0x40000000 | 0x00020000  # CLONE_NEWNET | CLONE_NEWNS
if os.geteuid() != 0:
    flags |= 0x10000000  # CLONE_NEWUSER
pid = os.fork()
if pid == 0:
    ok = libc.unshare(flags) == 0
    if ok and os.geteuid() == 0:
        try:
            os.setgid(int(sys.argv[1])); os.setuid(int(sys.argv[1]))
        except OSError:
            ok = False
    os._exit(0 if ok else 1)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def check_sandbox(config: CourseConfig, students: list[Student]) -> CheckResult:
    base = config.grading.sandbox_uid_base
    taken = []
    for uid in range(base, base + config.grading.workers):
        with contextlib.suppress(KeyError):
            taken.append(f"{uid} ({pwd.getpwuid(uid).pw_name})")
    name = "sandbox can confine"
    if taken:
        return CheckResult(name, False, f"sandbox uids belong to accounts: {', '.join(taken)}",
                           "set grading.sandbox_uid_base to a free uid range")  # fmt: skip
    hub = require_hub(config)
    grader = hub.grader(config.course.id)
    # As root the probe drops to the sandbox uid; the grader account (whose autograde the
    # formgrader runs) needs unprivileged user namespaces instead: both are tried.
    probes = {
        "root" if os.geteuid() == 0 else "this user": _probe_sandbox(
            python_in(hub.grader_env), base, None
        )
    }
    if os.geteuid() == 0:
        probes[grader] = _probe_sandbox(python_in(hub.grader_env), base, grader)
    failed = [who for who, ok in probes.items() if not ok]
    if failed:
        return CheckResult(name, False, f"cannot create network/mount namespaces as {', '.join(failed)}",
                           "autograde as root, or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)")  # fmt: skip
    return CheckResult(
        name,
        True,
        f"namespaces work as {', '.join(probes)} (sandbox uids {base}-{base + config.grading.workers - 1})",
    )


def _probe_sandbox(python: str, base: int, user: str | None) -> bool:
    command = [python, "-c", SANDBOX_PROBE, str(base)]
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    try:
        result = subprocess.run(command, capture_output=True, timeout=60, cwd="/",
                                env={"PATH": SYSTEM_PATH})  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


CHECKS: tuple[Check, ...] = (
    check_tensorflow,
    check_kernel_quiet,
    check_gpu,
    check_exchange,
    check_extensions,
    check_service_and_groups,
    check_gradebook,
    check_roster,
    check_private_files,
    check_sandbox,
)


def run_checks(config: CourseConfig, students: list[Student]) -> list[CheckResult]:
    require_hub(config)
    return [check(config, students) for check in CHECKS]


def print_report(results: list[CheckResult], console: Console) -> None:
    for result in results:
        mark = "[green]OK  [/green]" if result.ok else "[red]FAIL[/red]"
        line = f"{mark} {result.name}: {result.detail}"
        if not result.ok and result.fix:
            line += f"\n     fix: {result.fix}"
        console.print(line, highlight=False)
    failed = sum(not r.ok for r in results)
    console.print(f"{len(results) - failed} of {len(results)} checks passed")

"""``course hub install``: the whole single-server set-up, in an order that can be re-run.

Each step is idempotent (accounts and environments that exist are kept, generated files are
rewritten), so re-running after fixing course.yml, or after ``add-student``, converges.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.course.config import DEFAULT_CONFIG_NAME, CourseConfig
from grader.hub import environments, hubapi
from grader.hub.exchange import create_exchange
from grader.hub.model import AUTHENTICATOR_PACKAGES, Student
from grader.hub.render import KERNEL_ENV, hub_files, require_hub
from grader.hub.system import (
    HubSetupError,
    add_to_group,
    as_user,
    chown_tree,
    ensure_account,
    ensure_proxy,
    run,
)

TOKEN_FILE = "course-service.token"


@dataclass(frozen=True)
class InstallOptions:
    kit_root: Path  # the kit checkout: grader/, pyproject.toml, solutions/
    config_dir: Path  # course.yml's folder (and the roster's)
    link: Path | None = None  # reuse an environment's packages (tests, development)
    systemd_dir: Path | None = Path("/etc/systemd/system")
    start: bool = False


def ensure_token(state_dir: Path) -> None:
    """The course service's API token: generated once, readable by root only."""
    path = state_dir / TOKEN_FILE
    if path.exists():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32) + "\n")


def grader_env_vars(config: CourseConfig) -> dict[str, str]:
    hub = require_hub(config)
    return {**KERNEL_ENV, "PATH": f"{hub.grader_env / 'bin'}:/usr/local/bin:/usr/bin:/bin"}


def as_grader(config: CourseConfig, args: list[str]) -> str:
    """Run the grader environment's ``args[0]`` (``python``, ``course``) as the grader account,
    in the course root."""
    hub = require_hub(config)
    course = config.course.id
    return as_user(
        hub.grader(course), [str(hub.grader_env / "bin" / args[0]), *args[1:]],
        cwd=hub.course_root(course), env=grader_env_vars(config),
    )  # fmt: skip


def create_accounts(config: CourseConfig, students: list[Student]) -> list[str]:
    hub = require_hub(config)
    grader = hub.grader(config.course.id)
    home = Path(hub.home_root)
    created = [n for n in [grader, *hub.instructors] if ensure_account(n, home, 0o750)]
    created += [s.id for s in students if ensure_account(s.id, home)]
    for instructor in hub.instructors:  # instructors share the grader's files through its group
        add_to_group(instructor, grader)
    return created


def set_up_course_root(config: CourseConfig, options: InstallOptions) -> None:
    """The grader's copy of the course (course.yml, solutions/), built with `course build`."""
    hub = require_hub(config)
    course = config.course.id
    root = hub.course_root(course)
    root.mkdir(parents=True, exist_ok=True)
    sources = [options.config_dir / DEFAULT_CONFIG_NAME, options.kit_root / "solutions"]
    if hub.roster:
        sources.append(options.config_dir / hub.roster)
    for source in sources:
        target = root / source.name
        if source.resolve() == target.resolve():
            continue
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    grader = hub.grader(course)
    chown_tree(root, grader)
    os.chmod(root, 0o2770)  # solutions and gradebook: the grader's group only
    as_grader(config, ["course", "build"])


def build_environments(config: CourseConfig, options: InstallOptions) -> None:
    from grader.build.bundle import build_student_wheel

    hub = require_hub(config)
    if not environments.python_version_matches(hub.python):
        raise HubSetupError(f"hub.python {hub.python} is not Python 3.11 (or cannot be run)")
    with tempfile.TemporaryDirectory() as scratch:
        wheel = build_student_wheel(options.kit_root, Path(scratch), config)
        environments.build_student_env(
            hub.python, hub.student_env, wheel, hub.tensorflow, options.link
        )
    authenticator = AUTHENTICATOR_PACKAGES[hub.authenticator]
    environments.build_grader_env(
        hub.python, hub.grader_env, options.kit_root, hub.tensorflow, options.link,
        extra=(authenticator,) if authenticator else (),
    )  # fmt: skip
    environments.make_hidden_graders_private(hub.grader_env, hub.grader(config.course.id))


def sync_gradebook(config: CourseConfig, students: list[Student]) -> None:
    """Students into the gradebook. The hub groups are kept by the generated config and
    ``hubapi``, so nbgrader's JupyterHub plugin (which needs a running hub) is not used here."""
    for student in students:
        as_grader(config, [
            "python", "-m", "nbgrader", "db", "student", "add", student.id,
            "--Authenticator.plugin_class=nbgrader.auth.NoAuthPlugin",
            f"--first-name={student.first_name}", f"--last-name={student.last_name}",
            f"--email={student.email}",
        ])  # fmt: skip


def write_hub_files(config: CourseConfig, students: list[Student], options: InstallOptions) -> None:
    hub = require_hub(config)
    environments.write_files(hub_files(config, students))
    unit = Path(hub.state_dir) / "course-hub.service"
    if options.systemd_dir is not None:
        options.systemd_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(unit, options.systemd_dir / f"course-hub-{config.course.id}.service")


def install(
    config: CourseConfig, students: list[Student], options: InstallOptions,
    say: Callable[[str], None],
) -> None:  # fmt: skip
    hub = require_hub(config)
    if os.geteuid() != 0:
        raise HubSetupError("course hub install sets up Unix accounts: run it as root")
    say(f"configurable-http-proxy: {ensure_proxy()}")
    created = create_accounts(config, students)
    say(f"Unix accounts: {len(created)} created ({', '.join(created) or 'none'})")
    state = Path(hub.state_dir)
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)
    ensure_token(state)
    build_environments(config, options)
    say(f"environments: {hub.student_env} (students), {hub.grader_env} (graders)")
    write_hub_files(config, students, options)
    say(f"hub configuration: {state / 'jupyterhub_config.py'}")
    set_up_course_root(config, options)
    create_exchange(
        Path(config.nbgrader.exchange_root), config.course.id, hub.grader(config.course.id)
    )
    say(f"exchange: {config.nbgrader.exchange_root}")
    sync_gradebook(config, students)
    say(f"gradebook: {len(students)} students")
    if options.start and options.systemd_dir is not None:
        unit = f"course-hub-{config.course.id}.service"
        run(["systemctl", "daemon-reload"])
        run(["systemctl", "enable", "--now", unit])
        say(f"started {unit}")


def add_students(config: CourseConfig, students: list[Student], new: list[Student]) -> None:
    """Bring accounts, gradebook, hub config and (if the hub runs) its group up to date."""
    require_hub(config)
    create_accounts(config, students)
    sync_gradebook(config, new)
    environments.write_files(hub_files(config, students))
    hubapi.add_to_group(config, [s.id for s in new])

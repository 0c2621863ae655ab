"""The text of every file the hub needs, generated from course.yml (deterministic).

``hub_files`` returns them with their place on the server and their mode, so ``course hub
render`` can show them and ``course hub install`` can write them, and a test can compare the
committed ``deploy/`` example with what the generator makes. No secret is in any of them: the
course service's token is generated at install time into a root-only file the hub config reads.

Role settings live in each environment's own ``etc/jupyter`` (a sys-prefix config), so one
machine-wide ``/etc/jupyter`` is never touched: the student environment enables only the
assignment list and the kit's Validate (Korean hints), the grader environment the formgrader,
create-assignment and course list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jinja2

from grader.course.config import CourseConfig
from grader.course.tfenv import NOTEBOOK_KERNEL_ENV, notebook_kernelspec
from grader.hub.model import AUTHENTICATORS, HubConfig, Student

TEMPLATES = Path(__file__).parent / "templates"
# Several students share one GPU only if TensorFlow does not grab all its memory at start.
# No MPLBACKEND: it would reach the notebook kernels, and Agg hides their figures.
KERNEL_ENV = {**NOTEBOOK_KERNEL_ENV, "TF_FORCE_GPU_ALLOW_GROWTH": "true"}
NBGRADER_LAB = "@jupyter/nbgrader"
NBGRADER_SERVER = "nbgrader.server_extensions"
# The lab and server extensions each role gets; everything else nbgrader ships is disabled.
ROLE_EXTENSIONS = {
    "student": {"lab": ["assignment-list", "validate-assignment"], "server": ["assignment_list"]},
    "grader": {
        "lab": ["formgrader", "create-assignment", "course-list", "validate-assignment"],
        "server": ["formgrader", "course_list", "validate_assignment"],
    },
}
ALL_LAB = (
    "assignment-list",
    "formgrader",
    "create-assignment",
    "course-list",
    "validate-assignment",
)
ALL_SERVER = ("assignment_list", "formgrader", "course_list", "validate_assignment")
VALIDATE_WITH_HINTS = "grader.hub.validate_ext"
AUTH_NOTES = {
    "dummy": "DummyAuthenticator accepts anyone listed below: for tests only, never for a class.",
    "native": "NativeAuthenticator: students sign up, an instructor authorizes them at /hub/authorize.",
    "pam": "PAM: students log in with their Unix password.",
    "generic-oauth": "OAuth2 / OpenID Connect with the university's identity provider.",
    "lti13": "LTI 1.3 launch from the learning management system.",
}
CONFIG_MODE = 0o644
# A classroom server does not ask each student whether to fetch Jupyter's news feed.
LAB_OVERRIDES = (
    json.dumps(
        {
            "@jupyterlab/apputils-extension:notification": {
                "fetchNews": "false",
                "checkForUpdates": False,
            }
        },
        indent=2,
    )
    + "\n"
)


@dataclass(frozen=True)
class HubFile:
    path: Path
    text: str
    mode: int = CONFIG_MODE


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # Python and INI files, not HTML
    )
    env.filters["pyrepr"] = repr
    return env


def require_hub(config: CourseConfig) -> HubConfig:
    if config.hub is None:
        raise ValueError("course.yml has no hub: section (see docs/operator.md)")
    return config.hub


def groups(config: CourseConfig, students: list[Student]) -> dict[str, list[str]]:
    hub = require_hub(config)
    course = config.course.id
    return {
        f"formgrade-{course}": sorted({*hub.instructors, hub.grader(course)}),
        f"nbgrader-{course}": sorted(s.id for s in students),
    }


def python_in(env: Path) -> str:
    return str(env / "bin" / "python")


def _env_path(env: Path) -> str:
    return f"{env / 'bin'}:/usr/local/bin:/usr/bin:/bin"


def render_jupyterhub_config(config: CourseConfig, students: list[Student]) -> str:
    hub = require_hub(config)
    course = config.course.id
    users = sorted({*hub.instructors, hub.grader(course), *(s.id for s in students)})
    template = _environment().get_template("jupyterhub_config.py.j2")
    return template.render(
        course_id=course,
        hub=hub,
        authenticator_class=AUTHENTICATORS[hub.authenticator],
        authenticator_note=AUTH_NOTES[hub.authenticator],
        instructors=sorted(hub.instructors),
        all_users=users,
        grader=hub.grader(course),
        groups=groups(config, students),
        student_python=python_in(hub.student_env),
        grader_python=python_in(hub.grader_env),
        course_root=str(hub.course_root(course)),
        spawner_env={**KERNEL_ENV, "PATH": _env_path(hub.student_env)},
        service_env={
            **KERNEL_ENV,
            "PATH": _env_path(hub.grader_env),
            "JUPYTERHUB_DEFAULT_URL": "/lab",
        },
        service_url_path=f"/services/{course}/formgrader",
    )


def render_global_nbgrader_config(config: CourseConfig) -> str:
    template = _environment().get_template("global_nbgrader_config.py.j2")
    return template.render(course_id=config.course.id, exchange_root=config.nbgrader.exchange_root)


def render_systemd_unit(config: CourseConfig) -> str:
    hub = require_hub(config)
    return (
        _environment()
        .get_template("course-hub.service.j2")
        .render(
            course_id=config.course.id,
            state_dir=hub.state_dir,
            grader_env=str(hub.grader_env),
            grader_python=python_in(hub.grader_env),
        )
    )


def page_config(role: str) -> str:
    """JupyterLab's ``labconfig/page_config.json``: nbgrader's plugins this role must not see."""
    enabled = ROLE_EXTENSIONS[role]["lab"]
    disabled = {f"{NBGRADER_LAB}:{name}": True for name in ALL_LAB if name not in enabled}
    return json.dumps({"disabledExtensions": disabled}, indent=2, sort_keys=True) + "\n"


def server_extensions(role: str) -> str:
    """A ``jupyter_server_config.d`` file loaded after nbgrader's own (which enables all)."""
    enabled = ROLE_EXTENSIONS[role]["server"]
    extensions = {f"{NBGRADER_SERVER}.{name}": name in enabled for name in ALL_SERVER}
    if role == "student":  # Validate with the Korean hints replaces nbgrader's handler
        extensions[VALIDATE_WITH_HINTS] = True
    document = {"ServerApp": {"jpserver_extensions": extensions}}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def kernelspec(env: Path) -> str:
    """The ``python3`` kernel of an environment, with TensorFlow kept quiet (nbgrader zeroes a
    test cell that wrote to stderr) and GPU memory grown on demand (students share a GPU)."""
    spec = notebook_kernelspec(python_in(env), "Python 3 (ipykernel)", KERNEL_ENV)
    return json.dumps(spec, indent=2, sort_keys=True) + "\n"


def environment_files(config: CourseConfig, role: str) -> list[HubFile]:
    hub = require_hub(config)
    env = hub.student_env if role == "student" else hub.grader_env
    etc = env / "etc" / "jupyter"
    return [
        HubFile(etc / "nbgrader_config.py", render_global_nbgrader_config(config)),
        HubFile(etc / "labconfig" / "page_config.json", page_config(role)),
        HubFile(etc / "jupyter_server_config.d" / "zz-course-role.json", server_extensions(role)),
        HubFile(env / "share" / "jupyter" / "kernels" / "python3" / "kernel.json", kernelspec(env)),
        HubFile(env / "share" / "jupyter" / "lab" / "settings" / "overrides.json", LAB_OVERRIDES),
    ]


def hub_files(config: CourseConfig, students: list[Student]) -> list[HubFile]:
    """Every generated file of the hub (not the environments' packages, not the token)."""
    hub = require_hub(config)
    state = Path(hub.state_dir)
    return [
        HubFile(state / "jupyterhub_config.py", render_jupyterhub_config(config, students)),
        HubFile(state / "course-hub.service", render_systemd_unit(config)),
        *environment_files(config, "student"),
        *environment_files(config, "grader"),
    ]

"""course.yml's ``hub:`` section: who is in the class and how the single-server hub is laid out.

Every name here becomes a Unix account, a JupyterHub user and an nbgrader student id at once
(nbgrader names submissions after the OS user), so names are checked against what ``useradd``
accepts before anything is created. The roster is either listed inline (``students:``) or read
from a CSV file in nbgrader's ``db student import`` format (``id,first_name,last_name,email``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

UNIX_NAME = r"^[a-z_][a-z0-9_-]{0,31}$"
UnixName = Annotated[str, StringConstraints(pattern=UNIX_NAME)]

# JupyterHub authenticator classes an operator can choose by short name. ``dummy`` accepts any
# password (or the shared one in ``authenticator_settings``): for tests only.
AUTHENTICATORS = {
    "native": "nativeauthenticator.NativeAuthenticator",
    "pam": "jupyterhub.auth.PAMAuthenticator",
    "generic-oauth": "oauthenticator.generic.GenericOAuthenticator",
    "lti13": "ltiauthenticator.lti13.auth.LTI13Authenticator",
    "dummy": "jupyterhub.auth.DummyAuthenticator",
}
# What the grader environment (the hub's own) must install for each (``None``: in JupyterHub).
AUTHENTICATOR_PACKAGES = {
    "native": "jupyterhub-nativeauthenticator",
    "pam": None,
    "generic-oauth": "oauthenticator",
    "lti13": "jupyterhub-ltiauthenticator",
    "dummy": None,
}


class RosterError(Exception):
    """The roster CSV cannot be read or holds an invalid or duplicate student id."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HubLimits(_Strict):
    memory: str = Field(default="4G", pattern=r"^[0-9]+[KMGT]?$", description="per student server")
    cpu: float = Field(default=1.0, gt=0, description="CPU cores per student server")


class Student(_Strict):
    id: UnixName
    first_name: str = ""
    last_name: str = ""
    email: str = ""


class HubConfig(_Strict):
    instructors: list[UnixName] = Field(min_length=1)
    grader_account: UnixName | None = Field(
        default=None, description="Unix account that runs the formgrader (default grader-<course>)"
    )
    students: list[UnixName] = []
    roster: str | None = Field(default=None, description="CSV id,first_name,last_name,email")
    authenticator: Literal["native", "pam", "generic-oauth", "lti13", "dummy"] = "native"
    authenticator_settings: dict[str, Any] = {}
    ip: str = Field(default="127.0.0.1", description="address the proxy listens on")
    port: int = Field(default=8000, ge=1, le=65535)
    hub_port: int = Field(default=8081, ge=1, le=65535, description="hub API, loopback only")
    proxy_api_port: int = Field(
        default=8001, ge=1, le=65535, description="proxy API, loopback only"
    )
    service_port: int = Field(default=9999, ge=1, le=65535, description="formgrader, loopback only")
    state_dir: str = Field(default="/srv/course-hub", description="hub config, database, secrets")
    prefix: str = Field(default="/opt/course-hub", description="student and grader environments")
    home_root: str = Field(default="/home", description="parent of the accounts' home folders")
    course_dir: str | None = Field(
        default=None, description="nbgrader course root (default <home>/<grader>/<course id>)"
    )
    python: str = Field(default="/usr/bin/python3.11", description="system-wide Python 3.11")
    tensorflow: Literal["cpu", "gpu"] = "cpu"
    limits: HubLimits = HubLimits()

    @model_validator(mode="after")
    def _roles_are_disjoint(self) -> HubConfig:
        both = sorted(set(self.instructors) & set(self.students))
        if both:
            raise ValueError(f"listed both as instructor and as student: {', '.join(both)}")
        if len(set(self.students)) != len(self.students):
            raise ValueError("a student is listed twice")
        return self

    def grader(self, course_id: str) -> str:
        return self.grader_account or f"grader-{course_id}"[:32]

    def course_root(self, course_id: str) -> Path:
        if self.course_dir:
            return Path(self.course_dir)
        return Path(self.home_root) / self.grader(course_id) / course_id

    @property
    def student_env(self) -> Path:
        return Path(self.prefix) / "student"

    @property
    def grader_env(self) -> Path:
        return Path(self.prefix) / "grader"

    def roster_students(self, config_dir: Path) -> list[Student]:
        """The inline students, then the roster CSV's (relative to course.yml's folder)."""
        students = [Student(id=name) for name in self.students]
        if self.roster:
            students += read_roster(config_dir / self.roster)
        seen: set[str] = set()
        for student in students:
            if student.id in seen:
                raise RosterError(f"student {student.id!r} appears twice in the class list")
            if student.id in self.instructors:
                raise RosterError(f"{student.id!r} is an instructor and a student")
            seen.add(student.id)
        return students


def parse_roster(text: str, source: str) -> list[Student]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "id" not in reader.fieldnames:
        raise RosterError(f"{source}: the first line must name the columns, with an 'id' column")
    students = []
    for line, row in enumerate(reader, start=2):
        fields = {k: (row.get(k) or "").strip() for k in ("id", "first_name", "last_name", "email")}
        try:
            students.append(Student(**fields))
        except ValueError:
            raise RosterError(
                f"{source}:{line}: {fields['id']!r} is not a valid Unix user name "
                "(lower-case letters, digits, '_' or '-', at most 32, not starting with a digit)"
            ) from None
    return students


def read_roster(path: Path) -> list[Student]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RosterError(f"cannot read the roster {path}: {exc.strerror}") from None
    return parse_roster(text, str(path))

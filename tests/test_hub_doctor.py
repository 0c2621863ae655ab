"""``course doctor``: every check fails, with a fix, when what it checks is broken.

The passing side of every check is the end-to-end test (``test_hub_e2e.py``), whose doctor
run on a real hub must be all green. Here each check meets one broken set-up.
"""

from __future__ import annotations

import json
import os
import pwd
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from grader.course.config import CourseConfig, parse_config
from grader.hub import doctor, environments, render
from grader.hub.exchange import create_exchange
from grader.hub.model import Student

ROOT = Path(__file__).resolve().parent.parent
ME = pwd.getpwuid(os.getuid()).pw_name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_config(tmp_path: Path, grading: dict | None = None, **hub) -> CourseConfig:
    data = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))
    data["nbgrader"]["exchange_root"] = str(tmp_path / "exchange")
    data["grading"].update(grading or {})
    data["hub"] = {
        "instructors": [ME],
        "grader_account": ME,
        "students": [],
        "state_dir": str(tmp_path / "state"),
        "prefix": str(tmp_path / "envs"),
        "course_dir": str(tmp_path / "course"),
        "hub_port": free_port(),
        **hub,
    }
    return parse_config(yaml.safe_dump(data, allow_unicode=True))


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Path:
    """Student and grader environments linked to this test's packages, with the role files."""
    base = tmp_path_factory.mktemp("doctor")
    config = make_config(base)
    for env in (config.hub.student_env, config.hub.grader_env):
        environments.create_venv(sys.executable, env, with_pip=False)
        environments.link_packages(env, Path(sys.prefix), run_pth_files=False)
    environments.write_files(render.environment_files(config, "student"))
    environments.write_files(render.environment_files(config, "grader"))
    return base


def test_tensorflow_check_fails_without_a_student_environment(tmp_path):
    result = doctor.check_tensorflow(make_config(tmp_path), [])
    assert not result.ok and "course hub install" in result.fix


def test_quiet_kernel_check_fails_on_a_kernelspec_without_the_quiet_environment(tmp_path):
    config = make_config(tmp_path)
    spec = config.hub.student_env / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True)
    spec.write_text(json.dumps({"argv": ["python"], "env": {"TF_CPP_MIN_LOG_LEVEL": "0"}}))
    result = doctor.check_kernel_quiet(config, [])
    assert not result.ok and "TF_CPP_MIN_LOG_LEVEL" in result.detail
    assert "TF_FORCE_GPU_ALLOW_GROWTH" in result.detail
    spec.write_text(render.kernelspec(config.hub.student_env))
    assert doctor.check_kernel_quiet(config, []).ok


def test_gpu_check_fails_when_the_course_wants_a_gpu_the_kernel_cannot_see(tmp_path):
    result = doctor.check_gpu(make_config(tmp_path, tensorflow="gpu"), [])
    assert not result.ok and "nvidia-smi" in result.fix


def test_exchange_check_fails_on_an_unwritable_or_missing_exchange(tmp_path):
    config = make_config(tmp_path)
    result = doctor.check_exchange(config, [])
    assert not result.ok and "does not exist" in result.detail
    if os.geteuid() != 0:
        pytest.skip("the exchange root belongs to root")
    create_exchange(tmp_path / "exchange", config.course.id, ME)
    assert doctor.check_exchange(config, []).ok
    os.chmod(tmp_path / "exchange", 0o755)  # students could not submit: "Unwritable directory"
    result = doctor.check_exchange(config, [])
    assert not result.ok and "needs 0o777" in result.detail


@contextmanager
def replaced(path: Path, text: str) -> Iterator[None]:
    """``path`` holds ``text`` inside the block; its own content is back afterwards (the
    linked environments are shared by the module's tests)."""
    saved = path.read_text()
    path.write_text(text)
    try:
        yield
    finally:
        path.write_text(saved)


def test_extension_check_fails_when_students_see_the_formgrader(linked):
    config = make_config(linked)
    assert doctor.check_extensions(config, []).ok, doctor.check_extensions(config, []).detail
    page = config.hub.student_env / "etc" / "jupyter" / "labconfig" / "page_config.json"
    with replaced(page, json.dumps({"disabledExtensions": {}})):
        result = doctor.check_extensions(config, [])
    assert not result.ok and "students see @jupyter/nbgrader:formgrader" in result.detail


def test_extension_check_fails_when_students_lack_validate_with_hints(linked):
    config = make_config(linked)
    switches = (
        config.hub.student_env
        / "etc"
        / "jupyter"
        / "jupyter_server_config.d"
        / "zz-course-role.json"
    )
    document = json.loads(switches.read_text())
    document["ServerApp"]["jpserver_extensions"]["grader.hub.validate_ext"] = False
    with replaced(switches, json.dumps(document)):
        result = doctor.check_extensions(config, [])
    assert not result.ok and "grader.hub.validate_ext" in result.detail


def test_service_and_groups_check_fails_when_the_hub_does_not_answer(tmp_path):
    config = make_config(tmp_path)
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "course-service.token").write_text("t\n")
    result = doctor.check_service_and_groups(config, [])
    assert not result.ok and "hub API" in result.detail and "start the hub" in result.fix


def test_gradebook_check_fails_when_the_gradebook_cannot_be_opened(tmp_path):
    result = doctor.check_gradebook(make_config(tmp_path), [])
    assert not result.ok and "nbgrader.db_url" in result.fix


def test_roster_check_fails_for_a_student_without_account_or_gradebook_entry(tmp_path, monkeypatch):
    config = make_config(tmp_path)
    monkeypatch.setattr(doctor, "_gradebook_students", lambda config: ({ME}, ""))
    students = [Student(id=ME), Student(id="nosuchstudent")]
    result = doctor.check_roster(config, students)
    assert not result.ok
    assert "no Unix account: nosuchstudent" in result.detail
    assert "not in the gradebook: nosuchstudent" in result.detail
    assert "import-roster" in result.fix
    assert doctor.check_roster(config, [Student(id=ME)]).ok


def test_private_files_check_fails_when_students_could_read_hidden_graders(tmp_path):
    config = make_config(tmp_path)
    hidden = environments.site_packages(config.hub.grader_env) / "grader" / "graders" / "hidden"
    hidden.mkdir(parents=True)
    (tmp_path / "course").mkdir(mode=0o770)
    os.chmod(tmp_path / "course", 0o770)
    os.chmod(hidden, 0o755)
    result = doctor.check_private_files(config, [])
    assert not result.ok and str(hidden) in result.detail
    os.chmod(hidden, 0o750)
    assert doctor.check_private_files(config, []).ok


def test_sandbox_check_fails_when_the_sandbox_uids_belong_to_accounts(tmp_path):
    taken = pwd.getpwnam("nobody").pw_uid
    config = make_config(tmp_path, grading={"sandbox_uid_base": taken})
    result = doctor.check_sandbox(config, [])
    assert not result.ok and "nobody" in result.detail and "sandbox_uid_base" in result.fix


def test_every_check_has_a_failing_test_here():
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [c.__name__ for c in doctor.CHECKS if f"doctor.{c.__name__}(" not in source]
    assert untested == []


def test_sandbox_check_fails_when_the_confinement_probe_cannot_run(tmp_path):
    config = make_config(tmp_path, grading={"sandbox_uid_base": 64900})  # no grader environment
    result = doctor.check_sandbox(config, [])
    assert not result.ok and "cannot create network/mount namespaces" in result.detail

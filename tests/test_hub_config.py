"""course.yml's hub: section and the files ``course hub`` generates from it."""

from __future__ import annotations

import json
import os
import pwd
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from nbformat import v4
from traitlets.config import Config
from typer.testing import CliRunner

from grader.cli import app
from grader.course.config import ConfigError, CourseConfig, parse_config
from grader.hub import environments, render
from grader.hub.exchange import create_exchange, exchange_problems
from grader.hub.model import RosterError, Student, parse_roster
from grader.hub.validate_ext import ValidatorWithHints

ROOT = Path(__file__).resolve().parent.parent
ME = pwd.getpwuid(os.getuid()).pw_name


def course_with_hub(tmp_path: Path, **hub) -> CourseConfig:
    data = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))
    data["nbgrader"]["exchange_root"] = str(tmp_path / "exchange")
    data["hub"] = {
        "instructors": ["prof"],
        "students": ["kim", "lee"],
        "state_dir": str(tmp_path / "state"),
        "prefix": str(tmp_path / "envs"),
        "home_root": str(tmp_path / "home"),
        **hub,
    }
    return parse_config(yaml.safe_dump(data, allow_unicode=True))


def load_generated(text: str, tmp_path: Path) -> Config:
    """Run a generated traitlets config file the way JupyterHub/nbgrader do."""
    config = Config()
    path = tmp_path / "generated_config.py"
    path.write_text(text, encoding="utf-8")
    exec(compile(text, str(path), "exec"), {"get_config": lambda: config, "__file__": str(path)})
    return config


def test_hub_section_is_optional_and_validated(tmp_path):
    assert parse_config((ROOT / "course.yml").read_text(encoding="utf-8")).hub is not None
    data = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))
    data.pop("hub")
    assert parse_config(yaml.safe_dump(data, allow_unicode=True)).hub is None
    data["hub"] = {"instructors": ["prof"], "students": ["Kim Minsu"], "autenticator": "dummy"}
    with pytest.raises(ConfigError) as caught:
        parse_config(yaml.safe_dump(data, allow_unicode=True))
    assert "hub.students.0" in str(caught.value)
    assert "hub.autenticator: unknown key" in str(caught.value)
    data["hub"] = {"instructors": ["prof"], "students": ["prof"]}
    with pytest.raises(ConfigError, match="both as instructor and as student: prof"):
        parse_config(yaml.safe_dump(data, allow_unicode=True))


def test_roster_csv_is_checked_line_by_line(tmp_path):
    students = parse_roster("id,first_name,last_name,email\nkim,민수,김,k@x\n", "r.csv")
    assert students == [Student(id="kim", first_name="민수", last_name="김", email="k@x")]
    with pytest.raises(RosterError, match=r"r.csv:3: 'Lee Ji' is not a valid Unix user name"):
        parse_roster("id\nkim\nLee Ji\n", "r.csv")
    with pytest.raises(RosterError, match="'id' column"):
        parse_roster("name\nkim\n", "r.csv")
    (tmp_path / "roster.csv").write_text("id\nkim\n", encoding="utf-8")
    config = course_with_hub(tmp_path, roster="roster.csv")
    with pytest.raises(RosterError, match="'kim' appears twice"):
        config.hub.roster_students(tmp_path)


def test_jupyterhub_config_spawns_real_accounts_with_roles_and_a_token_from_a_file(tmp_path):
    config = course_with_hub(tmp_path)
    students = config.hub.roster_students(tmp_path)
    text = render.render_jupyterhub_config(config, students)
    (tmp_path / "course-service.token").write_text("t0k3n\n", encoding="ascii")
    c = load_generated(text, tmp_path)
    course = config.course.id
    assert c.JupyterHub.spawner_class == "jupyterhub.spawner.LocalProcessSpawner"
    assert c.JupyterHub.ip == "127.0.0.1" and c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.Spawner.cmd[0] == str(tmp_path / "envs" / "student" / "bin" / "python")
    assert c.Spawner.environment["TF_FORCE_GPU_ALLOW_GROWTH"] == "true"
    assert c.JupyterHub.load_groups == {
        f"formgrade-{course}": {"users": ["grader-dlpy-ch03", "prof"]},
        f"nbgrader-{course}": {"users": ["kim", "lee"]},
    }
    roles = {role["name"]: role for role in c.JupyterHub.load_roles}
    assert roles[f"formgrade-{course}"]["scopes"] == [f"access:services!service={course}"]
    assert roles[f"nbgrader-{course}"]["scopes"] == [
        "list:services", f"read:services!service={course}"
    ]  # fmt: skip
    (service,) = c.JupyterHub.services
    assert service["name"] == course and service["user"] == "grader-dlpy-ch03"
    assert service["api_token"] == "t0k3n" and "t0k3n" not in text
    assert service["url"].startswith("http://127.0.0.1:")
    assert service["cwd"] == str(tmp_path / "home" / "grader-dlpy-ch03" / course)
    assert c.JupyterHub.authenticator_class == "nativeauthenticator.NativeAuthenticator"
    assert "frame-ancestors" not in text  # the CSP is never weakened for an iframe


def test_dummy_authenticator_settings_are_passed_on(tmp_path):
    config = course_with_hub(
        tmp_path, authenticator="dummy", authenticator_settings={"password": "pw"}
    )
    (tmp_path / "course-service.token").write_text("t", encoding="ascii")
    c = load_generated(render.render_jupyterhub_config(config, []), tmp_path)
    assert c.JupyterHub.authenticator_class == "jupyterhub.auth.DummyAuthenticator"
    assert c.DummyAuthenticator.password == "pw"


def test_global_nbgrader_config_uses_the_course_exchange_and_the_hub_plugin(tmp_path):
    config = course_with_hub(tmp_path)
    c = load_generated(render.render_global_nbgrader_config(config), tmp_path)
    assert c.Exchange.path_includes_course is True
    assert c.Exchange.root == str(tmp_path / "exchange")
    assert c.Authenticator.plugin_class.__name__ == "JupyterHubAuthPlugin"


def test_each_role_gets_only_its_nbgrader_extensions():
    student = json.loads(render.page_config("student"))["disabledExtensions"]
    grader = json.loads(render.page_config("grader"))["disabledExtensions"]
    assert set(student) == {
        "@jupyter/nbgrader:formgrader",
        "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:course-list",
    }
    assert set(grader) == {"@jupyter/nbgrader:assignment-list"}
    server = json.loads(render.server_extensions("student"))["ServerApp"]["jpserver_extensions"]
    assert server["nbgrader.server_extensions.formgrader"] is False
    assert server["nbgrader.server_extensions.validate_assignment"] is False
    assert server["grader.hub.validate_ext"] is True
    assert server["nbgrader.server_extensions.assignment_list"] is True


def test_kernelspec_keeps_tensorflow_quiet_and_grows_gpu_memory(tmp_path):
    spec = json.loads(render.kernelspec(tmp_path / "env"))
    assert spec["argv"][0] == str(tmp_path / "env" / "bin" / "python")
    assert spec["env"]["TF_CPP_MIN_LOG_LEVEL"] == "2"
    assert spec["env"]["TF_FORCE_GPU_ALLOW_GROWTH"] == "true"


def test_systemd_unit_starts_the_hub_from_the_grader_environment(tmp_path):
    config = course_with_hub(tmp_path)
    unit = render.render_systemd_unit(config)
    grader_python = tmp_path / "envs" / "grader" / "bin" / "python"
    assert (
        f"ExecStart={grader_python} -m jupyterhub -f {tmp_path / 'state'}/jupyterhub_config.py"
        in unit
    )
    assert "WantedBy=multi-user.target" in unit


def test_deploy_folder_holds_what_the_generator_makes_for_course_yml(tmp_path):
    result = CliRunner().invoke(
        app, ["hub", "render", str(tmp_path), "--config", str(ROOT / "course.yml")]
    )
    assert result.exit_code == 0, result.output
    generated = {p.relative_to(tmp_path): p.read_text() for p in tmp_path.rglob("*") if p.is_file()}
    committed = ROOT / "deploy" / "generated"
    on_disk = {p.relative_to(committed): p.read_text() for p in committed.rglob("*") if p.is_file()}
    assert generated == on_disk, "run `course hub render deploy/generated` and commit the result"


def test_exchange_is_created_as_nbgrader_expects_and_drift_is_reported(tmp_path):
    root = tmp_path / "exchange"
    if os.geteuid() != 0:
        pytest.skip("the exchange root belongs to root")
    create_exchange(root, "c1", ME)
    assert exchange_problems(root, "c1", ME) == []
    assert stat.S_IMODE(root.stat().st_mode) == 0o777
    assert stat.S_IMODE((root / "c1" / "inbound").stat().st_mode) == 0o2733
    os.chmod(root / "c1" / "inbound", 0o755)
    (problem,) = exchange_problems(root, "c1", ME)
    assert problem.path == root / "c1" / "inbound" and "needs 0o2733" in problem.problem


def test_linked_environments_see_packages_but_students_not_the_editable_kit(tmp_path):
    student, grader = tmp_path / "envs" / "student", tmp_path / "envs" / "grader"
    for env, run_pth in ((student, False), (grader, True)):
        environments.create_venv(sys.executable, env, with_pip=False)
        environments.link_packages(env, Path(sys.prefix), run_pth_files=run_pth)
        environments.link_scripts(env, Path(sys.prefix))
    probe = "import importlib.util as u; print(u.find_spec('nbgrader') is not None, u.find_spec('grader') is not None)"
    outputs = {}
    for env in (student, grader):
        result = subprocess.run([str(env / "bin" / "python"), "-c", probe], capture_output=True,
                                text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})  # fmt: skip
        outputs[env.name] = result.stdout.strip()
    assert outputs == {"student": "True False", "grader": "True True"}
    nbgrader_script = (grader / "bin" / "nbgrader").read_text()
    assert nbgrader_script.startswith(f"#!{grader / 'bin' / 'python'}\n")
    assert (student / "share" / "jupyter" / "lab").is_dir()


def test_validate_shows_the_test_cell_report_before_nbgraders_verdict():
    cell = v4.new_code_cell(
        "run_tests(...)",
        metadata={
            "nbgrader": {
                "grade": True,
                "grade_id": "t",
                "points": 2,
                "solution": False,
                "locked": True,
                "schema_version": 3,
            }
        },
        outputs=[
            v4.new_output(
                "stream",
                name="stdout",
                text="공개 테스트: 0/1개 통과\n  ✗ tape.watch를 호출했나요?\n",
            ),
            v4.new_output("execute_result", data={"text/plain": "0.0"}, execution_count=1),
        ],
    )
    error = ValidatorWithHints()._extract_error(cell)
    assert error.startswith("공개 테스트: 0/1개 통과\n  ✗ tape.watch를 호출했나요?")
    assert error.endswith("Partial credit; passed some but not all of the tests")


def test_hub_commands_explain_a_missing_hub_section(tmp_path):
    data = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))
    data.pop("hub")
    (tmp_path / "course.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, ["doctor", "--config", str(tmp_path / "course.yml")])
    assert result.exit_code == 2
    assert "has no hub: section" in result.output
    result = CliRunner().invoke(
        app, ["hub", "add-student", "park", "--config", str(ROOT / "course.yml")]
    )
    assert result.exit_code == 2 and "hub.roster names no CSV file" in result.output

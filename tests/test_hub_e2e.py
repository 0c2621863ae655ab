"""The classroom hub end to end: a real JupyterHub on 127.0.0.1, real Unix accounts, and Debian's
Chromium driven headless by Playwright through everything an instructor and two students do.

``course hub install`` sets up the class (accounts, environments, exchange, gradebook, hub
config) in a private temporary prefix; the hub is started with the command of the generated
systemd unit. The environments reuse this test's own packages (``--link``): a real install
pulls 600 MB of TensorFlow per environment, which is what the installer does on a class server
but would dominate CI. Screenshots of every step go to ``HUB_ARTIFACTS`` (default
``test-artifacts/hub/``), printed at the start.

Needs root (it creates and deletes Unix accounts), Chromium, the CJK fonts,
configurable-http-proxy and Playwright; ``.ci/run`` installs them, and the test skips, saying
which one is missing, only where they could not be installed.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, NOT_INSTALLED

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_PYTHON = "/usr/bin/python3.11"
COURSE = str(Path(sys.executable).parent / "course")
CJK_FONTS = Path("/usr/share/fonts/opentype/noto")
EXERCISE = "ex04_gradient_tape"
PASSWORD = secrets.token_hex(8)
SERVER_START_S = 180
ACTION_MS = 60_000
VALIDATE_MS = 240_000

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.xdist_group(name="hub")]


def missing_prerequisite() -> str | None:
    if os.geteuid() != 0:
        return "needs root: the test creates and removes Unix accounts (useradd)"
    for tool in ("useradd", "userdel", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not CHROMIUM.exists():
        return NOT_INSTALLED
    if not CJK_FONTS.is_dir():
        return "fonts-noto-cjk is not installed (Korean text would render as boxes)"
    if shutil.which("configurable-http-proxy") is None:
        return "configurable-http-proxy is not installed (npm install -g configurable-http-proxy)"
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} (Debian's python3.11) is not installed"
    try:
        import jupyterhub  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return f"the hub extra is not installed ({exc.name}): pip install -e '.[hub]'"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Hub:
    base: Path
    config_path: Path
    course_root: Path
    grader_env: Path
    url: str
    instructor: str
    students: list[str]
    late_student: str
    artifacts: Path
    process: subprocess.Popen
    seen_by_students: list[tuple[str, str]] = field(default_factory=list)

    def as_instructor(self, *args: str) -> str:
        """An nbgrader command as the instructor would type it in the course root."""
        env = [
            f"HOME={self.base / 'home' / self.instructor}",
            f"PATH={self.grader_env / 'bin'}:/usr/bin:/bin",
            "TF_CPP_MIN_LOG_LEVEL=2",
        ]
        command = ["runuser", "-u", self.instructor, "--", "env", "-i", *env,
                   str(self.grader_env / "bin" / "python"), "-m", "nbgrader", *args]  # fmt: skip
        result = subprocess.run(
            command, cwd=self.course_root, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stdout}{result.stderr}"
        return result.stdout + result.stderr


def _wait_for_hub(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the hub exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/hub/api", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the hub did not answer within 90 s:\n{log.read_text()[-3000:]}")


def _processes_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def _remove_account(name: str) -> None:
    """Remove a test account, after stopping what the hub left running under it."""
    import pwd

    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for pid in _processes_of(uid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    subprocess.run(["userdel", "--remove", name], capture_output=True)
    subprocess.run(["groupdel", name], capture_output=True)


def _artifacts() -> Path:
    folder = Path(os.environ.get("HUB_ARTIFACTS", ROOT / "test-artifacts" / "hub"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    reason = missing_prerequisite()
    if reason:
        pytest.skip(reason)
    artifacts = _artifacts()
    print(f"\nhub e2e screenshots and logs: {artifacts}")
    # Not under /tmp: sandbox children get a private /tmp, and the grader environment must stay
    # visible to them. The test accounts must reach their homes and environments.
    scratch = Path(os.environ.get("HUB_E2E_SCRATCH", ROOT / "test-artifacts"))
    scratch.mkdir(parents=True, exist_ok=True)
    for folder in (scratch.resolve(), *scratch.resolve().parents):
        if folder.stat().st_mode & 0o005 != 0o005:
            pytest.skip(f"{folder} is not readable by other accounts; set HUB_E2E_SCRATCH")
    base = Path(tempfile.mkdtemp(prefix="hub-run-", dir=scratch))
    os.chmod(base, 0o755)
    tag = secrets.token_hex(2)
    instructor, students = f"hubi{tag}", [f"hubs{tag}a", f"hubs{tag}b"]
    late = f"hubs{tag}c"  # joins the class later through `course hub import-roster`
    ports = {k: free_port() for k in ("port", "hub_port", "proxy_api_port", "service_port")}
    course = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))
    course["nbgrader"]["exchange_root"] = str(base / "exchange")
    course["grading"]["sandbox_uid_base"] = 63700
    course["hub"] = {
        "instructors": [instructor],
        "grader_account": instructor,
        "students": students,
        "roster": "roster.csv",
        "authenticator": "dummy",
        "authenticator_settings": {"password": PASSWORD},
        **ports,
        "state_dir": str(base / "state"),
        "prefix": str(base / "envs"),
        "home_root": str(base / "home"),
        "python": SYSTEM_PYTHON,
    }
    (base / "course").mkdir()
    (base / "course" / "roster.csv").write_text("id,first_name,last_name,email\n", encoding="utf-8")
    config_path = base / "course" / "course.yml"
    config_path.write_text(yaml.safe_dump(course, allow_unicode=True), encoding="utf-8")
    process = None
    try:
        install = subprocess.run(
            [COURSE, "hub", "install", "--config", str(config_path),
             "--kit", str(ROOT), "--link", sys.prefix, "--no-systemd"],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        (artifacts / "install.log").write_text(install.stdout + install.stderr, encoding="utf-8")
        assert install.returncode == 0, install.stdout + install.stderr
        state = base / "state"
        unit = (state / "course-hub.service").read_text(encoding="utf-8")
        exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
        path = next(line for line in unit.splitlines() if line.startswith("Environment=PATH="))
        log = artifacts / "jupyterhub.log"
        process = subprocess.Popen(
            exec_start.removeprefix("ExecStart=").split(),
            cwd=state, stdout=log.open("wb"), stderr=subprocess.STDOUT,
            env={"PATH": path.removeprefix("Environment=PATH="), "LANG": "C.UTF-8"},
            start_new_session=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{ports['port']}"
        _wait_for_hub(url, process, log)
        grader_env = base / "envs" / "grader"
        yield Hub(base, config_path, base / "home" / instructor / course["course"]["id"],
                  grader_env, url, instructor, students, late, artifacts, process)  # fmt: skip
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for name in (instructor, *students, late):
            _remove_account(name)
        shutil.rmtree(base, ignore_errors=True)


class Browser:
    """One Chromium, one context (cookie jar) per hub user."""

    def __init__(self, hub: Hub) -> None:
        from playwright.sync_api import sync_playwright

        self.hub = hub
        self._manager = sync_playwright()
        self._playwright = self._manager.start()
        self._browser = self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        self.step = 0

    def login(self, user: str, next_path: str = ""):
        context = self._browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.set_default_timeout(ACTION_MS)
        query = f"?next={urllib.request.quote(next_path)}" if next_path else ""
        page.goto(f"{self.hub.url}/hub/login{query}")
        page.fill("#username_input", user)
        page.fill("#password_input", PASSWORD)
        page.click("#login_submit")
        return page

    def shot_all(self, name: str) -> None:
        """Every open page, e.g. when a step failed."""
        for number, context in enumerate(self._browser.contexts):
            for page in context.pages:
                page.screenshot(path=str(self.hub.artifacts / f"{name}-{number}.png"))

    def shot(self, page, name: str, user: str) -> None:
        self.step += 1
        page.screenshot(path=str(self.hub.artifacts / f"{self.step:02d}-{name}.png"))
        if user in self.hub.students:
            self.hub.seen_by_students.append((f"{self.step:02d}-{name}", page.content()))

    def close(self) -> None:
        self._browser.close()
        self._manager.__exit__(None, None, None)


def open_lab(browser: Browser, user: str):
    page = browser.login(user)
    page.wait_for_selector("#jp-main-dock-panel", timeout=SERVER_START_S * 1000)
    return page


def open_assignments(page) -> None:
    page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
    page.click(".lm-Menu-itemLabel:text-is('Assignment List')")
    page.wait_for_selector("text=Released assignments")


def fetch_ch03(page) -> None:
    released = page.locator("#released_assignments_list")
    released.get_by_role("button", name="Fetch").click()
    page.locator("#fetched_assignments_list .assignment-notebooks-link").wait_for()


def submit_ch03(page) -> None:
    page.locator("#fetched_assignments_list").get_by_role("button", name="Submit").click()
    page.locator("#submitted_assignments_list .item_name").first.wait_for()


def solution_cells(course_root: Path) -> list[str]:
    """The answer cells of the source notebook with the solution markers taken out: what an
    honest student types."""
    notebook = json.loads((course_root / "source" / "ch03" / f"{EXERCISE}.ipynb").read_text())
    answers = []
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            lines = "".join(cell["source"]).splitlines()
            answers.append(
                "\n".join(x for x in lines if "### BEGIN" not in x and "### END" not in x)
            )
    return answers


def validate(page) -> str:
    page.get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog-content")
    dialog.wait_for(timeout=VALIDATE_MS)
    return dialog.inner_text()


def close_dialog(page) -> None:
    page.locator(".jp-Dialog-content").get_by_role("button").last.click()
    page.locator(".jp-Dialog-content").wait_for(state="detached")


def type_answers(page, answers: list[str]) -> None:
    """Replace each answer cell's text, typed into the cell's editor in the notebook UI."""
    editors = page.locator(".jp-CodeCell .cm-content", has_text="NotImplementedError")
    assert editors.count() == len(answers)
    for answer in answers:
        editor = editors.first  # the cells already answered no longer match
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(answer)  # as typed, without the editor's auto-indent
        page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1000)


def hidden_snippets() -> list[str]:
    """Code lines of the hidden graders and the hidden test cell: none may reach a student."""
    source = (ROOT / "grader" / "graders" / "hidden" / f"test_{EXERCISE}.py").read_text(
        encoding="utf-8"
    )
    tree = ast.parse(source)
    lines = source.splitlines()
    code = [
        lines[node.lineno - 1].strip()
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.For | ast.Return) and node.lineno == node.end_lineno
    ]
    return ["BEGIN HIDDEN TESTS", 'visibility="hidden"', "### BEGIN SOLUTION",
            *[line for line in code if len(line) > 25][:8]]  # fmt: skip


def test_class_on_the_hub_end_to_end(hub: Hub) -> None:
    started = time.monotonic()
    from nbgrader.api import Gradebook

    hub.as_instructor("generate_assignment", "ch03", "--force")
    hub.as_instructor("release_assignment", "ch03", "--force")
    first, second = hub.students
    browser = Browser(hub)
    try:
        page = open_lab(browser, first)
        open_assignments(page)
        browser.shot(page, "student1-assignments", first)
        fetch_ch03(page)
        page.locator("#fetched_assignments_list .assignment-notebooks-link").click()
        browser.shot(page, "student1-fetched", first)
        page.locator("#fetched_assignments_list").get_by_text(EXERCISE).click()
        page.wait_for_selector(".jp-Notebook .jp-CodeCell")
        browser.shot(page, "student1-notebook", first)
        hints = validate(page)
        browser.shot(page, "student1-validate-stub", first)
        assert "공개 테스트" in hints and "통과" in hints, hints
        close_dialog(page)
        type_answers(page, solution_cells(hub.course_root))
        browser.shot(page, "student1-answered", first)
        verdict = validate(page)
        browser.shot(page, "student1-validate-answer", first)
        assert "Success" in verdict, verdict
        close_dialog(page)
        open_assignments(page)
        submit_ch03(page)
        browser.shot(page, "student1-submitted", first)

        page2 = open_lab(browser, second)
        open_assignments(page2)
        fetch_ch03(page2)
        submit_ch03(page2)
        browser.shot(page2, "student2-submitted", second)

        hub.as_instructor("collect", "ch03")
        hub.as_instructor("autograde", "ch03")
        formgrader = f"/services/{hub.course_root.name}/formgrader"
        teacher = browser.login(hub.instructor, next_path=f"{formgrader}/gradebook/ch03/{EXERCISE}")
        teacher.wait_for_selector("text=Submission #2")  # names are hidden on this page
        browser.shot(teacher, "instructor-formgrader-ex04", hub.instructor)
        teacher.goto(f"{hub.url}{formgrader}/manage_students")
        teacher.wait_for_selector(f"td:has-text('{second}')")
        teacher.wait_for_selector("td:has-text('15 / 100')")
        browser.shot(teacher, "instructor-formgrader-students", hub.instructor)
        formgrader_text = teacher.inner_text("body")

        hub.as_instructor("generate_feedback", "ch03")
        hub.as_instructor("release_feedback", "ch03")
        open_assignments(page)
        page.get_by_role("button", name="Fetch Feedback").click()
        feedback = sorted(
            (hub.base / "home" / first / hub.course_root.name / "ch03" / "feedback").glob(
                f"*/{EXERCISE}.html"
            )
        )
        deadline = time.monotonic() + 30
        while not feedback and time.monotonic() < deadline:
            time.sleep(0.5)
            feedback = sorted(
                (hub.base / "home" / first / hub.course_root.name / "ch03" / "feedback").glob(
                    f"*/{EXERCISE}.html"
                )
            )
        assert feedback, "student 1 got no feedback"
        relative = feedback[-1].relative_to(hub.base / "home" / first)
        page.goto(f"{hub.url}/user/{first}/files/{relative}")
        page.locator("text=숨겨진 테스트").first.scroll_into_view_if_needed()
        browser.shot(page, "student1-feedback", first)
        report = page.inner_text("body")
    except Exception:
        browser.shot_all("failed")
        raise
    finally:
        browser.close()

    assert "공개 테스트" in report and "숨겨진 테스트" in report, report[:2000]
    for step, html in hub.seen_by_students:
        for snippet in hidden_snippets():
            assert snippet not in html, f"{step}: a student page shows {snippet!r}"

    db_url = f"sqlite:///{hub.course_root / 'gradebook.db'}"
    with Gradebook(db_url, hub.course_root.name) as book:
        scores = {s: book.find_submission_notebook(EXERCISE, "ch03", s).score for s in hub.students}
        submitted = sorted(sub.student.id for sub in book.assignment_submissions("ch03"))
    assert submitted == sorted(hub.students)
    assert scores == {first: 15.0, second: 0.0}, scores
    assert first in formgrader_text and second in formgrader_text

    doctor = subprocess.run(
        [COURSE, "doctor", "--config", str(hub.config_path)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    (hub.artifacts / "doctor.txt").write_text(doctor.stdout + doctor.stderr, encoding="utf-8")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "FAIL" not in doctor.stdout
    print(f"hub e2e flow took {time.monotonic() - started:.0f} s")


def test_a_student_who_joins_later_gets_account_gradebook_entry_and_group(hub: Hub) -> None:
    import pwd

    from nbgrader.api import Gradebook

    from grader.course.config import load_config
    from grader.hub import hubapi

    new = hub.base / "late.csv"
    new.write_text(
        f"id,first_name,last_name,email\n{hub.late_student},지민,박,\n", encoding="utf-8"
    )
    result = subprocess.run([COURSE, "hub", "import-roster", str(new), "--config", str(hub.config_path)],
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    pwd.getpwnam(hub.late_student)  # the Unix account exists
    assert hub.late_student in (hub.config_path.parent / "roster.csv").read_text(encoding="utf-8")
    with Gradebook(f"sqlite:///{hub.course_root / 'gradebook.db'}", hub.course_root.name) as book:
        assert book.find_student(hub.late_student).first_name == "지민"
    config = load_config(hub.config_path)
    group = hubapi.call(config, "GET", f"/groups/nbgrader-{config.course.id}")
    assert hub.late_student in group["users"]
    again = subprocess.run([COURSE, "hub", "import-roster", str(new), "--config", str(hub.config_path)],
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert again.returncode == 0 and "1 already in the class" in again.stdout

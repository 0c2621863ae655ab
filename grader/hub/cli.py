"""``course hub …`` and ``course doctor``: the operator's commands."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from grader.course.config import ConfigError, CourseConfig, find_config, load_config
from grader.hub.model import RosterError, Student, read_roster
from grader.hub.system import HubSetupError

app = typer.Typer(no_args_is_help=True, help="The classroom JupyterHub, generated from course.yml.")
console = Console()
errors = Console(stderr=True)
KIT_ROOT = Path(__file__).resolve().parents[2]

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="course.yml (default: found from the working directory)"),
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    errors.print(f"error: {message}", highlight=False, markup=False)
    return typer.Exit(code)


def _load(config_path: Path | None) -> tuple[CourseConfig, Path, list[Student]]:
    try:
        path = (config_path or find_config()).resolve()
        config = load_config(path)
        if config.hub is None:
            raise ConfigError(f"{path} has no hub: section (see docs/operator.md)")
        return config, path.parent, config.hub.roster_students(path.parent)
    except (ConfigError, RosterError) as exc:
        raise _fail(str(exc)) from None


@app.command()
def render(
    out: Annotated[Path, typer.Argument(help="folder to write the generated files into")],
    config: ConfigOption = None,
) -> None:
    """Write the generated hub files under OUT (their server paths, re-rooted), to review."""
    from grader.hub.render import hub_files

    course, _, students = _load(config)
    for item in hub_files(course, students):
        target = out / item.path.relative_to(item.path.anchor)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item.text, encoding="utf-8")
        console.print(f"{item.path} -> {target}", highlight=False)


@app.command()
def install(
    config: ConfigOption = None,
    kit: Annotated[Path, typer.Option(help="the kit checkout (grader/, solutions/)")] = KIT_ROOT,
    link: Annotated[
        Path | None,
        typer.Option(help="tests/development: reuse this environment's packages instead of pip"),
    ] = None,
    systemd_dir: Annotated[Path | None, typer.Option(help="where the systemd unit goes")] = Path(
        "/etc/systemd/system"
    ),
    no_systemd: Annotated[bool, typer.Option(help="write no systemd unit")] = False,
    start: Annotated[bool, typer.Option(help="enable and start the systemd unit")] = False,
) -> None:
    """Set up the whole single-server hub (run as root on Debian/Ubuntu)."""
    from grader.hub.install import InstallOptions
    from grader.hub.install import install as run_install

    course, config_dir, students = _load(config)
    options = InstallOptions(
        kit_root=kit.resolve(), config_dir=config_dir, link=link,
        systemd_dir=None if no_systemd else systemd_dir, start=start,
    )  # fmt: skip
    try:
        run_install(
            course, students, options, say=lambda line: console.print(line, highlight=False)
        )
    except HubSetupError as exc:
        raise _fail(str(exc), 3) from None
    console.print("done: run `course doctor` to check the hub")


def _roster_path(course: CourseConfig, config_dir: Path) -> Path:
    if course.hub is None or not course.hub.roster:
        raise _fail("course.yml hub.roster names no CSV file to keep the class list in")
    return config_dir / course.hub.roster


def _append_to_roster(path: Path, new: list[Student]) -> None:
    exists = path.exists() and path.stat().st_size > 0
    with path.open("a", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["id", "first_name", "last_name", "email"])
        if not exists:
            writer.writeheader()
        for student in new:
            writer.writerow(student.model_dump())


def _start_roster(config_path: Path | None) -> None:
    """An empty roster (header only) where course.yml names one that does not exist yet, so
    the first ``add-student`` starts the class list."""
    try:
        path = (config_path or find_config()).resolve()
        course = load_config(path)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    roster = _roster_path(course, path.parent)
    if not roster.exists():
        _append_to_roster(roster, [])


def _add(config: Path | None, new: list[Student]) -> None:
    from grader.hub.install import add_students

    _start_roster(config)
    course, config_dir, students = _load(config)
    known = {s.id for s in students}
    fresh = [s for s in new if s.id not in known]
    if fresh:
        _append_to_roster(_roster_path(course, config_dir), fresh)
    course, config_dir, students = _load(config)
    try:
        add_students(course, students, fresh)
    except HubSetupError as exc:
        raise _fail(str(exc), 3) from None
    console.print(f"added {len(fresh)} student(s); {len(new) - len(fresh)} already in the class")


@app.command("add-student")
def add_student(
    student_id: Annotated[str, typer.Argument(help="the student's Unix/hub user name")],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    config: ConfigOption = None,
) -> None:
    """Add one student: roster, Unix account, gradebook and hub group in step."""
    try:
        student = Student(id=student_id, first_name=first_name, last_name=last_name, email=email)
    except ValueError:
        raise _fail(f"{student_id!r} is not a valid Unix user name") from None
    _add(config, [student])


@app.command("import-roster")
def import_roster(
    file: Annotated[Path, typer.Argument(help="CSV with id,first_name,last_name,email")],
    config: ConfigOption = None,
) -> None:
    """Add every student of FILE that is not in the class yet."""
    try:
        new = read_roster(file)
    except RosterError as exc:
        raise _fail(str(exc)) from None
    _add(config, new)


def doctor(config: ConfigOption = None) -> None:
    """Check the classroom hub: one line per check, with the fix for each failure."""
    from grader.hub.doctor import print_report, run_checks

    course, _config_dir, students = _load(config)
    results = run_checks(course, students)
    print_report(results, console)
    raise typer.Exit(0 if all(r.ok for r in results) else 1)

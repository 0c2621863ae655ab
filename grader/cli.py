"""The ``course`` command line: check, build, grade."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from grader.course import interrupt
from grader.course.messages import KOREAN, Msg
from grader.course.tfenv import quiet_tensorflow
from grader.sandbox.interpreter import protect_module_path

quiet_tensorflow()
protect_module_path()  # `course grade .` may run inside the submissions folder

# Help is printed before any course.yml is read (and is the same for every course), so each
# text carries both languages, Korean first like every other output of the kit.
NAMING_RULE = Msg(
    "파일 이름은 exNN_name.py 또는 exNN_name.ipynb입니다 (예: ex04_gradient_tape.py). "
    "같은 연습문제의 .py와 .ipynb가 모두 있으면 노트북(.ipynb)을 채점합니다.",
    "Files are named exNN_name.py or exNN_name.ipynb (e.g. ex04_gradient_tape.py); "
    "when both exist for one exercise, the notebook (.ipynb) is graded.",
)
HELP: dict[str, Msg] = {
    "app": Msg(
        "텐서플로 시작하기 자동 채점 연습문제 (케라스 창시자에게 배우는 딥러닝 3.5).",
        "Autograded TensorFlow exercises (Deep Learning with Python, 3.5).",
    ),
    "version": Msg("버전을 보여 주고 끝냅니다.", "Show the version and exit."),
    "config": Msg(
        "course.yml (기본: 작업 폴더에서 찾음)",
        "course.yml (default: found from the working directory)",
    ),
    "check": Msg(
        "내 연습문제 파일(.py 또는 .ipynb)에 공개 테스트를 실행하고 한국어 힌트를 보여 줍니다. "
        "모두 통과하면 종료 코드 0, 실패가 있으면 1, 시작할 수 없으면 2입니다.",
        "Run the public tests on your exercise files (.py or .ipynb), with hints. Exit code 0 "
        "when all pass, 1 when some fail, 2 when the check cannot start.",
    ),
    "check_exercises": Msg(
        "연습문제 (예: ex04, 4, ex04_gradient_tape; 기본: 전부)",
        "exercises (e.g. ex04, 4, ex04_gradient_tape; default: all)",
    ),
    "check_path": Msg(
        "연습문제 파일이 있는 폴더 (기본: exercises/)",
        "folder with the exercise files (default: exercises/)",
    ),
    "grade": Msg(
        "반 전체를 샌드박스에서 채점합니다: 학생별 results.json과 feedback.html, "
        "그리고 grades.csv와 report.html.",
        "Grade a whole class in sandboxes: results.json and feedback.html per student, "
        "grades.csv and report.html.",
    ),
    "grade_rules": Msg(
        "다시 실행하면 연습문제 파일, course.yml, 채점기(그리고 GPU 유무)가 그대로인 학생은 "
        "건너뜁니다. --force를 주면 모두 다시 채점합니다. 종료 코드: 0 채점 완료(점수가 낮은 "
        "학생이 있어도), 2 시작할 수 없음(잘못된 course.yml, 폴더가 아닌 SUBMISSIONS, 학생 폴더 "
        "안의 OUT 등), 3 채점하지 못한 학생이 있음(채점기 오류, 요약에 표시).",
        "A re-run skips a student whose exercise files, course.yml and graders (and GPU or not) "
        "are unchanged; --force re-grades everyone. Exit codes: 0 grading done (even if "
        "students failed), 2 cannot start (bad course.yml, SUBMISSIONS not a folder, OUT inside "
        "a student's folder, ...), 3 some student could not be graded (grader error, listed in "
        "the summary).",
    ),
    "grade_submissions": Msg(
        "학생마다 하위 폴더 하나가 있는 폴더", "folder with one sub-folder per student"
    ),
    "grade_out": Msg("결과를 쓸 폴더", "where results go"),
    "grade_workers": Msg(
        "동시에 채점할 수 (기본: course.yml)", "parallel graders (default: course.yml)"
    ),
    "grade_force": Msg(
        "바뀐 것이 없어도 모든 학생을 다시 채점",
        "re-grade every student, even when nothing changed",
    ),
    "build": Msg(
        "solutions/에서 exercises/와 nbgrader 과정을 다시 만듭니다.",
        "Regenerate exercises/ (and the nbgrader course) from solutions/.",
    ),
    "build_check": Msg(
        "만들어진 파일이 오래되었으면 실패 (CI용)", "fail if generated files are stale (for CI)"
    ),
    "build_force": Msg(
        "누군가 고친 exercises/ 파일도 덮어씀 (기본: 그대로 두고 알림)",
        "also overwrite exercises/ files someone edited (default: keep them and say so)",
    ),
    "bundle": Msg(
        "학생용 패키지(숨겨진 테스트와 답안 없음)와 시작 폴더를 만듭니다.",
        "Build the student package (no hidden graders, no solutions) and starter folder.",
    ),
    "bundle_out": Msg(
        "학생용 묶음을 쓸 빈 폴더 또는 새 폴더", "empty or new folder for the student bundle"
    ),
}
UNKNOWN_EXERCISE = Msg(
    "알 수 없는 연습문제입니다: {name}. 다음 중 하나를 쓰세요 (번호만 써도 됩니다: "
    "ex04, 4): {valid}",
    "unknown exercise: {name}. Use one of (the number alone works too: ex04, 4): {valid}",
)


def both(message: Msg, separator: str = " / ") -> str:
    """A help text in both languages, Korean first (help has no course.yml to choose one)."""
    return f"{message.ko}{separator}{message.en}"


def paragraphs(*messages: Msg) -> str:
    """A command's help: each text's Korean, then its English, as separate paragraphs."""
    return "\n\n".join([*(m.ko for m in messages), *(m.en for m in messages)])


def _print_version(shown: bool) -> None:
    if shown:
        from grader import __version__

        console.print(f"course {__version__}", highlight=False)
        raise typer.Exit()


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=paragraphs(HELP["app"]),
)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help=both(HELP["version"])
        ),
    ] = False,
) -> None:
    """Options of ``course`` itself (``--version``); each command does the work."""


console = Console()
errors = Console(stderr=True, soft_wrap=True)  # a message with a long path stays one line
F = TypeVar("F", bound=Callable[..., object])

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help=both(HELP["config"])),
]


def _load(config_path: Path | None):  # -> tuple[CourseConfig, Path]
    from grader.course.config import ConfigError, find_config, load_config

    try:
        path = config_path or find_config()
        return load_config(path), path.resolve().parent
    except ConfigError as exc:
        errors.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None


# The same cli.py serves the instructor's kit and the student wheel (grader/build/bundle.py
# leaves the instructor-only folders out): a command is offered only when the code it needs is
# installed, so a student's `course --help` lists what a student can run, and an instructor
# command typed anyway says where it lives instead of crashing on a missing module.
AUTHORING = "grader.build"  # build, bundle; the hub commands install from it too
HIDDEN_GRADERS = "grader.graders.hidden"  # grade: without them a score means nothing
NOT_IN_STUDENT_PACKAGE = Msg(
    "`course {command}` 명령은 강사용이라 학생용 패키지에는 없습니다. "
    "내 답을 확인하려면 `course check`를 실행하세요.",
    "`course {command}` is an instructor command, not available in the student package. "
    "To check your work, run `course check`.",
)


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _language() -> str:
    """The course language for a message shown before any course.yml is required."""
    from grader.course.config import ConfigError, find_config, load_config

    try:
        return load_config(find_config()).course.language
    except ConfigError:
        return KOREAN


def _unavailable(name: str) -> Callable[[], None]:
    def command() -> None:  # its arguments are accepted (context_settings) and not read
        message = NOT_IN_STUDENT_PACKAGE.render(_language()).format(command=name)
        errors.print(f"error: {message}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(2)

    return command


def instructor_command(needs: str, name: str | None = None, **options: object) -> Callable[[F], F]:
    """Register the decorated command (with ``options`` for ``app.command``) when ``needs`` is
    installed; otherwise a hidden stand-in that accepts any arguments and says the command is
    not in this package."""

    def register(function: F) -> F:
        command_name = name or function.__name__
        if _installed(needs):
            app.command(command_name, **options)(function)
        else:
            _register_unavailable(command_name)
        return function

    return register


def _register_unavailable(name: str) -> None:
    settings = {"ignore_unknown_options": True, "allow_extra_args": True}
    app.command(name, hidden=True, add_help_option=False, context_settings=settings)(
        _unavailable(name)
    )


@app.command()
def check(
    exercises: Annotated[
        list[str] | None, typer.Argument(help=both(HELP["check_exercises"]))
    ] = None,
    path: Annotated[Path | None, typer.Option(help=both(HELP["check_path"]))] = None,
    config: ConfigOption = None,
) -> None:
    """Run the public tests on your exercise files (exit 0 iff all pass)."""
    from grader.course.exercises import EXERCISE_IDS, resolve

    course, root = _load(config)
    try:
        chosen = resolve(exercises)
    except KeyError as exc:
        message = UNKNOWN_EXERCISE.render(course.course.language)
        valid = ", ".join(EXERCISE_IDS)
        line = f"error: {message.format(name=exc, valid=valid)}"
        errors.print(line, highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    folder = path or root / "exercises"
    if not folder.is_dir():
        errors.print(f"error: {folder} is not a folder", highlight=False)
        raise typer.Exit(2)
    from grader.grading.check_sandbox import CheckSandbox

    with interrupt.handled("check") as stopped:  # the sandbox is closed; nothing was written
        stopped.language = course.course.language
        # the sandbox's zygote starts first: the graders' machinery is imported meanwhile
        with CheckSandbox(course, root, folder) as sandbox:
            from grader.grading.check import print_check, run_check

            result = run_check(course, sandbox, chosen)
    print_check(result, chosen, course.course.language, console)
    raise typer.Exit(0 if result.all_passed else 1)


@instructor_command(needs=AUTHORING)
def build(
    check_only: Annotated[bool, typer.Option("--check", help=both(HELP["build_check"]))] = False,
    force: Annotated[bool, typer.Option("--force", help=both(HELP["build_force"]))] = False,
    config: ConfigOption = None,
) -> None:
    """Regenerate exercises/ (and the nbgrader course) from solutions/."""
    from grader.build.course_build import all_artifacts, outdated, write

    course, root = _load(config)
    artifacts = all_artifacts(root, course)
    if check_only:
        stale = outdated(artifacts)
        for path in stale:
            errors.print(f"out of date: {path.relative_to(root)}", highlight=False)
        if stale:
            errors.print("run `course build` and commit the result", highlight=False)
            raise typer.Exit(1)
        console.print(f"all {len(artifacts)} generated files are up to date")
        return
    written = write(artifacts, force=force)
    console.print(f"{len(written.changed)} of {len(artifacts)} generated files updated")
    for path in written.kept:
        errors.print(
            f"kept {path.relative_to(root)}: it was edited (it is neither the stub the build "
            "writes now nor the one it wrote last); `course build --force` overwrites it",
            highlight=False,
        )
    if written.kept:
        raise typer.Exit(1)


@instructor_command(needs=HIDDEN_GRADERS)
def grade(
    submissions: Annotated[Path, typer.Argument(help=both(HELP["grade_submissions"]))],
    out: Annotated[Path, typer.Option("--out", help=both(HELP["grade_out"]))],
    workers: Annotated[int | None, typer.Option(min=1, help=both(HELP["grade_workers"]))] = None,
    force: Annotated[bool, typer.Option(help=both(HELP["grade_force"]))] = False,
    config: ConfigOption = None,
) -> None:
    """Grade a whole class in sandboxes: results.json, feedback.html, grades.csv, report.html."""
    from grader.grading.batch import GradingError, grade_class
    from grader.reports.console import RichProgress, print_batch_summary, print_grade_table
    from grader.sandbox.gpu_probe import host_gpu_visible

    progress = RichProgress(console)
    # every student graded so far is written: a re-run after Ctrl-C resumes
    with interrupt.handled("grade") as stopped:
        try:
            course, root = _load(config)
            stopped.language = course.course.language
            gpu = course.grading.gpu != "off" and host_gpu_visible()
            summary = grade_class(
                course, root, submissions, out,
                workers=workers or course.grading.workers, force=force, gpu=gpu,
                progress=progress,
            )  # fmt: skip
        except GradingError as exc:
            errors.print(f"error: {exc}", highlight=False, markup=False)
            raise typer.Exit(2) from None
        finally:
            progress.stop()
    print_grade_table(summary.results, console, course.course.language)
    print_batch_summary(summary, out, gpu, console, errors)
    if not summary.complete:
        raise typer.Exit(3)


@instructor_command(needs=AUTHORING)
def bundle(
    out: Annotated[Path, typer.Argument(help=both(HELP["bundle_out"]))],
    config: ConfigOption = None,
) -> None:
    """Build the student package (no hidden graders, no solutions) and starter folder."""
    from grader.build.bundle import BundleError, build_bundle

    course, root = _load(config)
    try:
        built = build_bundle(root, course, out)
    except BundleError as exc:
        errors.print(f"error: {exc}", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"student bundle written to {built}")


from grader.hub import cli as hub_cli  # noqa: E402 - registered after the commands above

if _installed(AUTHORING):  # the operator's commands: `hub install` builds from the kit
    app.add_typer(hub_cli.app, name="hub")
else:
    _register_unavailable("hub")
instructor_command(needs=AUTHORING, name="doctor")(hub_cli.doctor)

# Each command's help, bilingual, from the catalog above (the docstrings stay for readers of
# the code); set here once every command, instructor-only or not, is registered.
COMMAND_HELP = {
    "check": paragraphs(HELP["check"], NAMING_RULE),
    "grade": paragraphs(HELP["grade"], HELP["grade_rules"]),
    "build": paragraphs(HELP["build"]),
    "bundle": paragraphs(HELP["bundle"]),
}
for _info in app.registered_commands:
    _name = _info.name or getattr(_info.callback, "__name__", "")
    if _name in COMMAND_HELP and not _info.hidden:
        _info.help = COMMAND_HELP[_name]

"""The ``course`` command line: check, build, grade."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from grader.course.tfenv import quiet_tensorflow
from grader.sandbox.interpreter import protect_module_path

quiet_tensorflow()
protect_module_path()  # `course grade .` may run inside the submissions folder

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Autograded TensorFlow exercises (Deep Learning with Python, 3.5).",
)
console = Console()
errors = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="course.yml (default: found from the working directory)"),
]


def _load(config_path: Path | None):  # -> tuple[CourseConfig, Path]
    from grader.course.config import ConfigError, find_config, load_config

    try:
        path = config_path or find_config()
        return load_config(path), path.resolve().parent
    except ConfigError as exc:
        errors.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None


@app.command()
def check(
    exercises: Annotated[
        list[str] | None, typer.Argument(help="e.g. ex04 or 4; default: all")
    ] = None,
    path: Annotated[Path | None, typer.Option(help="folder with the exercise files")] = None,
    config: ConfigOption = None,
) -> None:
    """Run the public tests on your exercise files (exit 0 iff all pass)."""
    from grader.course.exercises import resolve
    from grader.grading.check import print_check, run_check

    course, root = _load(config)
    try:
        chosen = resolve(exercises)
    except KeyError as exc:
        errors.print(f"error: unknown exercise {exc}", highlight=False)
        raise typer.Exit(2) from None
    folder = path or root / "exercises"
    if not folder.is_dir():
        errors.print(f"error: {folder} is not a folder", highlight=False)
        raise typer.Exit(2)
    result = run_check(course, folder, chosen)
    print_check(result, chosen, course.course.language, console)
    raise typer.Exit(0 if result.all_passed else 1)


@app.command()
def build(
    check_only: Annotated[
        bool, typer.Option("--check", help="fail if generated files are stale")
    ] = False,
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
    changed = write(artifacts)
    console.print(f"{len(changed)} of {len(artifacts)} generated files updated")


@app.command()
def grade(
    submissions: Annotated[Path, typer.Argument(help="folder with one sub-folder per student")],
    out: Annotated[Path, typer.Option("--out", help="where results go")],
    workers: Annotated[
        int | None, typer.Option(help="parallel graders (default: course.yml)")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="re-grade students that already have results")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Grade a whole class in sandboxes: results.json, feedback.html, grades.csv, report.html."""
    from grader.grading.batch import GradingError, grade_class
    from grader.reports.console import RichProgress, print_batch_summary, print_grade_table
    from grader.sandbox.gpu_probe import host_gpu_visible

    course, root = _load(config)
    gpu = course.grading.gpu != "off" and host_gpu_visible()
    progress = RichProgress(console)
    try:
        summary = grade_class(
            course, root, submissions, out,
            workers=workers or course.grading.workers, force=force, gpu=gpu, progress=progress,
        )  # fmt: skip
    except GradingError as exc:
        errors.print(f"error: {exc}", highlight=False)
        raise typer.Exit(2) from None
    finally:
        progress.stop()
    print_grade_table(summary.results, console)
    print_batch_summary(summary, out, gpu, console, errors)
    if not summary.complete:
        raise typer.Exit(3)


@app.command()
def bundle(
    out: Annotated[Path, typer.Argument(help="empty or new folder for the student bundle")],
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

app.add_typer(hub_cli.app, name="hub")
app.command("doctor")(hub_cli.doctor)

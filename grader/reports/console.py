"""What an instructor sees while ``course grade`` runs: a progress bar, then the grade table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from grader.course.exercises import EXERCISES
from grader.grading.results import MAX_POINTS, StudentResult, grade_rows, max_points_row
from grader.grading.scoring import format_points

if TYPE_CHECKING:
    from grader.grading.batch import BatchSummary

UNBOUNDED = 10_000  # columns: the width a table is measured in when it need not fit one
NOT_SUBMITTED_CELL = "—"  # the exercise's file was not handed in (grades.csv: 0, "missing")


class RichProgress:
    """Progress callbacks for ``grade_class``: ``start(total)`` then ``advance`` per student."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("[bold]grading[/bold]"), BarColumn(), MofNCompleteColumn(),
            TimeRemainingColumn(), TextColumn("{task.description}"), console=console,
        )  # fmt: skip
        self._task = None

    def start(self, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task("", total=total)

    def advance(self, student: str, score: float | None, seconds: float) -> None:
        """One student done (``score`` None: not graded). Names are shown literally, never
        read as rich markup."""
        if self._task is not None:
            done = "not graded" if score is None else f"{format_points(score)} ({seconds:.1f}s)"
            self._progress.update(self._task, advance=1, description=escape(f"{student}: {done}"))

    def stop(self) -> None:
        self._progress.stop()


def print_grade_table(results: list[StudentResult], console: Console, language: str = "ko") -> None:
    """The class's grade table: the rows grades.csv holds, from the same results and with the
    same figures (``format_points``, the row of maximum points first); an exercise whose file
    was not submitted shows "—" where grades.csv has 0 and a "missing" in its submitted
    column."""
    if not results:
        return
    table = Table(show_lines=False)
    table.add_column("student", justify="left")
    for exercise in EXERCISES:
        table.add_column(exercise.id.removeprefix("ex").split("_")[0], justify="right")
    table.add_column("total", justify="right")
    maximum = max_points_row(results)
    table.add_row(
        Text(MAX_POINTS.render(language)),
        *(format_points(maximum.exercises[e.id]) for e in EXERCISES),
        format_points(maximum.total),
        end_section=True,
    )
    for row in grade_rows(results):
        scores = (
            format_points(row.exercises[e.id]) if row.submitted[e.id] else NOT_SUBMITTED_CELL
            for e in EXERCISES
        )
        # a student's name is never markup
        table.add_row(Text(row.student), *scores, format_points(row.total))
    _print_at_natural_width(table, console)


def _print_at_natural_width(table: Table, console: Console) -> None:
    """A pipe or a log file has no width to fit (rich assumes 80 columns): there the table is
    printed as wide as its rows, so no student's name is split over two lines; a terminal
    keeps its own width (rich wraps a long name inside its cell)."""
    if console.is_terminal:
        console.print(table)
        return
    width = console.width
    unbounded = console.options.update_width(UNBOUNDED)
    console.width = max(width, console.measure(table, options=unbounded).maximum)
    try:
        console.print(table)
    finally:
        console.width = width


def print_batch_summary(
    summary: BatchSummary, out: Path, gpu: bool, console: Console, errors: Console
) -> None:
    """Counts, where the files are, how well this host confined the students, every grader
    error met in any student's results (graded now or before) and every student who could not
    be graded: the instructor's to act on."""
    console.print(
        f"graded {len(summary.graded)}, already graded {len(summary.skipped)} "
        f"in {summary.seconds:.1f}s (GPU: {'yes' if gpu else 'no'})",
        markup=False,
    )
    if summary.confinement:
        held = ", ".join(
            f"{name} {'yes' if ok else 'NO'}" for name, ok in sorted(summary.confinement.items())
        )
        console.print(f"sandbox on this host: {held}", markup=False, highlight=False)
    if summary.regraded:
        console.print(
            "interrupted by the grader host, re-graded: " + ", ".join(summary.regraded),
            markup=False,
        )
    console.print(
        f"grades: {out / 'grades.csv'}\nclass report: {out / 'report.html'}", markup=False
    )
    console.print(f"per-student feedback: {out}/<student>/feedback.html", markup=False)
    for result in sorted(summary.results, key=lambda r: r.student):
        for error in result.internal_errors():
            errors.print(
                f"grader error while grading {result.student} (the student sees only "
                f"'internal grader error'): {error}",
                markup=False,
                highlight=False,
            )
    for student, why in summary.not_graded.items():
        errors.print(f"{student}: {why}", markup=False, highlight=False)
    for problem in summary.failed_workers:
        errors.print(f"error: {problem}", markup=False, highlight=False)

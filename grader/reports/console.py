"""What an instructor sees while ``course grade`` runs: a progress bar, then the grade table."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from grader.grading.batch import BatchSummary


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
            done = "not graded" if score is None else f"{score:g} ({seconds:.1f}s)"
            self._progress.update(self._task, advance=1, description=escape(f"{student}: {done}"))

    def stop(self) -> None:
        self._progress.stop()


def print_grade_table(out: Path, console: Console) -> None:
    """The class's grade table, read back from grades.csv (what the instructor will import)."""
    path = out / "grades.csv"
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return
    table = Table(show_lines=False)
    for index, name in enumerate(rows[0]):
        table.add_column(
            name.removeprefix("ex").split("_")[0] if 0 < index < len(rows[0]) - 1 else name,
            justify="left" if index == 0 else "right",
        )
    for row in rows[1:]:
        table.add_row(*(Text(cell) for cell in row))  # a student's name is never markup
    console.print(table)


def print_batch_summary(
    summary: BatchSummary, out: Path, gpu: bool, console: Console, errors: Console
) -> None:
    """Counts, where the files are, how well this host confined the students, and every
    student who could not be graded (the instructor's to act on)."""
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
    for student, errors_of in summary.internal_errors.items():
        errors.print(
            f"grader error while grading {student} (shown to the student as an internal error): "
            + " | ".join(errors_of),
            markup=False, highlight=False,
        )  # fmt: skip
    for student, why in summary.not_graded.items():
        errors.print(f"{student}: {why}", markup=False, highlight=False)
    for problem in summary.failed_workers:
        errors.print(f"error: {problem}", markup=False, highlight=False)

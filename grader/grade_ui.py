"""What an instructor sees while ``course grade`` runs: a progress bar, then the grade table."""

from __future__ import annotations

import csv
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table


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

    def advance(self, student: str, score: float, seconds: float) -> None:
        if self._task is not None:
            self._progress.update(
                self._task, advance=1, description=f"{student}: {score:g} ({seconds:.1f}s)"
            )

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
        table.add_row(*row)
    console.print(table)

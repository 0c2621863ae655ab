"""``course check``: a student's public tests, in-process, with a readable table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from grader.course.config import CourseConfig
from grader.course.exercises import Exercise
from grader.course.messages import Msg
from grader.course.tfenv import gpu_visible_in_process
from grader.grading.scoring import ExerciseScore, score_exercise
from grader.grading.student_run import StudentRun, grade_runs

HEADERS: tuple[Msg, ...] = (
    Msg("연습문제", "Exercise"),
    Msg("통과", "Passed"),
    Msg("점수", "Points"),
    Msg(
        "공개 테스트 점수입니다. 최종 점수에는 숨겨진 테스트도 포함됩니다.",
        "Public tests only; the final grade adds hidden tests.",
    ),
)


@dataclass(frozen=True)
class CheckResult:
    scores: list[ExerciseScore]

    @property
    def all_passed(self) -> bool:
        return all(t.record.status != "failed" for s in self.scores for t in s.tests)


def run_check(config: CourseConfig, folder: Path, exercises: Sequence[Exercise]) -> CheckResult:
    ids = [e.id for e in exercises]
    run = StudentRun.in_process(config, "local", folder)
    grade_runs(config, ids, ["public"], [run], gpu_visible=gpu_visible_in_process())
    return CheckResult([score_exercise(e, config.points(e), run.records) for e in ids])


def print_check(
    result: CheckResult, exercises: Sequence[Exercise], language: str, console: Console
) -> None:
    head_exercise, head_passed, head_points, footnote = (h.render(language) for h in HEADERS)
    table = Table(title=None, show_lines=False)
    table.add_column(head_exercise)
    table.add_column(head_passed, justify="right")
    table.add_column(head_points, justify="right")
    for exercise, score in zip(exercises, result.scores, strict=True):
        ran = [t for t in score.tests if t.record.status != "skipped"]
        passed = sum(t.record.status == "passed" for t in ran)
        style = "green" if passed == len(ran) else ("red" if passed == 0 else "yellow")
        table.add_row(
            f"{exercise.id} ({exercise.title(language)})",
            f"[{style}]{passed}/{len(ran)}[/{style}]",
            f"{score.score:g}/{score.max_score:g}",
        )
    console.print(table)
    for score in result.scores:
        for test in score.tests:
            if test.record.status == "failed" and test.record.message is not None:
                title = test.record.title.render(language)
                console.print(f"[red]✗[/red] [bold]{score.exercise}[/bold] · {title}")
                console.print(
                    f"    {_indent(test.record.message, language)}", markup=False, highlight=False
                )
    console.print(f"[dim]{footnote}[/dim]")


def _indent(message: Msg, language: str) -> str:
    return message.render(language).replace("\n", "\n    ")

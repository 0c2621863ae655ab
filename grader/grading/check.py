"""``course check``: a student's public tests, sandboxed as in grading, with a readable table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from grader.course.config import CourseConfig
from grader.course.exercises import Exercise
from grader.course.messages import Msg
from grader.graders.explain_failure import unfinished_function
from grader.grading.scoring import ExerciseScore, format_points, score_exercise
from grader.grading.student_run import grade_runs

if TYPE_CHECKING:
    from grader.grading.check_sandbox import CheckSandbox

HEADERS: tuple[Msg, ...] = (
    Msg("연습문제", "Exercise"),
    Msg("통과", "Passed"),
    Msg("공개 테스트 점수", "Public tests' points"),
    Msg("전체 만점", "Exercise total"),
    Msg(
        "공개 테스트 점수는 최종 점수에 그대로 들어가는 점수입니다 (예: 공개 테스트 5/6.5점, "
        "전체 15점 중). 나머지 점수는 채점할 때 숨겨진 테스트로 매깁니다.",
        "The public tests' points count as they are in the final grade (e.g. public tests "
        "5/6.5 points, out of 15); the rest is graded by hidden tests at grading time.",
    ),
)


UNFINISHED = Msg(
    "아직 구현하지 않은 함수: {names} (NotImplementedError, 테스트 {count}개)",
    "not implemented yet: {names} (NotImplementedError, {count} tests)",
)
SAME_CAUSE = Msg(
    "(같은 원인으로 실패한 테스트 {count}개 더)", "({count} more tests failed for the same reason)"
)


@dataclass(frozen=True)
class CheckResult:
    scores: list[ExerciseScore]

    @property
    def all_passed(self) -> bool:
        return all(t.record.status != "failed" for s in self.scores for t in s.tests)


def run_check(
    config: CourseConfig, sandbox: CheckSandbox, exercises: Sequence[Exercise]
) -> CheckResult:
    """The public tests of ``exercises`` on the files of ``sandbox``'s folder, the student's
    code in a sandbox child under course.yml's limits, as ``course grade`` runs it. The caller
    starts the sandbox before importing this module (``grader.grading.check_sandbox``)."""
    ids = [e.id for e in exercises]
    run = sandbox.student_run()
    grade_runs(config, ids, ["public"], [run], gpu_visible=sandbox.gpu)
    return CheckResult([score_exercise(e, config.points(e), run.records, ["public"]) for e in ids])


def print_check(
    result: CheckResult, exercises: Sequence[Exercise], language: str, console: Console
) -> None:
    """One row per exercise: public tests passed, the points they earn of the points they
    carry in the final grade, and the exercise's whole points; then each failure's hint."""
    head_exercise, head_passed, head_points, head_total, footnote = (
        h.render(language) for h in HEADERS
    )
    table = Table(title=None, show_lines=False)
    table.add_column(head_exercise)
    table.add_column(head_passed, justify="right")
    table.add_column(head_points, justify="right")
    table.add_column(head_total, justify="right")
    for exercise, score in zip(exercises, result.scores, strict=True):
        ran = [t for t in score.tests if t.record.status != "skipped"]
        passed = sum(t.record.status == "passed" for t in ran)
        style = "green" if passed == len(ran) else ("red" if passed == 0 else "yellow")
        table.add_row(
            f"{exercise.id} ({exercise.title(language)})",
            f"[{style}]{passed}/{len(ran)}[/{style}]",
            f"{format_points(score.score)}/{format_points(score.max_score)}",
            format_points(score.points),
        )
    console.print(table)
    for score in result.scores:
        _print_failures(score, language, console)
    console.print(f"[dim]{footnote}[/dim]")


def _print_failures(score: ExerciseScore, language: str, console: Console) -> None:
    """Each root cause of the exercise's failures once (``grader.grading.root_cause``): the
    unfinished functions on one line, every other cause with its hint and how many more tests
    it failed, never the same explanation twice."""
    failed = [t.record for t in score.tests if t.record.status == "failed"]
    followers = Counter(r.same_cause_as for r in failed if r.same_cause_as)
    causes = [r for r in failed if not r.same_cause_as and r.message is not None]
    unfinished = [r for r in causes if r.failure_category == "not_implemented"]
    if unfinished:
        names = ", ".join(dict.fromkeys(unfinished_function(r.cause) or "?" for r in unfinished))
        count = len(unfinished) + sum(followers[r.test] for r in unfinished)
        line = UNFINISHED.render(language).format(names=names, count=count)
        console.print(f"[red]✗[/red] [bold]{score.exercise}[/bold] · ", end="")
        console.print(line, markup=False, highlight=False)
    for record in causes:
        if record in unfinished:
            continue
        title = record.title.render(language)
        console.print(f"[red]✗[/red] [bold]{score.exercise}[/bold] · ", end="")
        console.print(title, markup=False, highlight=False)
        assert record.message is not None
        message = record.message.render(language).replace("\n", "\n    ")
        console.print(f"    {message}", markup=False, highlight=False)
        if followers[record.test]:
            more = SAME_CAUSE.render(language).format(count=followers[record.test])
            console.print(f"    [dim]{more}[/dim]")

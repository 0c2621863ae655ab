"""One student's results.json stays small whatever their code printed, raised or drew.

Everything in a result that the student controls (captured output, exception texts quoted in
messages, notes, plot data for the report) is shortened until the file fits its cap; no score
and no test record is ever dropped.
"""

from __future__ import annotations

from grader.course.exercises import EXERCISE_IDS
from grader.course.messages import Msg
from grader.grading.plugin import StudentJob, TestRecord
from grader.grading.results import MAX_RESULT_BYTES, ExerciseRun, build_results
from grader.wire.protocol import OutputLog


def _flooding_student() -> tuple[StudentJob, dict[str, ExerciseRun]]:
    job = StudentJob("flood", open_submission=None)  # type: ignore[arg-type]
    huge = "예외 " * 400_000
    for exercise in EXERCISE_IDS:
        for n in range(12):
            title = Msg(f"제목 {n}", f"title {n}")
            failure = Msg(huge, huge)
            job.records.append(
                TestRecord(exercise, f"test_{n}", title, 1.0, "public", "failed", failure)
            )
    line = list(range(1_300_000))
    job.artifacts["decision_boundary"] = {"student_line": {"x": line, "y": line}}
    runs = {}
    for exercise in EXERCISE_IDS:
        output = OutputLog(limit=10**7)
        output.add("출력 " * 2_000_000)
        runs[exercise] = ExerciseRun(file=f"{exercise}.py", notes=[huge], output=output)
    return job, runs


def test_results_of_a_flooding_student_fit_the_cap(config):
    job, runs = _flooding_student()
    results = build_results(job, config, runs, seconds=1.0, gpu=False, seed=1)
    size = len(results.to_json().encode("utf-8"))
    assert size <= MAX_RESULT_BYTES < 1024 * 1024
    assert len(results.tests) == len(job.records)
    assert all(t.score == 0 and t.max_score > 0 for t in results.tests)
    assert results.max_score == sum(config.points(e) for e in EXERCISE_IDS)


def test_results_of_an_ordinary_student_are_untouched(config):
    job = StudentJob("quiet", open_submission=None)  # type: ignore[arg-type]
    message = Msg("짧은 메시지", "short")
    job.records.append(
        TestRecord("ex01_tensors", "test_x", Msg("제목", "title"), 1.0, "public", "failed", message)
    )
    output = OutputLog(limit=65536)
    output.add("hello\n")
    runs = {"ex01_tensors": ExerciseRun(file="ex01_tensors.py", output=output)}
    results = build_results(job, config, runs, seconds=1.0, gpu=False, seed=1)
    assert results.tests[0].output == "짧은 메시지"
    assert results.extra_data.exercises["ex01_tensors"].output == "hello\n"


def test_grader_side_paths_never_reach_the_student(config, tmp_path):
    course_root, prefix = str(tmp_path / "course"), str(tmp_path / "venv")
    job = StudentJob("kim", open_submission=None)  # type: ignore[arg-type]
    leak = f"No such file: '{prefix}/lib/python3.11/site-packages/x.py' in {course_root}/hidden"
    job.records.append(
        TestRecord(
            "ex01_tensors", "test_x", Msg("제목", "title"), 1.0, "public", "failed", Msg(leak, leak)
        )
    )
    output = OutputLog(limit=65536)
    output.add(leak)
    runs = {"ex01_tensors": ExerciseRun(file="ex01_tensors.py", notes=[leak], output=output)}
    results = build_results(
        job, config, runs, seconds=1.0, gpu=False, seed=1, private_paths=(course_root, prefix)
    )
    text = results.to_json()
    assert course_root not in text and prefix not in text
    assert "…/lib/python3.11/site-packages/x.py" in results.tests[0].output

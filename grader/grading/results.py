"""results.json in the Gradescope autograder schema, plus the class-wide grades.csv."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import __version__
from grader.course.config import CourseConfig
from grader.course.exercises import EXERCISES
from grader.grading.plugin import StudentJob
from grader.grading.scoring import score_exercise
from grader.wire.lognoise import strip_log_noise
from grader.wire.protocol import OutputLog


@dataclass
class ExerciseRun:
    """What the engine saw while serving one exercise: file, notes, output, time."""

    file: str | None = None
    notes: list[str] = field(default_factory=list)
    output: OutputLog | None = None
    seconds: float = 0.0


def student_output(output: OutputLog | None) -> str:
    """What the student's code printed, without TensorFlow's own log lines (``lognoise``)."""
    if output is None:
        return ""
    text = strip_log_noise(output.text())
    return text + ("\n…(출력이 잘렸습니다)" if output.truncated else "")


def build_results(
    job: StudentJob,
    config: CourseConfig,
    runs: dict[str, ExerciseRun],
    *,
    seconds: float,
    gpu: bool,
    seed: int,
    artifacts: dict[str, Any] | None = None,
    student: str | None = None,
    extra: dict[str, Any] | None = None,
    private_paths: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The Gradescope-shaped result of one student; ``student`` is the name to show (default:
    the job's), ``extra`` more instructor-facing facts for ``extra_data``; ``private_paths``
    (the course root, the Python environment…) never appear in what the student reads."""
    language = config.course.language
    student = job.student if student is None else student
    tests: list[dict[str, Any]] = []
    exercises: dict[str, dict[str, Any]] = {}
    for number, exercise in enumerate(EXERCISES, start=1):
        scored = score_exercise(exercise.id, config.points(exercise.id), job.records)
        run = runs.get(exercise.id, ExerciseRun())
        output = run.output
        exercises[exercise.id] = {
            "score": scored.score,
            "max_score": scored.max_score,
            "file": run.file,
            "notes": run.notes,
            "output": student_output(output),
            "seconds": round(run.seconds, 3),
        }
        for index, test in enumerate(scored.tests, start=1):
            record = test.record
            entry: dict[str, Any] = {
                "name": f"{exercise.id} · {record.title.render(language)}",
                "number": f"{number}.{index}",
                "score": test.score,
                "max_score": test.max_score,
                "output": record.message.render(language) if record.message else "",
                "visibility": "after_published" if record.visibility == "hidden" else "visible",
                "extra_data": {
                    "exercise": exercise.id,
                    "test": record.test,
                    "hidden": record.visibility == "hidden",
                    "skipped": record.status == "skipped",
                    "gpu": record.gpu,
                },
            }
            if record.status != "skipped":
                entry["status"] = record.status
            tests.append(entry)
    total = round(sum(e["score"] for e in exercises.values()), 3)
    maximum = round(sum(e["max_score"] for e in exercises.values()), 3)
    summary = (
        f"{student}: {total:g} / {maximum:g}점"
        if language == "ko"
        else f"{student}: {total:g} / {maximum:g} points"
    )
    extra_data: dict[str, Any] = {
        "student": student,
        "exercises": exercises,
        "gpu": gpu,
        "grader_version": __version__,
        "seed": seed,
        "language": language,
    }
    if artifacts:
        extra_data["plots"] = artifacts
    extra_data.update(extra or {})
    return bound_size(
        hide_paths(
            {
                "score": total,
                "max_score": maximum,
                "execution_time": round(seconds, 3),
                "output": summary,
                "tests": tests,
                "extra_data": extra_data,
            },
            private_paths,
        )
    )


def hide_paths(results: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    """Replace the grader's own absolute paths in everything shown to the student by "…"
    (an error message of a library may name the grading host's folders)."""
    roots = sorted({p.rstrip("/") for p in paths if len(p.rstrip("/")) > 1}, key=len, reverse=True)
    if not roots:
        return results

    def scrub(text: str) -> str:
        for root in roots:
            text = text.replace(root, "…")
        return text

    for entry in results["extra_data"]["exercises"].values():
        entry["output"] = scrub(entry["output"])
        entry["notes"] = [scrub(note) for note in entry["notes"]]
    for test in results["tests"]:
        test["output"] = scrub(test["output"])
    return results


MAX_RESULT_BYTES = 512 * 1024  # one student's results.json, whatever their code printed or drew
_TRUNCATED = "\n…(잘림 / truncated)"


def _size(results: dict[str, Any]) -> int:
    return len(json.dumps(results, ensure_ascii=False, indent=1).encode("utf-8"))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + _TRUNCATED


def bound_size(results: dict[str, Any], limit: int = MAX_RESULT_BYTES) -> dict[str, Any]:
    """Cap a result at ``limit`` bytes by shortening what the student controls (their output,
    then the messages that quote their exceptions, then the plot data); scores and test records
    are never dropped."""
    exercises = results["extra_data"]["exercises"]
    for share in (16384, 4096, 1024, 0):
        if _size(results) <= limit:
            return results
        for entry in exercises.values():
            entry["output"] = _shorten(entry["output"], share)
            entry["notes"] = [_shorten(note, share or 200) for note in entry["notes"]]
        for test in results["tests"]:
            test["output"] = _shorten(test["output"], max(share, 300))
    if _size(results) > limit:
        results["extra_data"].pop("plots", None)
    return results


def load_results(path: Path) -> dict[str, Any] | None:
    """A previously written results.json, or None when absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "score" in data else None


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas in a student-chosen name (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def grades_csv(results: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *(e.id for e in EXERCISES), "total"])
    for result in sorted(results, key=lambda r: r["extra_data"]["student"]):
        exercises = result["extra_data"]["exercises"]
        writer.writerow(
            [
                _cell(result["extra_data"]["student"]),
                *(f"{exercises[e.id]['score']:g}" for e in EXERCISES),
                f"{result['score']:g}",
            ]
        )
    return buffer.getvalue()

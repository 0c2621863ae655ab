"""results.json in the Gradescope autograder schema, plus the class-wide grades.csv."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import __version__
from grader.config import CourseConfig
from grader.exercises import EXERCISES
from grader.lognoise import strip_log_noise
from grader.plugin import StudentJob
from grader.protocol import OutputLog
from grader.scoring import score_exercise


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
) -> dict[str, Any]:
    language = config.course.language
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
        f"{job.student}: {total:g} / {maximum:g}점"
        if language == "ko"
        else f"{job.student}: {total:g} / {maximum:g} points"
    )
    extra: dict[str, Any] = {
        "student": job.student,
        "exercises": exercises,
        "gpu": gpu,
        "grader_version": __version__,
        "seed": seed,
        "language": language,
    }
    if artifacts:
        extra["plots"] = artifacts
    return {
        "score": total,
        "max_score": maximum,
        "execution_time": round(seconds, 3),
        "output": summary,
        "tests": tests,
        "extra_data": extra,
    }


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

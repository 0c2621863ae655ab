"""``course build``: regenerate every derived file from ``solutions/`` and course.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.build.notebooks import build_notebook, collect_weights, notebook_json, split_points
from grader.build.stubs import make_stub
from grader.course.config import CourseConfig
from grader.course.exercises import EXERCISES
from grader.course.files import atomic_write_text
from grader.nbgrader.config import render_nbgrader_config


@dataclass(frozen=True)
class Artifact:
    """One generated file: where it goes and what it must contain."""

    path: Path
    content: str


def stub_artifacts(root: Path, config: CourseConfig) -> list[Artifact]:
    artifacts = []
    for exercise in EXERCISES:
        solution = root / "solutions" / exercise.module_file
        text = solution.read_text(encoding="utf-8")
        stub = make_stub(text, config.course.language, source=str(solution.relative_to(root)))
        artifacts.append(Artifact(root / "exercises" / exercise.module_file, stub))
    return artifacts


def notebook_artifacts(root: Path, config: CourseConfig) -> list[Artifact]:
    """nbgrader source notebooks, their test-cell points split by the graders' weights."""
    weights = collect_weights([e.id for e in EXERCISES])
    folder = root / "source" / config.nbgrader.assignment
    artifacts = []
    for exercise in EXERCISES:
        text = (root / "solutions" / exercise.module_file).read_text(encoding="utf-8")
        split = split_points(config.points(exercise.id), weights[exercise.id])
        notebook = build_notebook(text, exercise.id, split, config.course.language)
        artifacts.append(Artifact(folder / exercise.notebook_file, notebook_json(notebook)))
    return artifacts


def nbgrader_artifacts(root: Path, config: CourseConfig) -> list[Artifact]:
    """The nbgrader course: ``nbgrader_config.py`` plus the source notebooks."""
    config_file = Artifact(root / "nbgrader_config.py", render_nbgrader_config(config))
    return [config_file, *notebook_artifacts(root, config)]


def all_artifacts(root: Path, config: CourseConfig) -> list[Artifact]:
    return stub_artifacts(root, config) + nbgrader_artifacts(root, config)


def outdated(artifacts: list[Artifact]) -> list[Path]:
    """Artifacts whose file is missing or differs from what would be generated."""
    stale = []
    for artifact in artifacts:
        try:
            current = artifact.path.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != artifact.content:
            stale.append(artifact.path)
    return stale


def write(artifacts: list[Artifact]) -> list[Path]:
    """Write the artifacts that changed; return their paths."""
    changed = outdated(artifacts)
    for artifact in artifacts:
        if artifact.path in changed:
            atomic_write_text(artifact.path, artifact.content)
    return changed

"""``course build``: regenerate every derived file from ``solutions/`` and course.yml.

The stubs in ``exercises/`` are also where a student (working in a checkout of this repo)
writes answers, so a rebuild must not destroy their work: next to the stubs the build keeps a
record of the SHA-256 of each stub it last wrote (``exercises/.generated.json``). A stub that
differs both from what the build would write now and from that record was edited by someone,
and is left alone unless the build is forced.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from grader.build.notebooks import build_notebook, collect_weights, notebook_json, split_points
from grader.build.stubs import make_stub
from grader.course.config import CourseConfig
from grader.course.exercises import EXERCISES
from grader.course.files import atomic_write_text
from grader.grading.scoring import WEIGHTS_FILE, WEIGHTS_PACKAGE
from grader.nbgrader.config import render_nbgrader_config


@dataclass(frozen=True)
class Artifact:
    """One generated file: where it goes and what it must contain."""

    path: Path
    content: str
    editable: bool = False  # people write into it (a stub): never overwrite their edits unasked


RECORD_NAME = ".generated.json"  # beside editable artifacts: the digest of each as last written


@dataclass(frozen=True)
class Written:
    """What ``write`` did: the files it wrote, and the edited ones it left alone."""

    changed: list[Path]
    kept: list[Path] = field(default_factory=list)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _record(folder: Path) -> dict[str, str]:
    """The digests recorded in ``folder`` by the last build ({} when there is no record)."""
    try:
        record = json.loads(_read(folder / RECORD_NAME) or "{}")
    except json.JSONDecodeError:
        return {}
    return (
        {k: v for k, v in record.items() if isinstance(v, str)} if isinstance(record, dict) else {}
    )


def _record_text(digests: dict[str, str]) -> str:
    return json.dumps(dict(sorted(digests.items())), indent=2) + "\n"


def record_artifacts(artifacts: list[Artifact]) -> list[Artifact]:
    """One record per folder of editable artifacts, as a clean build leaves it."""
    folders: dict[Path, dict[str, str]] = {}
    for artifact in artifacts:
        if artifact.editable:
            digest = _digest(artifact.content.encode("utf-8"))
            folders.setdefault(artifact.path.parent, {})[artifact.path.name] = digest
    return [Artifact(folder / RECORD_NAME, _record_text(d)) for folder, d in folders.items()]


def stub_artifacts(root: Path, config: CourseConfig) -> list[Artifact]:
    """The student stubs, then their record."""
    artifacts = []
    for exercise in EXERCISES:
        solution = root / "solutions" / exercise.module_file
        text = solution.read_text(encoding="utf-8")
        stub = make_stub(text, config.course.language, source=str(solution.relative_to(root)))
        artifacts.append(Artifact(root / "exercises" / exercise.module_file, stub, editable=True))
    return artifacts + record_artifacts(artifacts)


def notebook_artifacts(root: Path, config: CourseConfig) -> list[Artifact]:
    """nbgrader source notebooks, their test-cell points split by the graders' weights; and
    those weights beside the public graders, from which ``course check`` (where the hidden
    graders are not installed) learns what the public tests carry of each exercise."""
    weights = collect_weights([e.id for e in EXERCISES])
    folder = root / "source" / config.nbgrader.assignment
    summed = {exercise: asdict(sums) for exercise, sums in weights.items()}
    weights_file = Path(str(resources.files(WEIGHTS_PACKAGE))) / WEIGHTS_FILE
    artifacts = [Artifact(weights_file, json.dumps(summed, indent=2) + "\n")]
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
    return [artifact.path for artifact in artifacts if _read(artifact.path) != artifact.content]


def edited(artifacts: list[Artifact]) -> list[Path]:
    """Editable artifacts someone changed: the file differs from what would be generated and
    from what the build last wrote there."""
    found = []
    for artifact in (a for a in artifacts if a.editable):
        try:  # bytes: a file saved in another encoding (CP949) is an edit too
            current = artifact.path.read_bytes()
        except FileNotFoundError:
            continue
        if current == artifact.content.encode("utf-8"):
            continue
        if _record(artifact.path.parent).get(artifact.path.name) != _digest(current):
            found.append(artifact.path)
    return found


def _kept_in_record(artifact: Artifact, kept: list[Path]) -> Artifact:
    """A record as it must be after the build: a kept file keeps its old digest (still not
    the build's), so the next build still sees it as edited."""
    folder = artifact.path.parent
    here = [path.name for path in kept if path.parent == folder]
    if artifact.path.name != RECORD_NAME or not here:
        return artifact
    digests, previous = json.loads(artifact.content), _record(folder)
    for name in here:
        digests.pop(name, None)
        if name in previous:
            digests[name] = previous[name]
    return Artifact(artifact.path, _record_text(digests))


def write(artifacts: list[Artifact], force: bool = False) -> Written:
    """Write the artifacts that changed, except edited ones unless ``force``."""
    kept = [] if force else edited(artifacts)
    changed = []
    for artifact in artifacts:
        if artifact.path in kept:
            continue
        artifact = _kept_in_record(artifact, kept)
        if _read(artifact.path) != artifact.content:
            atomic_write_text(artifact.path, artifact.content)
            changed.append(artifact.path)
    return Written(changed, kept)

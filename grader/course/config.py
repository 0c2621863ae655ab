"""``course.yml``: one validated file that configures the whole course.

Validation happens on load, and every problem is reported as ``path.to.key: what is wrong``
so an instructor can fix the file without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from grader.course.exercises import EXERCISE_IDS
from grader.hub.model import HubConfig

DEFAULT_CONFIG_NAME = "course.yml"


class ConfigError(Exception):
    """course.yml is missing, unreadable or invalid; the message lists every problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CourseInfo(_Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = "텐서플로 시작하기"
    language: Literal["ko", "en"] = "ko"
    seed: int = Field(default=0, ge=0, description="base of every per-student seed")


class ClassifierThresholds(_Strict):
    final_loss: float = Field(default=0.035, gt=0)
    accuracy: float = Field(default=0.99, gt=0, le=1)


class ExerciseConfig(_Strict):
    points: float = Field(gt=0)
    thresholds: ClassifierThresholds | None = None


class Timeouts(_Strict):
    call_s: float = Field(default=10, gt=0, description="wall clock for one call into student code")
    import_s: float = Field(default=20, gt=0, description="wall clock for importing one file")
    student_s: float = Field(default=240, gt=0, description="wall clock for one whole student")
    cell_s: float = Field(
        default=300,
        gt=0,
        description="wall clock per notebook code cell (as nbgrader.timeout_s); student_s caps it",
    )


class Limits(_Strict):
    memory_mb: int = Field(
        default=2048,
        ge=256,
        description="address space a student's code may add to the sandbox's preloaded runtime",
    )
    cpu_s: int = Field(default=120, ge=1, description="CPU seconds for one sandbox process")
    output_kb: int = Field(default=64, ge=1, description="student output kept per exercise")


class Grading(_Strict):
    workers: int = Field(default=2, ge=1, le=64)
    gpu: Literal["auto", "required", "off"] = "auto"
    timeouts: Timeouts = Timeouts()
    limits: Limits = Limits()
    sandbox_uid_base: int = Field(
        default=61000,
        ge=1000,
        le=2**31 - 256,
        description="as root, sandboxes run as uids from this base on, one leased per grader",
    )


class NbgraderConfig(_Strict):
    assignment: str = Field(default="ch03", pattern=r"^[A-Za-z0-9_.-]+$")
    exchange_root: str = "/srv/nbgrader/exchange"
    db_url: str = "sqlite:///gradebook.db"
    timeout_s: int = Field(default=300, ge=10, description="per-cell execution timeout")
    autograde: Literal["sandbox", "stock"] = Field(
        default="sandbox",
        description="sandbox: autograde runs student code in the kit's sandbox (secure); "
        "stock: in nbgrader's kernel, next to the test cells it could tamper with",
    )


class CourseConfig(_Strict):
    course: CourseInfo
    exercises: dict[str, ExerciseConfig]
    grading: Grading = Grading()
    nbgrader: NbgraderConfig = NbgraderConfig()
    hub: HubConfig | None = None  # the classroom JupyterHub (`course hub`), optional

    @model_validator(mode="after")
    def _all_exercises_configured(self) -> CourseConfig:
        unknown = sorted(set(self.exercises) - set(EXERCISE_IDS))
        missing = [e for e in EXERCISE_IDS if e not in self.exercises]
        problems = []
        if unknown:
            problems.append(f"unknown exercise(s) {', '.join(unknown)}")
        if missing:
            problems.append(f"missing exercise(s) {', '.join(missing)}")
        if problems:
            known = ", ".join(EXERCISE_IDS)
            raise ValueError(f"{'; '.join(problems)} (the course has exactly: {known})")
        if self.exercises["ex06_linear_classifier"].thresholds is None:
            object.__setattr__(
                self.exercises["ex06_linear_classifier"], "thresholds", ClassifierThresholds()
            )
        return self

    def points(self, exercise_id: str) -> float:
        return self.exercises[exercise_id].points

    @property
    def classifier_thresholds(self) -> ClassifierThresholds:
        thresholds = self.exercises["ex06_linear_classifier"].thresholds
        assert thresholds is not None  # filled in by the validator
        return thresholds


def _describe_errors(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key (typo?)"
        elif item["type"] == "missing":
            message = "required key is missing"
        lines.append(f"  - {where}: {message}")
    return "\n".join(lines)


def parse_config(text: str, source: str = DEFAULT_CONFIG_NAME) -> CourseConfig:
    """Parse and validate course.yml text; raise ConfigError with a readable message."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level (course:, exercises:, …)")
    try:
        return CourseConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{source} is invalid:\n{_describe_errors(exc)}") from None


def load_config(path: Path | str) -> CourseConfig:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    return parse_config(text, str(path))


def find_config(start: Path | None = None) -> Path:
    """The course.yml in ``start`` (default: the working directory) or one of its parents."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(f"no {DEFAULT_CONFIG_NAME} found in {here} or its parents")

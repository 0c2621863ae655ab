"""Shared fixtures for the project's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course.config import CourseConfig, load_config
from grader.course.tfenv import quiet_tensorflow

quiet_tensorflow()

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def config() -> CourseConfig:
    return load_config(ROOT / "course.yml")

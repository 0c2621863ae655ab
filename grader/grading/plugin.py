"""The pytest plugin that turns grader modules into scores.

It provides the fixtures graders use (``submission``, ``rng``, ``course``), applies the GPU
policy, and records every test's outcome with a student-safe message. One pytest session can
grade many students in a row: collection happens once, and for each student every test runs
again with all fixtures set up afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pytest

from grader.course.config import CourseConfig
from grader.course.messages import GPU_REQUIRED, GPU_SKIPPED, INTERNAL_ERROR, PROTOCOL_ERROR, Msg
from grader.graders.checks import GradeFailure
from grader.graders.explain_failure import explain_failure, failure_cause
from grader.graders.meta import register_markers, test_meta
from grader.grading.submission import Submission
from grader.wire.protocol import FailureCategory, ProtocolError, StudentError

Status = Literal["passed", "failed", "skipped"]
# Why a test failed: a grader check said no, or the student's process failed (the sandbox's
# categories), answered nonsense, or the grader itself broke (``internal``).
FailureKind = Literal[FailureCategory, "wrong_answer", "gpu_required", "protocol", "internal"]


@dataclass
class TestRecord:
    """One grader test's outcome for one student, safe to show to that student."""

    __test__ = False  # not a pytest test class, wherever it is imported
    exercise: str
    test: str
    title: Msg
    weight: float
    visibility: Literal["public", "hidden"]
    status: Status = "passed"
    message: Msg | None = None
    gpu: bool = False
    internal_error: str = ""  # instructor-only detail of a grader bug
    failure_category: FailureKind | None = None  # set when the test failed
    cause: str = ""  # the failure's root cause, alike for every test it fails (root_cause.py)
    same_cause_as: str = ""  # the earlier test of this exercise that reported that cause


@dataclass
class StudentJob:
    """What the plugin needs of one student (made by ``grader.grading.student_run.StudentRun``):
    the label their random inputs are seeded with, how to open each of their exercises, and
    where the graders leave their records and artifacts."""

    student: str
    open_submission: Callable[[str], AbstractContextManager[Submission]]
    notebook_cells: bool = False  # the functions come from notebook cells the student runs
    records: list[TestRecord] = field(default_factory=list)
    artifacts: dict[str, Any] = field(default_factory=dict)  # e.g. plot data for the report


def derive_seed(*parts: object) -> int:
    """A 64-bit seed from names; folder names that are not UTF-8 keep their raw bytes."""
    text = "|".join(str(p) for p in parts)
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "little")


PLUGIN_KEY = pytest.StashKey["GradingPlugin"]()


class GradingPlugin:
    """Registered with ``pytest.main(plugins=[...])``; see ``grader.grading.runner``.

    ``jobs`` is consumed lazily, and the next job is taken only once every test of the previous
    one has run and its fixtures are torn down: a generator of jobs (``grader.grading.
    student_run.grade_runs``) resumes exactly when a student's grading is complete."""

    def __init__(
        self,
        config: CourseConfig,
        jobs: Iterable[StudentJob],
        *,
        gpu_visible: bool,
    ) -> None:
        self.config = config
        self.language = config.course.language
        self.jobs = jobs
        self.gpu_visible = gpu_visible
        self.current: StudentJob | None = None
        self.collection_errors: list[str] = []

    # ------------------------------------------------------------------ hooks
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[PLUGIN_KEY] = self
        register_markers(config)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        if self.collection_errors:
            raise session.Failed(
                "grader modules failed to import:\n" + "\n".join(self.collection_errors)
            )
        items = session.items
        for job in self.jobs:
            self.current = job
            for index, item in enumerate(items):
                job.records.append(self._new_record(item))
                nextitem = items[index + 1] if index + 1 < len(items) else None
                item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        self.current = None
        return True

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if not test_meta(item).gpu or self.gpu_visible:
            return
        if self.config.grading.gpu == "required":
            raise GradeFailure(GPU_REQUIRED)
        pytest.skip(GPU_SKIPPED.render(self.language))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
        report: pytest.TestReport = yield
        assert self.current is not None
        record = self.current.records[-1]
        if report.skipped and record.status == "passed":
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            record.status = "skipped"
            record.message = Msg(str(reason).removeprefix("Skipped: "), str(reason))
        elif report.failed and record.status != "failed":
            record.status = "failed"
            explained = self._explain(
                call, record.exercise, notebook_cells=self.current.notebook_cells
            )
            record.message, record.internal_error, record.failure_category, record.cause = explained
        return report

    # ------------------------------------------------------------------ helpers
    def _new_record(self, item: pytest.Item) -> TestRecord:
        meta = test_meta(item)
        return TestRecord(
            exercise=meta.exercise,
            test=item.name,
            title=meta.title,
            weight=meta.weight,
            visibility=meta.visibility,
            gpu=meta.gpu,
        )

    @staticmethod
    def _explain(
        call: pytest.CallInfo, exercise: str, *, notebook_cells: bool
    ) -> tuple[Msg, str, FailureKind, str]:
        """The student's message, the instructor-only detail, the failure's kind and its root
        cause (``grader.grading.root_cause``; empty where each failure stands alone)."""
        error = call.excinfo.value if call.excinfo is not None else None
        if isinstance(error, GradeFailure):
            if error.message == GPU_REQUIRED:
                return error.message, "", "gpu_required", "gpu_required"
            return error.message, "", "wrong_answer", f"hint|{error.message.ko}|{error.message.en}"
        if isinstance(error, StudentError):  # a sandbox that failed is the instructor's to fix
            failure = error.failure
            detail = failure.message if failure.category == "sandbox" else ""
            message = explain_failure(exercise, failure, notebook_cells=notebook_cells)
            return message, detail, failure.category, failure_cause(failure, error.function)
        if isinstance(error, ProtocolError):  # the student's process answered nonsense
            return PROTOCOL_ERROR, "", "protocol", ""
        detail = call.excinfo.exconly() if call.excinfo is not None else "unknown failure"
        return INTERNAL_ERROR, detail[-2000:], "internal", ""


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport | None:
    """A failed test's report without pytest's formatted traceback.

    Students see the message ``GradingPlugin`` records, never pytest's traceback, and
    formatting one (reading and highlighting source around every frame) cost more than the
    grading call itself: about a fifth of a whole student's grading time in a batch. Passes and
    skips (whose reason the plugin reads) go to pytest's own implementation.
    """
    excinfo = call.excinfo
    if excinfo is None or isinstance(excinfo.value, (pytest.skip.Exception, BaseExceptionGroup)):
        return None
    return pytest.TestReport(
        item.nodeid, item.location, dict.fromkeys(item.keywords, 1), "failed",
        excinfo.exconly()[-2000:], call.when, (), call.duration, call.start, call.stop,
    )  # fmt: skip


# ---------------------------------------------------------------------- fixtures
# Module-level, so pytest resolves them by name for every grader module; this module is
# registered as a plugin next to the GradingPlugin instance.
@pytest.fixture(scope="module")
def submission(request: pytest.FixtureRequest) -> Iterator[Submission]:
    """The current student's exercise named by the grader module's ``EXERCISE``."""
    job = request.config.stash[PLUGIN_KEY].current
    assert job is not None
    with job.open_submission(request.module.EXERCISE) as sub:
        yield sub


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    """Random inputs, different per student and test, identical on every re-grade."""
    plugin = request.config.stash[PLUGIN_KEY]
    seed = derive_seed(
        plugin.config.course.seed, plugin.current.student, request.module.EXERCISE,
        request.node.name,
    )  # fmt: skip
    return np.random.default_rng(seed)


@pytest.fixture(scope="session")
def course(request: pytest.FixtureRequest) -> CourseConfig:
    """The validated course.yml (thresholds, language)."""
    return request.config.stash[PLUGIN_KEY].config


@pytest.fixture(scope="session")
def gpu_visible(request: pytest.FixtureRequest) -> bool:
    """Whether the grading host has a GPU that TensorFlow sees (decided by trusted code)."""
    return request.config.stash[PLUGIN_KEY].gpu_visible


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Plain data a grader leaves for the student's report (e.g. decision-boundary points)."""
    job = request.config.stash[PLUGIN_KEY].current
    assert job is not None
    return job.artifacts

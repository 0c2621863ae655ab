"""Every grader test passes on the reference solution and fails on the untouched stub."""

from __future__ import annotations

import pytest

from grader.course.exercises import EXERCISE_IDS
from tests.grading_helpers import grade_folder


@pytest.mark.parametrize("exercise", EXERCISE_IDS)
def test_reference_passes_every_test(exercise, config, root):
    records = grade_folder(config, root / "solutions", [exercise])
    assert records, "no grader tests collected"
    assert {r.visibility for r in records} == {"public", "hidden"}
    failed = [
        f"{r.visibility}/{r.test}: {r.message.en if r.message else ''} {r.internal_error}"
        for r in records
        if r.status == "failed"
    ]
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("exercise", EXERCISE_IDS)
def test_stub_fails_every_test(exercise, config, root):
    records = grade_folder(config, root / "exercises", [exercise])
    assert records
    survived = [f"{r.visibility}/{r.test}" for r in records if r.status == "passed"]
    assert not survived, f"these tests pass on the untouched stub: {survived}"
    internal = [f"{r.test}: {r.internal_error}" for r in records if r.internal_error]
    assert not internal, "\n".join(internal)

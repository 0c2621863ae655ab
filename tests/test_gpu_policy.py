"""The GPU policy, proved on ex07_devices with the in-process graders.

Without a GPU the ``gpu`` tests are skipped and the exercise is still worth its course.yml
points; under ``grading.gpu: required`` they fail instead; and when the grader is told a GPU is
visible they really run (and fail on this CPU-only reference run), so they are not no-ops.
"""

from __future__ import annotations

import subprocess

import pytest

from grader.course.config import CourseConfig
from grader.course.messages import GPU_REQUIRED
from grader.course.tfenv import gpu_visible_in_process
from grader.grading import plugin
from grader.grading.scoring import score_exercise
from tests.grading_helpers import grade_folder

EXERCISE = "ex07_devices"


@pytest.fixture(scope="module")
def host_gpu() -> bool:
    """Whether this host really has a GPU (then the reference's non-GPU answers name it)."""
    return gpu_visible_in_process()


def grade(config: CourseConfig, root, *, gpu_visible: bool) -> list[plugin.TestRecord]:
    return grade_folder(
        config, root / "solutions", [EXERCISE], "gpu-policy", gpu_visible=gpu_visible
    )


def split(
    records: list[plugin.TestRecord],
) -> tuple[list[plugin.TestRecord], list[plugin.TestRecord]]:
    gpu = [r for r in records if r.gpu]
    return gpu, [r for r in records if not r.gpu]


def test_exercise_has_gpu_tests_public_and_hidden(config, root):
    gpu, other = split(grade(config, root, gpu_visible=False))
    assert {r.visibility for r in gpu} == {"public", "hidden"}
    assert other


def test_without_gpu_gpu_tests_are_skipped_and_points_stay(config, root, host_gpu):
    records = grade(config, root, gpu_visible=False)
    gpu, other = split(records)
    assert gpu and all(r.status == "skipped" for r in gpu), [(r.test, r.status) for r in gpu]
    score = score_exercise(EXERCISE, config.points(EXERCISE), records)
    assert score.max_score == config.points(EXERCISE) == 10
    if not host_gpu:  # on a GPU host the reference rightly lists a GPU the grader was told away
        assert all(r.status == "passed" for r in other), [(r.test, r.status) for r in other]
        assert score.score == pytest.approx(score.max_score)
    assert all(t.max_score == 0 for t in score.tests if t.record.gpu)
    assert sum(t.max_score for t in score.tests) == pytest.approx(score.max_score)


def test_gpu_required_fails_gpu_tests_without_gpu(config, root, host_gpu):
    grading = config.grading.model_copy(update={"gpu": "required"})
    required = config.model_copy(update={"grading": grading})
    assert required.grading.gpu == "required"
    records = grade(required, root, gpu_visible=False)
    gpu, other = split(records)
    assert gpu and all(r.status == "failed" for r in gpu)
    first, *rest = gpu  # one cause, said once: the later GPU tests point to the first
    assert first.message == GPU_REQUIRED
    assert all(r.same_cause_as == first.test for r in rest)
    if not host_gpu:
        assert all(r.status == "passed" for r in other), [(r.test, r.status) for r in other]
    score = score_exercise(EXERCISE, required.points(EXERCISE), records)
    assert score.max_score == 10
    assert score.score < score.max_score


def test_gpu_tests_really_run_when_a_gpu_is_claimed(config, root, host_gpu):
    if host_gpu:
        pytest.skip("needs a CPU-only host")
    # On this CPU-only host the reference runs everything on the CPU, so a GPU test that really
    # checks placement must fail when the grader is told a GPU is visible.
    gpu, _ = split(grade(config, root, gpu_visible=True))
    assert gpu
    not_failed = [(r.test, r.status) for r in gpu if r.status != "failed"]
    assert not not_failed, not_failed
    assert not [r.internal_error for r in gpu if r.internal_error]
    messages = " ".join(r.message.ko for r in gpu if r.message)
    assert "GPU" in messages


def test_reference_passes_gpu_tests_on_a_gpu_host(config, root, host_gpu):
    if not host_gpu:
        pytest.skip("needs a GPU that TensorFlow sees")
    records = grade(config, root, gpu_visible=True)
    failed = [(r.test, r.message.en if r.message else "") for r in records if r.status != "passed"]
    assert not failed, failed
    assert [r for r in records if r.gpu]


def test_student_matmuls_are_full_float32_on_every_device():
    """Seen on an H100: with TensorFloat-32 on (TensorFlow's default on Ampere and newer), a
    correct tf.matmul missed the float32 tolerance. Serving a student's code turns it off."""
    import tensorflow as tf

    from grader.student.agent import Agent

    tf.config.experimental.enable_tensor_float_32_execution(True)
    Agent()
    assert not tf.config.experimental.tensor_float_32_execution_enabled()


def test_sandbox_children_see_no_gpu_unless_the_grader_does(monkeypatch):
    """With ``gpu`` off the children's TensorFlow must agree with the graders (no GPU), and CUDA
    must not start under the address-space limit (seen on an H100: every child crashed)."""
    from grader.sandbox.remote import sandbox_environment

    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "secret")
    assert sandbox_environment(gpu=False)["CUDA_VISIBLE_DEVICES"] == ""
    with_gpu = sandbox_environment(gpu=True)
    assert with_gpu["CUDA_VISIBLE_DEVICES"] == "0"
    assert "JUPYTERHUB_API_TOKEN" not in with_gpu


def test_the_host_probe_starts_no_tensorflow_where_no_gpu_device_node_exists(monkeypatch, tmp_path):
    """``course grade`` and ``course check`` ask TensorFlow about GPUs in a subprocess, seconds
    of start-up: only worth it where a device node a GPU is reached through exists."""
    from grader.sandbox import gpu_probe

    probes: list[list[str]] = []

    def probe(command, **kwargs):
        probes.append(command)
        return subprocess.CompletedProcess(command, 0, stdout="1\n", stderr="")

    monkeypatch.setattr(gpu_probe.subprocess, "run", probe)
    monkeypatch.setattr(gpu_probe, "GPU_DEVICE_NODES", (str(tmp_path / "nvidia*"),))
    assert gpu_probe.host_gpu_visible() is False and probes == []

    (tmp_path / "nvidia0").touch()  # a device node: only TensorFlow can say whether it works
    assert gpu_probe.host_gpu_visible() is True and len(probes) == 1

"""The student and grader environments: venvs of the system-wide Python every account can run.

Student environment: the student wheel of ``course bundle`` (public graders only), TensorFlow
(CPU or CUDA build, course.yml ``hub.tensorflow``), JupyterLab 4, nbgrader's extensions and
JupyterHub's single-user server. Grader environment: the full kit (hidden graders, secure
autograde) with the same. Both are built with ``hub.python`` (default ``/usr/bin/python3.11``):
a Python under root's home (pyenv, a venv of root's) cannot be run by the students' accounts.

In the grader environment the hidden graders are readable only by root and the grader
account's group; the rest of both environments by everyone (sandbox children run as
unprivileged uids and need TensorFlow and the kit's runtime).

``link`` (for tests and development, not for a class): instead of installing packages, the
venv sees those of an existing environment of the same Python version through a ``.pth`` file,
and copies its Jupyter data files (JupyterLab's app, the lab extensions, server extension
switches; 25 MB: copies, since Jupyter refuses to serve static files through symlinks), so a class-sized set-up takes seconds instead of a 600 MB TensorFlow
install per environment. The student venv adds the linked site-packages as a plain path (the
``.pth`` files there, such as an editable install of the full kit, are not run); the grader venv
adds it as a site directory, so an editable kit is importable there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from grader.course.files import atomic_write_text
from grader.hub.render import HubFile
from grader.hub.system import HubSetupError, run

LINK_PTH = "course-hub-link.pth"
STUDENT_PACKAGES = ("jupyterlab>=4,<5", "jupyterhub>=5", "ipykernel")
MIRRORED = (("share", "jupyter"), ("etc", "jupyter"))


def site_packages(env: Path) -> Path:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return env / "lib" / version / "site-packages"


def create_venv(python: str, env: Path, *, with_pip: bool) -> None:
    if (env / "bin" / "python").exists():
        return
    command = [python, "-m", "venv", *([] if with_pip else ["--without-pip"]), str(env)]
    run(command)


def pip_install(env: Path, requirements: list[str]) -> None:
    run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", *requirements])


def nbgrader_requirement() -> str:
    from importlib.metadata import version

    return f"nbgrader=={version('nbgrader')}"  # the gradebook schema of the grader's nbgrader


def link_packages(env: Path, linked_prefix: Path, *, run_pth_files: bool) -> None:
    linked = site_packages(linked_prefix)
    if not linked.is_dir():
        raise HubSetupError(f"{linked} is not a site-packages folder to link to")
    line = f"import site; site.addsitedir({str(linked)!r})" if run_pth_files else str(linked)
    site_packages(env).mkdir(parents=True, exist_ok=True)
    atomic_write_text(site_packages(env) / LINK_PTH, line + "\n")
    os.chmod(site_packages(env) / LINK_PTH, 0o644)
    for parts in MIRRORED:
        source = linked_prefix.joinpath(*parts)
        for path in sorted(source.rglob("*")) if source.is_dir() else []:
            if path.is_dir() or "kernels" in path.relative_to(source).parts:
                continue
            target = env.joinpath(*parts, path.relative_to(source))
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                shutil.copy2(path, target)


def link_scripts(env: Path, linked_prefix: Path) -> None:
    """The linked environment's console scripts (``alembic``, which nbgrader runs by name,
    ``jupyter``, ``nbgrader``) re-pointed at this venv's Python: theirs may not be runnable by
    other accounts."""
    linked_python = str(linked_prefix / "bin" / "python")
    for script in sorted((linked_prefix / "bin").iterdir()):
        target = env / "bin" / script.name
        if target.exists() or target.is_symlink() or not script.is_file():
            continue
        try:
            first, rest = script.read_text(encoding="utf-8").split("\n", 1)
        except (UnicodeDecodeError, ValueError):
            continue
        if not first.startswith(f"#!{linked_python}"):
            continue
        target.write_text(f"#!{env / 'bin' / 'python'}\n{rest}", encoding="utf-8")
        os.chmod(target, 0o755)


def install_wheel_without_deps(env: Path, package: Path) -> None:
    """A wheel or a project folder alone (its dependencies come from the linked environment)."""
    command = [sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"), "install",
               "--quiet", "--no-deps", "--no-build-isolation", "--force-reinstall", str(package)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise HubSetupError(f"installing {package.name} failed:\n{result.stderr[-2000:]}")


def _build_env(
    python: str,
    env: Path,
    link: Path | None,
    install_linked: Callable[[Path], None],
    requirements: list[str],
) -> None:
    """A venv made by ``python``: with ``link``, one that sees the packages of that
    environment (the tests: nothing downloaded twice) plus ``install_linked``; otherwise a fresh
    one with ``requirements`` from the package index."""
    if link is not None:
        create_venv(python, env, with_pip=False)
        link_packages(env, link, run_pth_files=False)
        link_scripts(env, link)
        install_linked(env)
        return
    create_venv(python, env, with_pip=True)
    pip_install(env, requirements)


def build_student_env(
    python: str, env: Path, wheel: Path, tensorflow: str, link: Path | None
) -> None:
    _build_env(
        python, env, link, lambda linked: install_wheel_without_deps(linked, wheel),
        [f"{wheel}[{tensorflow}]", nbgrader_requirement(), *STUDENT_PACKAGES],
    )  # fmt: skip


def build_grader_env(
    python: str, env: Path, kit_root: Path, tensorflow: str, link: Path | None,
    extra: tuple[str, ...] = (),
) -> None:  # fmt: skip
    """The full kit; ``extra``: packages the hub needs besides (its authenticator)."""
    _build_env(
        python, env, link, lambda linked: install_kit_copy(linked, kit_root),
        [f"{kit_root}[{tensorflow},hub]", *extra],
    )  # fmt: skip


def install_kit_copy(env: Path, kit_root: Path) -> None:
    """The kit itself, built from a scratch copy (nothing is written into the checkout), so the
    grader environment owns its files and their permissions."""
    with tempfile.TemporaryDirectory(prefix="kit-copy-") as scratch:
        copy = Path(scratch)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(kit_root / "grader", copy / "grader", ignore=ignore)
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(kit_root / name, copy / name)
        install_wheel_without_deps(env, copy)


def make_hidden_graders_private(env: Path, group: str) -> Path:
    """The hidden graders of the grader environment's kit: root and ``group`` only. The rest of
    the environment stays readable: sandbox children run TensorFlow from it as an unprivileged
    uid (they never import the hidden graders)."""
    hidden = site_packages(env) / "grader" / "graders" / "hidden"
    if not hidden.is_dir():
        raise HubSetupError(f"{hidden} is missing: the grader environment lacks the full kit")
    run(["chown", "-R", f"root:{group}", str(hidden)])
    run(["chmod", "-R", "o-rwx", str(hidden)])
    return hidden


def write_files(files: list[HubFile]) -> None:
    for item in files:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(item.path, item.text)
        os.chmod(item.path, item.mode)


def python_version_matches(python: str) -> bool:
    """Whether ``python`` is this interpreter's minor version (links and wheels need it)."""
    probe = [python, "-c", "import sys; print(sys.version_info[:2])"]
    try:
        out = subprocess.run(probe, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out == str(sys.version_info[:2])

"""PostgreSQL gradebook: course.yml's ``nbgrader.db_url`` lets several graders work at once.

The test starts its own PostgreSQL server (initdb + pg_ctl in a temporary folder, on a free
port, as an unprivileged user when run as root, since PostgreSQL refuses to run as root), points
the generated ``nbgrader_config.py`` at it, and runs two ``nbgrader autograde`` processes for two
students at the same time against that one gradebook. It is skipped, with the reason, only
where no server can be started (no PostgreSQL binaries, no driver).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.course.config import CourseConfig
from tests.test_nbgrader_lifecycle import (
    BIN,
    answers,
    fill_in,
    make_course,
    nbgrader,
    nbgrader_env,
    read_grades,
)

EXERCISE = "ex01_tensors"
UNPRIVILEGED = "nobody"


def _pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server; yields the SQLAlchemy URL of an empty ``gradebook`` db."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (no pg_ctl; `apt-get install postgresql`)")
    pytest.importorskip("psycopg", reason="the psycopg (3) driver is not installed")
    as_root = os.geteuid() == 0
    user: dict = {}
    if as_root:
        entry = pwd.getpwnam(UNPRIVILEGED)
        user = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    base = Path(tempfile.mkdtemp(prefix="pg-gradebook-"))
    data = base / "data"
    if as_root:
        os.chown(base, user["user"], user["group"])
    port = _free_port()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, capture_output=True, text=True, cwd=base, timeout=120, **user)

    try:
        init = run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                   "--encoding=UTF8", "--no-sync")  # fmt: skip
        if init.returncode != 0:
            pytest.skip(f"initdb could not create a cluster: {init.stderr[-500:]}")
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        start = run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                    "-l", str(base / "log"), "-w", "-t", "60", "start")  # fmt: skip
        if start.returncode != 0:
            log = (base / "log").read_text() if (base / "log").exists() else ""
            pytest.skip(f"PostgreSQL did not start: {start.stderr[-300:]} {log[-500:]}")
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
        ) as connection:
            connection.execute("CREATE DATABASE gradebook")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/gradebook"
    finally:
        if (data / "postmaster.pid").exists():
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_postgres_gradebook_with_two_graders_at_once(tmp_path: Path, config: CourseConfig) -> None:
    with postgres_server() as db_url:
        course = make_course(tmp_path, config, (EXERCISE,), db_url=db_url)
        assignment = config.nbgrader.assignment
        nbgrader(course, "generate_assignment", assignment)
        config_text = (course / "nbgrader_config.py").read_text(encoding="utf-8")
        assert db_url in config_text
        assert not list(course.glob("*.db")), "a SQLite gradebook was created instead"

        # Two submissions placed where `nbgrader collect` would put them.
        reference = answers(course / "source" / assignment / f"{EXERCISE}.ipynb")
        for student in ("alice", "bob"):
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True)
            notebook = folder / f"{EXERCISE}.ipynb"
            shutil.copy(course / "release" / assignment / f"{EXERCISE}.ipynb", notebook)
            if student == "alice":
                fill_in(notebook, reference)
            (folder / "timestamp.txt").write_text("2025-03-01 10:00:00.000000 UTC")

        started = time.monotonic()
        graders = [
            subprocess.Popen(
                [str(BIN / "nbgrader"), "autograde", assignment, f"--student={student}"],
                cwd=course,
                env=nbgrader_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for student in ("alice", "bob")
        ]
        outputs = [p.communicate(timeout=600)[0] for p in graders]
        for process, output in zip(graders, outputs, strict=True):
            assert process.returncode == 0, output[-4000:]
        print(f"two concurrent autogrades: {time.monotonic() - started:.1f}s")

        nbgrader(course, "export")
        grades = read_grades(course)
        assert float(grades["alice"]["score"]) == config.points(EXERCISE)
        assert float(grades["bob"]["score"]) == 0
        assert not list(course.glob("*.db"))

        import psycopg

        with psycopg.connect(db_url.replace("+psycopg", "")) as db:
            rows = db.execute("SELECT id FROM student ORDER BY id").fetchall()
        assert [row[0] for row in rows] == ["alice", "bob"]

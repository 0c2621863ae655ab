"""Small wrappers around the host commands the hub set-up needs (useradd, runuser, npm)."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
from pathlib import Path


class HubSetupError(Exception):
    """A set-up step failed; the message says which and how to fix it."""


def run(command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-3000:]
        raise HubSetupError(
            f"`{' '.join(command[:6])}` failed (exit {result.returncode}):\n{output}"
        )
    return result.stdout


def as_user(user: str, command: list[str], *, cwd: Path, env: dict[str, str]) -> str:
    """Run ``command`` as ``user`` (root only), with exactly ``env`` plus the user's HOME."""
    home = pwd.getpwnam(user).pw_dir
    full_env = {**env, "HOME": home, "USER": user, "LOGNAME": user}
    exports = [f"{key}={value}" for key, value in sorted(full_env.items())]
    return run(["runuser", "-u", user, "--", "env", "-i", *exports, *command], cwd=cwd)


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def ensure_account(name: str, home_root: Path, home_mode: int = 0o700) -> bool:
    """Create the Unix account ``name`` with its own group and a private home; True if new."""
    if account_exists(name):
        return False
    home = home_root / name
    home_root.mkdir(parents=True, exist_ok=True)
    run(["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
         "--user-group", name])  # fmt: skip
    os.chmod(home, home_mode)
    return True


def add_to_group(user: str, group: str) -> None:
    if (
        user not in grp.getgrnam(group).gr_mem
        and pwd.getpwnam(user).pw_gid != grp.getgrnam(group).gr_gid
    ):
        run(["usermod", "--append", "--groups", group, user])


def chown_tree(path: Path, user: str, group: str | None = None) -> None:
    run(["chown", "-R", f"{user}:{group or user}", str(path)])


def ensure_proxy() -> str:
    """configurable-http-proxy on PATH, installed from npm where it is missing."""
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    if not shutil.which("npm"):
        raise HubSetupError("npm is missing: apt-get install -y nodejs npm, then re-run")
    run(["npm", "install", "-g", "configurable-http-proxy"])
    found = shutil.which("configurable-http-proxy")
    if not found:
        raise HubSetupError("npm installed configurable-http-proxy, but it is not on PATH")
    return found

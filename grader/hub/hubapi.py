"""The running hub's REST API, called with the course service's token (``groups`` scope)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from grader.course.config import CourseConfig
from grader.hub.render import require_hub

TOKEN_FILE = "course-service.token"
TIMEOUT_S = 10


class HubUnreachable(Exception):
    """The hub does not answer on its API address, or refuses the token."""


def api_url(config: CourseConfig) -> str:
    return f"http://127.0.0.1:{require_hub(config).hub_port}/hub/api"


def read_token(config: CourseConfig) -> str:
    return (Path(require_hub(config).state_dir) / TOKEN_FILE).read_text(encoding="ascii").strip()


def call(config: CourseConfig, method: str, path: str, body: Any = None) -> Any:
    """One API call; HTTP errors propagate as ``urllib.error.HTTPError`` (status in ``.code``)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(api_url(config) + path, data=data, method=method)
    request.add_header("Authorization", f"token {read_token(config)}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            text = response.read().decode() or "null"
    except urllib.error.HTTPError:
        raise
    except (urllib.error.URLError, OSError) as exc:
        raise HubUnreachable(f"{method} {path}: {exc}") from None
    return json.loads(text)


def add_to_group(config: CourseConfig, users: list[str]) -> bool:
    """Create ``users`` on the running hub and add them to its ``nbgrader-<course>`` group
    (the generated config lists them too, for the next start). False when the hub is down."""
    group = f"nbgrader-{config.course.id}"
    try:
        for user in users:
            try:
                call(config, "POST", f"/users/{user}")
            except urllib.error.HTTPError as exc:
                if exc.code != 409:  # 409: the hub knows the user already
                    raise
        if users:
            call(config, "POST", f"/groups/{group}/users", {"users": users})
    except HubUnreachable:
        return False
    return True

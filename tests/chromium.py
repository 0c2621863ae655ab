"""Debian's headless Chromium for the browser tests (Playwright cannot download its own here)."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
NOT_INSTALLED = f"Debian's Chromium is not installed ({CHROMIUM}; apt-get install chromium)"

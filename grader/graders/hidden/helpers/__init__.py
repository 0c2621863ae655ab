"""Helpers and inputs only the hidden tests use (never shipped, like the rest of ``hidden/``)."""

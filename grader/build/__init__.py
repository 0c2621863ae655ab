"""Generate everything derived from ``solutions/``: student stubs and nbgrader notebooks."""

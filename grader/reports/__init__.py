"""HTML reports built from ``results.json`` data only: per-student feedback and a class overview.

Everything here runs in the trusted grading process and never touches student code; student
strings (names, messages, captured output) are treated as hostile and always HTML-escaped.
"""

from grader.reports.class_report import render_class_report
from grader.reports.feedback import render_feedback

__all__ = ["render_class_report", "render_feedback"]

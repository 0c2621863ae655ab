"""HTML reports built from ``results.json`` data only: per-student feedback and a class overview.

Everything here runs in the trusted grading process and never touches student code; student
strings (names, messages, captured output) are treated as hostile and always HTML-escaped.
"""

from grader.reports.class_report import load_results, render_class_report, write_class_report
from grader.reports.feedback import render_feedback, write_feedback

__all__ = [
    "load_results",
    "render_class_report",
    "render_feedback",
    "write_class_report",
    "write_feedback",
]

"""TensorFlow's own log lines are not a student's output.

TensorFlow and absl write log records to stderr on their own: on import, on the first operation,
and on a GPU build even where no GPU is used (a failed ``cuInit`` on a CPU-only child). They carry
timestamps and process ids, so left in a report they would make two gradings of the same
submission differ, and in a notebook test cell nbgrader would score them as an error.
"""

from __future__ import annotations

import re

# One log record per line: TensorFlow C++ (old and absl styles), absl Python, logging's default
# format, and absl's pre-initialisation notice.
_LOG_LINE = re.compile(
    r"""^(?:
        \d{4}-\d\d-\d\d[ T][\d:.]+:\ [IWEF]\ \S+        # 2024-05-01 12:00:00.1: W tensorflow/…
      | [IWEF]\d{4}\ [\d:.]+\s+\d+\ \S+:\d+\]           # W0000 00:00:1715.1  123 file.cc:12]
      | (?:DEBUG|INFO|WARNING|ERROR):(?:tensorflow|absl|root|h5py|matplotlib)\b.*
      | WARNING:\ All\ log\ messages\ before\ absl::InitializeLog\(\).*
      | To\ enable\ the\ following\ instructions:.*     # continuation of cpu_feature_guard
    )""",
    re.VERBOSE,
)
# ``path.py:12: DeprecationWarning: text`` (Python's warnings.showwarning), then indented source.
_WARNING_LINE = re.compile(r"^.+:\d+: \w*Warning: ")


def strip_log_noise(text: str) -> str:
    """``text`` without TensorFlow/absl log lines and Python warnings (and their source lines)."""
    kept: list[str] = []
    in_record = False
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        if _LOG_LINE.match(bare) or _WARNING_LINE.match(bare):
            in_record = True
        elif in_record and (bare.startswith((" ", "\t")) or not bare.strip()):
            pass  # the source line Python prints under a warning, or a blank line
        else:
            in_record = False
            kept.append(line)
    return "".join(kept) if any(line.strip() for line in kept) else ""

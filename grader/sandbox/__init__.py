"""The sandbox: student code runs in forked, confined processes that only ever exchange
length-prefixed JSON with the trusted grader (see DESIGN.md, "never trust the student's process").
"""

# The zygote finds its control socket's file descriptor in this environment variable. It lives
# here, not in the zygote module, so the grading worker can name it without importing the
# zygote, which imports TensorFlow: the worker never needs TensorFlow itself.
CONTROL_FD_ENV = "COURSE_ZYGOTE_FD"
# "0": the zygote skips its warm-up (grader.sandbox.warmup), which pays off over many children
# and costs more than it saves for the one child of a `course check`.
WARM_UP_ENV = "COURSE_ZYGOTE_WARM_UP"
# The zygote's command line (after the interpreter): ``main`` called from a one-line ``-c``
# module, so that a child's stack starts a few short frames deep (see zygote.ChildLife).
ZYGOTE_ARGS = ("-c", "from grader.sandbox.zygote import main; main()")

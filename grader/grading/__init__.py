"""The trusted side of grading: the pytest plugin and ``submission`` fixture, one student's run,
the batch of a class, scoring and results. Student code never runs here: it is reached through
the sandbox (``course grade``) or, for a student's own checks, in-process (``local``)."""

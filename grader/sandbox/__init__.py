"""The sandbox: student code runs in forked, confined processes that only ever exchange
length-prefixed JSON with the trusted grader (see DESIGN.md, "never trust the student's process").
"""

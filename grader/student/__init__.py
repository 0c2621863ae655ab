"""Code that runs next to a student's code: it loads the student's file, calls it as graders ask,
and describes the results as plain data. It runs inside the sandbox for ``course grade`` and
in-process for ``course check`` and notebooks; nothing here decides a score.
"""

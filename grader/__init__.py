"""Autograder for the TensorFlow first-steps course (chapter 3.5).

The package is split by trust: ``grader.runtime`` is the only code that touches a student's
objects; everything else decides scores and only ever sees plain data.
"""

__version__ = "0.1.0"

"""Autograder for the TensorFlow first-steps course (chapter 3.5).

The sub-packages follow the trust boundary and the stages of one submission (see
docs/architecture.md): ``student`` is the only code that touches a student's objects, and runs
next to them in the sandbox child (``sandbox``); ``wire`` is the plain-data language both sides
speak; ``grading`` runs the ``graders`` and decides scores; ``reports`` shows them; ``course``
is what every stage shares; ``build``, ``nbgrader`` and ``hub`` are the instructor's and
operator's tools.
"""

__version__ = "0.1.0"

"""Trusted NumPy reference implementations the graders compute expected values with.

Nothing here imports TensorFlow or anything from a student: graders run these on data they drew
themselves and compare the student's answers against the results.
"""

"""The instructor's nbgrader integration: the generated nbgrader_config.py, the preprocessors
of the autograde pipeline and the sandboxed autograde. Never shipped to students."""

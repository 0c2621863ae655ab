"""Per-exercise helper modules: the checks an exercise's public and hidden tests share.

``helpers/exNN_name.py`` ships to students with the public tests that use it, so it holds only
what the public tests need too; whatever only hidden tests use lives in ``hidden/`` (its own
test module, or ``hidden/helpers/exNN_name.py``). A test module imports its helpers from here,
never from another test module.
"""

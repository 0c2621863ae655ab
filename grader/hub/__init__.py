"""The classroom JupyterHub: everything a single-server class needs, generated from course.yml.

``model`` validates course.yml's ``hub:`` section; ``render`` turns it into the hub's files
(``jupyterhub_config.py``, the global nbgrader config, the role settings of the student and
grader environments, the kernelspec, the systemd unit); ``environments``, ``exchange`` and
``system`` (accounts, proxy) make the machine match, ``install`` runs them in order and
``hubapi`` keeps a running hub's groups in step; ``doctor`` tells an operator, one line per
check, what is wrong; ``validate_ext`` is the student servers' Validate with Korean hints.
``cli`` is the ``course hub`` command group and ``course doctor``.

Only ``model`` is imported by ``grader.course.config``; it must stay free of heavy imports because the
student package loads course.yml too.
"""

"""Config of every user's single-user Jupyter server under JupyterHub: the read-only workbook in Voilà.

Loaded by ``jupyterhub-singleuser`` through ``--config=<this file>`` (``jupyterhub_config.py`` on
one machine) or from ``/etc/jupyter/jupyter_server_config.py`` (the Kubernetes image, see
``Dockerfile``). All settings live in :func:`purposecase.hub.configure_singleuser`, so they stay
in step with ``purposecase serve``; ``deploy/README.md`` lists them.
"""

from purposecase.hub import configure_singleuser

c = get_config()  # noqa: F821 - provided by traitlets when the file is loaded
configure_singleuser(c)

"""Front ends: the HTTP API and web workbench (FastAPI), the ``ogi`` command line, the scheduler."""

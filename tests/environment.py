"""The environment the suite runs in, set before Django reads its settings.

Loaded as a plugin (`-p tests.environment` in pyproject.toml), because pytest-django imports
the settings before any conftest. The suite runs under `make run`'s development environment
(DEBUG=1: the development secret key, local hosts, plain HTTP); pytest-django still turns
`settings.DEBUG` off inside each test. A value already exported (CI, a production-like run)
is kept. Processes the tests start inherit it, unless they set their own.
"""

import os

os.environ.setdefault("DEBUG", "1")

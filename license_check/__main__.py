"""``python -m license_check``: the same as the ``license-check`` console script.

``python -m`` puts the current folder first on ``sys.path``; run inside the scanned repository, a
file there named like a dependency (click.py, yaml.py) would be imported and run. Drop that entry
before importing anything else.
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from license_check.cli import main  # noqa: E402

if __name__ == "__main__":
    main()

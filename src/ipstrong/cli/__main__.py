"""``python -m ipstrong.cli``: the ``ipstrong`` command."""

import os

from ipstrong.cli import main

os.environ.setdefault("PYTHONIOENCODING", "utf-8")
main()

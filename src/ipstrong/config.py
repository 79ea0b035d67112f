"""Where ipstrong keeps its state: one data directory (``--data-dir`` or ``IPSTRONG_DATA_DIR``)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA_DIR = Path("data")


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the data directory: the explicit value, else ``IPSTRONG_DATA_DIR``, else ``./data``."""
    chosen = explicit or os.environ.get("IPSTRONG_DATA_DIR") or DEFAULT_DATA_DIR
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path

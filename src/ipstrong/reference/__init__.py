"""Reference tables shipped inside the package, each with its provenance (see data/PROVENANCE.md)."""

from importlib.resources import files
from pathlib import Path


def data_path(name: str) -> Path:
    """Path of a shipped reference file."""
    return Path(str(files("ipstrong.reference") / "data" / name))

"""IPC titles in Chinese (2026.01 edition) and English (about 2020.01), down to main groups."""

from __future__ import annotations

import csv
import gzip
from functools import cache

from ipstrong.reference import data_path


@cache
def ipc_titles() -> dict[str, tuple[str, str]]:
    """Code (``H01M``, ``H01M10/00``) -> (Chinese title, English title); either may be empty."""
    with gzip.open(data_path("ipc_titles.csv.gz"), "rt", encoding="utf-8", newline="") as fh:
        return {r["code"]: (r["title_zh"], r["title_en"]) for r in csv.DictReader(fh)}


def ipc_title(code: str) -> tuple[str, str] | None:
    """Titles of a subclass or main group; a subgroup is looked up at its main group."""
    titles = ipc_titles()
    if code in titles:
        return titles[code]
    if "/" in code:
        return titles.get(code.split("/", 1)[0] + "/00")
    return None

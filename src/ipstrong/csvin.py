"""Reading the small CSV files staff hand in — targets, statistical figures, custom zones: UTF-8 with or without a
byte-order mark (as Excel saves it), the required columns checked first, every message naming the file."""

from __future__ import annotations

import csv
from pathlib import Path

from ipstrong.messages import IpsError, Msg


def read_rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of ``path`` as dictionaries, after checking that every ``required`` column is there."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise IpsError(
                    Msg(f"缺少必需列：{'、'.join(missing)}", f"missing required columns: {', '.join(missing)}").located(
                        file=str(path)
                    )
                )
            return list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        raise IpsError(Msg(f"无法读取：{exc}", f"cannot read: {exc}").located(file=str(path))) from None

"""Administrative division codes (GB/T 2260): six digits, level read from the trailing zeros."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ipstrong.ids.common import InvalidIdentifier, fold
from ipstrong.messages import Msg


@dataclass(frozen=True)
class RegionCode:
    """A six-digit division code; ``name`` and ``current_code`` are filled when a reference lookup knows it
    (``current_code`` differs from ``code`` for a division abolished or renamed since)."""

    code: str
    name: str | None = None
    current_code: str | None = None

    @classmethod
    def parse(cls, value: str, lookup: Callable[[str], tuple[str, str] | None] | None = None) -> RegionCode:
        """Validate the shape (12-digit statistical forms are cut to 6) and, given ``lookup`` (code -> (name,
        code in force today)), existence."""
        code = fold(value)
        if len(code) == 12 and code.isdigit() and code.endswith("000000"):
            code = code[:6]
        if len(code) != 6 or not code.isdigit():
            raise InvalidIdentifier(Msg(f"区划代码应为 6 位数字：{value!r}", f"a region code has 6 digits: {value!r}"))
        if int(code[:2]) < 11 or int(code[:2]) > 82:
            raise InvalidIdentifier(Msg(f"省级代码 {code[:2]} 不存在", f"no province with code {code[:2]}"))
        found = lookup(code) if lookup else None
        if lookup and found is None:
            raise InvalidIdentifier(Msg(f"区划代码 {code} 不在区划表中", f"region code {code} is not in the division table"))
        return cls(code, *found) if found else cls(code)

    @property
    def canonical(self) -> str:
        return self.code

    @property
    def level(self) -> str:
        """``province``, ``city`` or ``district``."""
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "district"

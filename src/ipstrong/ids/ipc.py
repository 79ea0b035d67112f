"""IPC symbols: parse any common written form, canonical ``H01M10/0525``, hierarchical matching.

``H01M10`` means main group 10 and all its subgroups (not 100-109); ``H01M`` the subclass; ``H01M10/05*`` the
subgroups whose number starts with 05 (CONVENTIONS.md). Accepted input: ``H01M 10/0525``, ``H01M10/0525``,
``G06F  3/01`` (padded, as vendors export), ``H01M0010052500`` (WIPO 14-character form) and a trailing edition
such as ``(2006.01)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ipstrong.ids.common import InvalidIdentifier, fold
from ipstrong.messages import Msg

_EDITION = re.compile(r"\(\d{4}\.\d{2}\)[A-Z]?$|\[\d{4}\.\d{2}\]$")
_WIPO14 = re.compile(r"^([A-H]\d{2}[A-Z])(\d{4})(\d{6})$")
_SYMBOL = re.compile(r"^([A-H])(?:(\d{2})(?:([A-Z])(?:(\d{1,4})(?:/(\d{1,6})(\*)?|(\*))?)?)?)?$")


@dataclass(frozen=True)
class IpcSymbol:
    """An IPC symbol at any level: section, class, subclass, main group or subgroup."""

    section: str
    klass: str | None = None
    subclass: str | None = None
    group: int | None = None
    subgroup: str | None = None

    @classmethod
    def parse(cls, value: str) -> IpcSymbol:
        text = _EDITION.sub("", fold(value))
        wipo = _WIPO14.match(text)
        if wipo:
            sub = wipo.group(3).rstrip("0").ljust(2, "0")
            return cls(wipo.group(1)[0], wipo.group(1)[1:3], wipo.group(1)[3], int(wipo.group(2)), sub)
        match = _SYMBOL.match(text)
        if not match or match.group(6) or match.group(7):
            raise InvalidIdentifier(Msg(f"IPC 分类号格式无效：{value!r}", f"not an IPC symbol: {value!r}"))
        section, klass, subclass, group, subgroup = match.group(1, 2, 3, 4, 5)
        return cls(section, klass, subclass, int(group) if group else None, subgroup)

    @property
    def level(self) -> str:
        if self.subgroup is not None:
            return "main_group" if self.subgroup == "00" else "subgroup"
        if self.group is not None:
            return "group_any"
        if self.subclass:
            return "subclass"
        return "class" if self.klass else "section"

    @property
    def subclass_code(self) -> str | None:
        """``H01M`` for any symbol at or below a subclass."""
        return f"{self.section}{self.klass}{self.subclass}" if self.subclass else None

    @property
    def canonical(self) -> str:
        code = self.section + (self.klass or "") + (self.subclass or "")
        if self.group is not None:
            code += str(self.group)
            if self.subgroup is not None:
                code += "/" + self.subgroup
        return code

    @property
    def display(self) -> str:
        """``H01M 10/0525``: a space after the subclass, as printed on patents."""
        if self.group is None:
            return self.canonical
        return f"{self.subclass_code} {self.canonical[4:]}"

    @property
    def main_group(self) -> str | None:
        """``H01M10/00`` for any symbol at or below a main group."""
        return f"{self.subclass_code}{self.group}/00" if self.group is not None else None


def ipc_matches(symbol: str, pattern: str) -> bool:
    """Whether canonical ``symbol`` lies under ``pattern`` (``H01M``, ``H01M10``, ``H01M10/05*``, ``H01M10/0525``).

    Hierarchical, never a plain string prefix: ``G06F1`` does not cover ``G06F11/00``.
    """
    if pattern.endswith("*") and "/" in pattern:
        head, _, sub_prefix = pattern[:-1].partition("/")
        group_part, _, sub = symbol.partition("/")
        return group_part == head and sub.startswith(sub_prefix)
    pattern = pattern.rstrip("*")
    if "/" in pattern:
        return symbol == pattern
    if len(pattern) <= 4:
        return symbol.startswith(pattern)
    return symbol.split("/", 1)[0] == pattern

"""CN publication numbers and kind codes (ZC 0007-2004, ZC 0008-2004).

1985-88 used 8 digits, 1989 to about 2007 seven digits, later nine; kind codes A (application published),
B/C (invention granted), U/Y (utility model), S (design), with an optional digit (A8, C1 ...); designs granted
before 2010 carry D (CN301097661D, as real exports list them).
Source: ../shared/reference/OFFICIAL_RULES.md section 3 (9-digit structure unverified).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ipstrong.ids.common import InvalidIdentifier, fold
from ipstrong.messages import Msg

KIND_CODES = {
    "A": ("发明专利申请公布", "invention application published"),
    "B": ("发明专利授权公告", "invention patent granted"),
    "C": ("发明专利授权公告（旧）或部分无效", "invention granted (older) or partly invalidated"),
    "U": ("实用新型专利授权公告", "utility model granted"),
    "Y": ("实用新型部分无效（旧授权）", "utility model partly invalidated (older grant)"),
    "S": ("外观设计专利授权公告", "design patent granted"),
    "D": ("外观设计专利授权公告（2010 年前）", "design patent granted (before 2010)"),
}
KINDS = "".join(KIND_CODES)  # the letters a CN kind code starts with, for the patterns of ingest
GRANT_KINDS = "BCUYSD"  # the kinds that announce a grant
_SHAPE = re.compile(rf"^(CN)?(\d{{7,9}})([{KINDS}]\d?)$")


@dataclass(frozen=True)
class PublicationNumber:
    """A publication number such as ``CN114399933A``."""

    number: str
    kind: str

    @classmethod
    def parse(cls, value: str) -> PublicationNumber:
        match = _SHAPE.match(fold(value))
        if not match:
            raise InvalidIdentifier(Msg(f"公开（公告）号格式无效：{value!r}", f"not a CN publication number: {value!r}"))
        return cls(match.group(2), match.group(3))

    @property
    def canonical(self) -> str:
        return f"CN{self.number}{self.kind}"

    @property
    def kind_label(self) -> tuple[str, str]:
        """The kind code's meaning in Chinese and English."""
        return KIND_CODES[self.kind[0]]

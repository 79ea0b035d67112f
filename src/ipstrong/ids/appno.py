"""CN application numbers (专利申请号), ZC 0006-2003 and the pre-2003 8-digit form.

12-digit form (from 2003-10-01): year (4) + type (1) + serial (7), then a check digit after a dot:
weights 2,3,4,5,6,7,8,9,2,3,4,5 over the 12 digits, sum mod 11, 10 -> "X".
Pre-2003 form: year (2) + type (1) + serial (5), check digit with weights 2..9.
Type digit: 1 invention, 2 utility model, 3 design, 8 / 9 PCT national phase of invention / utility model.
Source: ../shared/reference/OFFICIAL_RULES.md section 3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ipstrong.ids.common import InvalidIdentifier, fold
from ipstrong.messages import Msg

# Another office's application as the warehouse keeps it: its office code, then its number (US12134151, EP13844704,
# WOCN22122372) — never CN or ZL, which are CN numbers written with a prefix
FOREIGN_APPLICATION = re.compile(r"(?!CN|ZL)[A-Z]{2}[0-9A-Z]{4,16}")

WEIGHTS_12 = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
WEIGHTS_8 = (2, 3, 4, 5, 6, 7, 8, 9)
TYPE_DIGITS = {
    "1": ("invention", False),
    "2": ("utility_model", False),
    "3": ("design", False),
    "8": ("invention", True),
    "9": ("utility_model", True),
}
_SHAPE = re.compile(r"^(?:CN|ZL)?(\d{12}|\d{8})\.?([0-9X])?$")


def application_check_digit(digits: str) -> str:
    """The check digit of a 12- or 8-digit application number body."""
    weights = WEIGHTS_12 if len(digits) == 12 else WEIGHTS_8
    if len(digits) not in (8, 12) or not digits.isdigit():
        raise ValueError(f"need 8 or 12 digits, got {digits!r}")
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


@dataclass(frozen=True)
class ApplicationNumber:
    """A validated application number; ``completed`` is true when the check digit was computed, not given."""

    digits: str
    check: str
    completed: bool = False

    @classmethod
    def parse(cls, value: str) -> ApplicationNumber:
        """Accept CN/ZL prefixes, spaces, full-width digits and a missing dot or check digit."""
        text = fold(value).replace("·", ".")
        match = _SHAPE.match(text)
        if not match:
            raise InvalidIdentifier(Msg(f"申请号格式无效：{value!r}", f"not an application number: {value!r}"))
        digits, given = match.group(1), match.group(2)
        year = _year(digits)
        type_digit = digits[4] if len(digits) == 12 else digits[2]
        if type_digit not in TYPE_DIGITS:
            raise InvalidIdentifier(
                Msg(
                    f"申请种类号 {type_digit} 无效（应为 1、2、3、8、9）",
                    f"invalid application type digit {type_digit} (expected 1, 2, 3, 8 or 9)",
                )
            )
        if len(digits) == 12 and year < 2003:
            raise InvalidIdentifier(
                Msg(f"12 位申请号的年号 {year} 早于 2003 年", f"12-digit application number with year {year} before 2003")
            )
        expected = application_check_digit(digits)
        if given is not None and given != expected:
            raise InvalidIdentifier(
                Msg(f"校验位错误：{value} 的校验位应为 {expected}", f"wrong check digit: {value} should end in {expected}")
            )
        return cls(digits, expected, completed=given is None)

    @property
    def canonical(self) -> str:
        """``201710601862.3`` or ``95115608.X``."""
        return f"{self.digits}.{self.check}"

    @property
    def year(self) -> int:
        """The filing year encoded in the number."""
        return _year(self.digits)

    @property
    def type_digit(self) -> str:
        return self.digits[4] if len(self.digits) == 12 else self.digits[2]

    @property
    def patent_type(self) -> str:
        """``invention``, ``utility_model`` or ``design``."""
        return TYPE_DIGITS[self.type_digit][0]

    @property
    def pct(self) -> bool:
        """True for PCT national-phase applications (type digits 8 and 9)."""
        return TYPE_DIGITS[self.type_digit][1]


def _year(digits: str) -> int:
    if len(digits) == 12:
        return int(digits[:4])
    yy = int(digits[:2])
    return 1900 + yy if yy >= 85 else 2000 + yy

"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Characters ``0-9A-Z`` without I, O, Z, S, V map to 0..30; weights 3^(i-1) mod 31;
check = 31 - (sum mod 31), 31 -> 0. Source: ../shared/reference/OFFICIAL_RULES.md section 4.
"""

from __future__ import annotations

from dataclasses import dataclass

from ipstrong.ids.common import InvalidIdentifier, fold
from ipstrong.messages import Msg

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def credit_code_check_char(body: str) -> str:
    """The 18th character for a 17-character body."""
    total = sum(CHARSET.index(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


@dataclass(frozen=True)
class CreditCode:
    """A validated 18-character unified social credit code."""

    code: str

    @classmethod
    def parse(cls, value: str) -> CreditCode:
        code = fold(value)
        if len(code) != 18:
            raise InvalidIdentifier(
                Msg(f"统一社会信用代码应为 18 位，实为 {len(code)} 位", f"a credit code has 18 characters, got {len(code)}")
            )
        bad = [c for c in code if c not in CHARSET]
        if bad:
            raise InvalidIdentifier(Msg(f"统一社会信用代码含无效字符 {bad[0]!r}", f"invalid character {bad[0]!r} in credit code"))
        expected = credit_code_check_char(code[:17])
        if code[17] != expected:
            raise InvalidIdentifier(
                Msg(f"统一社会信用代码校验位错误，应为 {expected}", f"wrong credit code check character, expected {expected}")
            )
        return cls(code)

    @property
    def canonical(self) -> str:
        return self.code

    @property
    def region_code(self) -> str:
        """Characters 3-8: the registering authority's administrative division code."""
        return self.code[2:8]

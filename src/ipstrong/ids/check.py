"""``ipstrong id check``: identify a value's kind, validate it and report the canonical form.

A registry of kinds, each a name and a parser; adding a kind touches only ``KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ipstrong.ids.appno import ApplicationNumber
from ipstrong.ids.common import InvalidIdentifier, fold
from ipstrong.ids.ipc import IpcSymbol
from ipstrong.ids.pubno import PublicationNumber
from ipstrong.ids.region import RegionCode
from ipstrong.ids.uscc import CreditCode
from ipstrong.messages import IpsError, Msg

KINDS: dict[str, Callable[..., Any]] = {
    "application_number": ApplicationNumber.parse,
    "publication_number": PublicationNumber.parse,
    "credit_code": CreditCode.parse,
    "ipc": IpcSymbol.parse,
    "region_code": RegionCode.parse,
}


def _details(kind: str, parsed: Any) -> dict[str, Any]:
    if kind == "application_number":
        return {
            "year": parsed.year,
            "patent_type": parsed.patent_type,
            "pct": parsed.pct,
            "check_digit_completed": parsed.completed,
        }
    if kind == "publication_number":
        zh, en = parsed.kind_label
        return {"kind_code": parsed.kind, "kind_label": f"{zh} / {en}"}
    if kind == "ipc":
        return {"level": parsed.level, "display": parsed.display}
    if kind == "region_code":
        return {"level": parsed.level, "name": parsed.name, "current_code": parsed.current_code}
    if kind == "credit_code":
        return {"region_code": parsed.region_code}
    return {}


def _one(value: str, kind: str, region_lookup: Callable[[str], tuple[str, str] | None] | None) -> dict[str, Any]:
    try:
        parsed = KINDS[kind](value, region_lookup) if kind == "region_code" else KINDS[kind](value)
    except InvalidIdentifier as exc:
        return {"kind": kind, "valid": False, "canonical": None, "reason": str(exc.msg)}
    return {"kind": kind, "valid": True, "canonical": parsed.canonical, "reason": None, **_details(kind, parsed)}


def check_identifier(
    value: str, kind: str | None = None, region_lookup: Callable[[str], tuple[str, str] | None] | None = None
) -> dict[str, Any]:
    """Check ``value`` as ``kind``, or as every kind when none is given.

    Without a kind, the one valid reading is reported; several valid readings are reported with
    ``candidates``; with none valid, the application-number reading is reported when the value looks
    numeric, else the first reading, with every kind's reason under ``candidates``.
    """
    if kind is not None:
        if kind not in KINDS:  # a usage error, not an invalid value
            raise IpsError(
                Msg(f"未知的标识类型 {kind}（可选：{'、'.join(KINDS)}）", f"unknown kind {kind} (one of: {', '.join(KINDS)})")
            )
        return _one(value, kind, region_lookup)
    readings = [_one(value, k, region_lookup) for k in KINDS]
    valid = [r for r in readings if r["valid"]]
    if len(valid) == 1:
        return valid[0]
    if valid:
        return {**valid[0], "candidates": valid}
    by_kind = {r["kind"]: r for r in readings}
    return {**by_kind[_likely_kind(value)], "candidates": readings}


def _likely_kind(value: str) -> str:
    """The kind an invalid value most looks like, so its reason is the one a person needs."""
    text = fold(value)
    if len(text) == 18 and not text.startswith(("CN", "ZL")):
        return "credit_code"
    if len(text) == 6 and text.isdigit():
        return "region_code"
    if text.startswith("CN") and any(ch.isalpha() for ch in text[-2:]) and text[-1] != "X":
        return "publication_number"
    if text[:1] in "ABCDEFGH" and not text.startswith("CN"):
        return "ipc"
    return "application_number"

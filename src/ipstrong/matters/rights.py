"""The patents and trademark registrations a matter concerns, checked against the warehouse.

A Chinese application number is parsed (any written form, check digit verified) and looked up in the current
snapshot; one the warehouse holds is ``checked`` with its title. A number the warehouse does not hold (another
province's patent) and another office's number (US12134151) are allowed and marked unchecked, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ipstrong.ids.common import fold
from ipstrong.messages import IpsError, Msg
from ipstrong.search.patents import held, is_foreign, patent_number

NOT_HELD = {
    "patent": "仓库中没有此专利（可能为外省专利），未核对 / not in the warehouse (perhaps another province's): unchecked",
    "trademark": "仓库中没有此商标注册，未核对 / not in the warehouse: unchecked",
}
FOREIGN = "其他国家或地区的专利，未核对 / another office's patent: unchecked"


@dataclass(frozen=True)
class Right:
    kind: str  # patent | trademark
    number: str
    checked: bool
    title: str | None
    note: str | None


def _canonical(kind: str, raw: str, field: str) -> str:
    if kind == "patent":
        return patent_number(raw, field)
    text = fold(raw).replace(" ", "")
    if not text.isdigit() or not 1 <= len(text) <= 10:
        raise IpsError(Msg(f"商标注册号无效：{raw!r}", f"not a trademark registration number: {raw!r}").located(field=field))
    return text


def check_rights(data_dir: Path, kind: str, numbers: list[str], field: str) -> list[Right]:
    """Each number in canonical form, checked against the current snapshot (duplicates kept once); patents through
    the patents service, the rule of the patent page."""
    from ipstrong.warehouse.connection import lookup

    canonical = list(dict.fromkeys(_canonical(kind, n, field) for n in numbers))
    local = [n for n in canonical if kind == "trademark" or not is_foreign(n)]
    titles = held(data_dir, local) if kind == "patent" else lookup(data_dir, "trademarks", "reg_no", "mark_name", local)
    return [
        Right(kind, n, True, titles[n], None)
        if n in titles
        else Right(kind, n, False, None, NOT_HELD[kind] if n in local else FOREIGN)
        for n in canonical
    ]

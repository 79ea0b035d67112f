"""Batch lookup (批量查询): a list of numbers as people paste them — application numbers in any written form, with
their check digits, or publication numbers — each answered on its own line: found in the current snapshot (with
its title, first applicant, filing date and legal status), not held, or not a valid number and why. The page
``/search/batch``, ``POST /api/v1/search/batch`` and ``ipstrong search --batch FILE`` render this one call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel

from ipstrong.accounts.roles import Actor
from ipstrong.ids import ApplicationNumber, InvalidIdentifier, PublicationNumber
from ipstrong.messages import IpsError, Msg

MAX_NUMBERS = 2000


class LookupRow(BaseModel):
    """One line of the list: what was written, what it was read as, and what the warehouse holds of it."""

    line: int
    written: str
    app_no: str | None
    pub_no: str | None
    found: bool
    title: str | None = None
    first_applicant: str | None = None
    app_date: dt.date | None = None
    legal_status: str | None = None
    reason: Msg | None = None


def _read(line: int, written: str) -> LookupRow:
    """A written number as an application number (check digit verified) or else a publication number."""
    try:
        return LookupRow(line=line, written=written, app_no=ApplicationNumber.parse(written).canonical, pub_no=None, found=False)
    except InvalidIdentifier as as_application:
        try:
            return LookupRow(
                line=line, written=written, app_no=None, pub_no=PublicationNumber.parse(written).canonical, found=False
            )
        except InvalidIdentifier:
            return LookupRow(line=line, written=written, app_no=None, pub_no=None, found=False, reason=as_application.msg)


def look_up(actor: Actor, data_dir: Path, text: str) -> list[LookupRow]:
    """Each non-empty line (or comma/semicolon-separated item) of ``text`` answered in order; bibliographic data is
    public information, so any signed-in person may look numbers up."""
    from ipstrong.warehouse.connection import snapshot_connection

    items = [
        w.strip() for line in text.splitlines() for w in line.replace("；", ";").replace("，", ",").replace(";", ",").split(",")
    ]
    rows = [_read(n, w) for n, w in enumerate((w for w in items if w), start=1)]
    if len(rows) > MAX_NUMBERS:
        raise IpsError(Msg(f"一次最多查询 {MAX_NUMBERS} 个号码", f"at most {MAX_NUMBERS} numbers at a time"))
    apps = sorted({r.app_no for r in rows if r.app_no})
    pubs = sorted({r.pub_no for r in rows if r.pub_no})
    if not rows:
        return []
    con = snapshot_connection(data_dir)
    try:
        found = con.execute(
            "SELECT app_no, pub_no, title, first_applicant, app_date, legal_status FROM patents "
            "WHERE list_contains(?, app_no) OR list_contains(?, pub_no)",
            [apps, pubs],
        ).fetchall()
    finally:
        con.close()
    by_app = {f[0]: f for f in found}
    by_pub = {f[1]: f for f in found if f[1]}
    for row in rows:
        hit = by_app.get(row.app_no) if row.app_no else by_pub.get(row.pub_no)
        if hit is not None:
            row.app_no, row.pub_no, row.title, row.first_applicant, row.app_date, row.legal_status = hit
            row.found = True
        elif row.reason is None:
            row.reason = Msg("当前快照中没有这件专利", "not in the current snapshot")
    return rows

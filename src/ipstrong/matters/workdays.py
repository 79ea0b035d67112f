"""Chinese working days and periods, counted on a holiday table the office keeps.

The table (``calendar_days``) holds the exceptions to "Monday to Friday": public holidays and the make-up working
days on weekends (调休上班). It is seeded from the maintained ``chinese_calendar`` package (the State Council's
annual notices, through its last published year) and the office adds each new year's notice as data, with its
source; a day the office entered is never overwritten by the seed. Periods follow CONVENTIONS.md: the start day is
not counted; "N months" ends on the same day N months later (the month's last day when that day does not exist)
and, when that is not a working day, on the next one. A deadline that falls after the table's last year is counted
on weekends only and marked ``provisional`` with a warning — intake never stops for a missing calendar year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Date, DateTime, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ipstrong.accounts import audit
from ipstrong.accounts.models import utcnow
from ipstrong.accounts.roles import Actor, require
from ipstrong.db import Base
from ipstrong.messages import IpsError, Msg

KINDS = ("holiday", "workday")  # a public holiday; a weekend day that is a make-up working day
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class CalendarDay(Base):
    """One exception to the Monday–Friday week."""

    __tablename__ = "calendar_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def library_source() -> str:
    import chinese_calendar

    return f"chinesecalendar {chinese_calendar.__version__}（国务院办公厅各年节假日安排通知 / State Council annual notices）"


def library_days() -> list[tuple[dt.date, str, str]]:
    """The library's exceptions as (day, kind, Chinese name); weekends inside a holiday are left out (not working
    days anyway)."""
    from chinese_calendar import constants

    out = []
    for kind, days in (("holiday", constants.holidays), ("workday", constants.workdays)):
        for day, name in days.items():
            if kind == "holiday" and day.weekday() >= 5:
                continue
            label = HOLIDAY_NAMES.get(str(name), str(name))
            out.append((day, kind, label if kind == "holiday" else f"{label}调休上班"))
    return out


def seed(session: Session) -> int:
    """Add the library's days that the table lacks (days the office entered stay as they are); return how many."""
    present = set(session.scalars(select(CalendarDay.day)))
    source = library_source()
    added = 0
    for day, kind, name in library_days():
        if day not in present:
            session.add(CalendarDay(day=day, kind=kind, name=name, source=source, created_by="system"))
            present.add(day)
            added += 1
    return added


@dataclass(frozen=True)
class Calendar:
    """The holiday table as a value: which days are exceptions and the last year it covers."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    last_year: int | None

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def covers(self, day: dt.date) -> bool:
        return self.last_year is not None and day.year <= self.last_year


def _seeded(session: Session) -> None:
    """Seed an empty table from the library (a table the office has started is left to the office)."""
    if not session.scalar(select(func.count()).select_from(CalendarDay)):
        seed(session)
        session.flush()


def load(session: Session) -> Calendar:
    """The calendar from the table, or from the library while the table is still empty: reading never writes (the
    table is seeded when it is first shown or edited)."""
    rows = [tuple(r) for r in session.execute(select(CalendarDay.day, CalendarDay.kind))]
    if not rows:
        rows = [(day, kind) for day, kind, _name in library_days()]
    holidays = frozenset(d for d, k in rows if k == "holiday")
    workdays = frozenset(d for d, k in rows if k == "workday")
    return Calendar(holidays, workdays, max((d.year for d, _k in rows), default=None))


@dataclass(frozen=True)
class Deadline:
    """A computed day, ``provisional`` when the holiday table does not reach it (weekends only were counted)."""

    start: dt.date
    date: dt.date
    provisional: bool

    def warning(self) -> Msg | None:
        if not self.provisional:
            return None
        return Msg(
            f"节假日表只到 {self.date.year - 1} 年或更早：{self.date} 仅按周末推算，待补录当年放假安排后会变化",
            f"the holiday table does not reach {self.date.year}: {self.date} counts weekends only and may change "
            "once that year's holidays are entered",
        )

    def to_dict(self) -> dict[str, Any]:
        warning = self.warning()
        return {
            "start": self.start.isoformat(),
            "date": self.date.isoformat(),
            "provisional": self.provisional,
            "warning": str(warning) if warning else None,
        }


Excluded = tuple[dt.date, dt.date]  # first and last day of time a rule does not count (suspension, notice, appraisal)
# the days a period may start and end on: far beyond any statutory limit, well inside what dates can hold
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
MAX_PERIOD = {"working_days": 3650, "days": 36500, "months": 1200}


def _check_range(start: dt.date, amount: int, unit: str) -> None:
    if not FIRST_DAY <= start <= LAST_DAY:
        raise IpsError(
            Msg(f"起算日须在 {FIRST_DAY} 至 {LAST_DAY} 之间", f"the start must lie between {FIRST_DAY} and {LAST_DAY}").located(
                field="start"
            )
        )
    if unit in MAX_PERIOD and amount > MAX_PERIOD[unit]:
        raise IpsError(
            Msg(f"期限长度不能超过 {MAX_PERIOD[unit]}", f"a period of {unit} cannot exceed {MAX_PERIOD[unit]}").located(
                field="amount"
            )
        )


def period_end(calendar: Calendar, start: dt.date, amount: int, unit: str, excluded: tuple[Excluded, ...] = ()) -> Deadline:
    """The end of a period of ``amount`` ``unit`` (working_days, days or months) from ``start`` (not counted).

    Working days inside excluded time are not counted; for days and months, each excluded day inside the period
    moves its end one day later (the time is added back), and an end that is not a working day moves to the next.
    """
    if amount < 0:
        raise IpsError(Msg("期限长度不能为负", "a period cannot be negative"))
    _check_range(start, amount, unit)
    skip = {first + dt.timedelta(days=i) for first, last in excluded for i in range((last - first).days + 1)}
    if unit == "working_days":
        day, counted = start, 0
        while counted < amount:
            day += dt.timedelta(days=1)
            counted += calendar.is_working_day(day) and day not in skip
        if day > LAST_DAY:
            raise IpsError(Msg(f"期限将晚于 {LAST_DAY}", f"the period would end after {LAST_DAY}"))
        return Deadline(start, day, not calendar.covers(day))
    if unit not in ("days", "months"):
        raise IpsError(Msg(f"未知的期限单位 {unit}", f"unknown unit {unit}"))
    base = start + (relativedelta(months=amount) if unit == "months" else dt.timedelta(days=amount))
    day, added = base, 0
    while (inside := sum(1 for d in skip if start < d <= day)) > added:
        day, added = base + dt.timedelta(days=inside), inside
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    if day > LAST_DAY:
        raise IpsError(Msg(f"期限将晚于 {LAST_DAY}", f"the period would end after {LAST_DAY}"))
    return Deadline(start, day, not calendar.covers(day))


def add_working_days(calendar: Calendar, start: dt.date, n: int) -> Deadline:
    """The day ``n`` working days after ``start`` (``start`` itself not counted)."""
    return period_end(calendar, start, n, "working_days")


def add_months(calendar: Calendar, start: dt.date, months: int) -> Deadline:
    """The end of a period of ``months`` months from ``start``: the same day of the month (or the month's last day),
    moved to the next working day when it is not one."""
    return period_end(calendar, start, months, "months")


def set_day(session: Session, actor: Actor, day: dt.date, kind: str | None, name: str, source: str) -> dict[str, Any]:
    """Enter one day of a year's notice (``kind`` holiday or workday), or remove an entry (``kind`` None): audited."""
    require(actor, "calendar.manage")
    _seeded(session)  # the first entry starts from the library's days, never from an empty table
    if kind is not None and kind not in KINDS:
        raise IpsError(Msg(f"类型须为 {' 或 '.join(KINDS)}", f"kind must be {' or '.join(KINDS)}"))
    if kind is not None and not source.strip():
        raise IpsError(Msg("请注明来源（如国务院办公厅通知的文号）", "name the source (the State Council notice)"))
    row = session.get(CalendarDay, day)
    before = {"kind": row.kind, "name": row.name, "source": row.source} if row else None
    if kind is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(CalendarDay(day=day, kind=kind, name=name, source=source, created_by=actor.username))
    else:
        row.kind, row.name, row.source, row.created_by = kind, name, source, actor.username
    after = {"kind": kind, "name": name, "source": source} if kind else None
    audit.append(session, actor.username, "calendar.set", "calendar_day", day.isoformat(), None, before, after)
    return {"day": day.isoformat(), "kind": kind, "name": name, "source": source}


def days_of_year(session: Session, year: int) -> list[dict[str, Any]]:
    """The exceptions entered for ``year``, in date order (the table seeded first when empty)."""
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise IpsError(
            Msg(
                f"年份须在 {FIRST_DAY.year} 至 {LAST_DAY.year} 之间",
                f"the year must lie between {FIRST_DAY.year} and {LAST_DAY.year}",
            )
        )
    _seeded(session)
    rows = session.scalars(
        select(CalendarDay)
        .where(CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31))
        .order_by(CalendarDay.day)
    )
    return [{"day": r.day.isoformat(), "kind": r.kind, "name": r.name, "source": r.source} for r in rows]

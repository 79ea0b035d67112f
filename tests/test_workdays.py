"""Chinese working days on the office's holiday table (seeded from chinese_calendar), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from ipstrong.accounts.audit import verify
from ipstrong.accounts.roles import SYSTEM, Actor, PermissionDenied
from ipstrong.db import transaction
from ipstrong.matters.workdays import Calendar, add_months, add_working_days, days_of_year, load, set_day
from ipstrong.messages import IpsError

D = dt.date


def test_national_day_and_make_up_working_days(db) -> None:
    with transaction(db.factory) as s:
        cal = load(s)
    assert add_working_days(cal, D(2024, 9, 30), 1).date == D(2024, 10, 8)  # 1–7 October off
    assert add_working_days(cal, D(2024, 10, 11), 1).date == D(2024, 10, 12)  # a Saturday worked (调休上班)
    assert add_working_days(cal, D(2024, 9, 27), 5).date == D(2024, 10, 10)  # Sunday 29 September is a working day
    five = add_working_days(cal, D(2025, 1, 24), 5)  # Spring Festival 2025: 28 Jan – 4 Feb, 26 Jan worked
    assert five.date == D(2025, 2, 7) and not five.provisional
    assert add_working_days(cal, D(2024, 5, 6), 0).date == D(2024, 5, 6)


def test_periods_of_months(db) -> None:
    with transaction(db.factory) as s:
        cal = load(s)
    assert add_months(cal, D(2024, 1, 31), 1).date == D(2024, 2, 29)  # the month's last day
    assert add_months(cal, D(2024, 9, 1), 1).date == D(2024, 10, 8)  # 1 October a holiday: the next working day
    assert add_months(cal, D(2023, 11, 30), 3).date == D(2024, 2, 29)


def test_beyond_the_table_is_provisional_never_an_error(db) -> None:
    with transaction(db.factory) as s:
        cal = load(s)
    late = add_working_days(cal, D(2026, 12, 30), 5)
    assert late.provisional and late.date == D(2027, 1, 6) and "2027" in late.warning().en
    with pytest.raises(IpsError):
        add_working_days(cal, D(2024, 1, 1), -1)


def test_the_office_enters_a_new_years_notice(db) -> None:
    with transaction(db.factory) as s:
        load(s)
        set_day(s, SYSTEM, D(2027, 1, 1), "holiday", "元旦", "国办发明电〔2026〕X号（示例）")
    with transaction(db.factory) as s:
        cal = load(s)
        assert days_of_year(s, 2027) == [
            {"day": "2027-01-01", "kind": "holiday", "name": "元旦", "source": "国办发明电〔2026〕X号（示例）"}
        ]
        assert verify(s).ok
    assert cal.last_year == 2027 and add_working_days(cal, D(2026, 12, 31), 1).date == D(2027, 1, 4)
    with transaction(db.factory) as s, pytest.raises(PermissionDenied):
        set_day(s, Actor(2, "suzhou", "city_official", "320500"), D(2027, 1, 2), "holiday", "x", "y")
    with transaction(db.factory) as s, pytest.raises(IpsError):
        set_day(s, SYSTEM, D(2027, 1, 2), "holiday", "元旦", "")  # a day needs its source


def test_a_calendar_value_counts_without_a_database() -> None:
    cal = Calendar(frozenset({D(2030, 1, 1)}), frozenset({D(2030, 1, 5)}), 2030)
    assert add_working_days(cal, D(2029, 12, 31), 1).date == D(2030, 1, 2)
    assert add_working_days(cal, D(2030, 1, 4), 1).date == D(2030, 1, 5)


def test_excluded_time_is_added_back(db) -> None:
    from ipstrong.matters.catalogue import MATTER_TYPES
    from ipstrong.matters.workdays import period_end

    with transaction(db.factory) as s:
        cal = load(s)
    decision = next(d for d in MATTER_TYPES["adjudication"].deadlines if d.id == "decision")
    assert decision.due(cal, D(2024, 3, 1)).date == D(2024, 6, 3)  # 1 June a Saturday
    suspended = ((D(2024, 4, 1), D(2024, 4, 10)),)  # ten days of suspension: 11 June (10 June is 端午节)
    assert decision.due(cal, D(2024, 3, 1), suspended).date == D(2024, 6, 11)
    assert decision.due(cal, D(2024, 3, 1), suspended, extended=True).date == D(2024, 7, 11)
    # five working days with two of them excluded: Sunday 29 September (worked) and 30 September do not count
    excluded = ((D(2024, 9, 29), D(2024, 9, 30)),)
    assert period_end(cal, D(2024, 9, 27), 5, "working_days", excluded).date == D(2024, 10, 12)
    with pytest.raises(IpsError):
        period_end(cal, D(2024, 1, 1), 1, "weeks")


def test_reading_the_calendar_never_writes(db) -> None:
    from sqlalchemy import func, select

    from ipstrong.matters.workdays import CalendarDay

    with db.factory() as s:  # a read-only session: the library's days, nothing stored
        assert add_working_days(load(s), dt.date(2024, 9, 30), 1).date == dt.date(2024, 10, 8)
        assert s.scalar(select(func.count()).select_from(CalendarDay)) == 0

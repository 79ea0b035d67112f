"""Today as the office counts it: the calendar day in China (Asia/Shanghai), wherever the server's clock is set."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today_shanghai() -> date:
    return datetime.now(SHANGHAI).date()

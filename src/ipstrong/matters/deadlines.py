"""A matter's time limits, read from its history: which have run, which are met, which is current, days left.

A limit starts on the last day the matter entered the rule's ``starts`` state and is met by a later step in
``met_by``. The time the matter spent in a state that ``pauses`` for a kind the rule excludes (suspension,
appraisal, public notice) is excluded: from the day it entered that state up to the day before it left it. While
such a pause lasts the limit is ``paused`` (counted as if it ended today; never overdue).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from ipstrong.matters.definitions import DeadlineRule, MatterType
from ipstrong.matters.records import Limit
from ipstrong.matters.workdays import Calendar, Deadline, Excluded


@dataclass(frozen=True)
class Passage:
    """One move in a matter's history: on ``day``, step ``step`` (None for creation) into ``state``."""

    day: dt.date
    step: str | None
    state: str


@dataclass(frozen=True)
class LimitStatus:
    rule: DeadlineRule
    started: dt.date
    met_on: dt.date | None
    due: Deadline
    paused: bool
    extended: bool

    def days_left(self, today: dt.date) -> int:
        return (self.due.date - today).days

    def record(self, today: dt.date) -> Limit:
        """The limit as the matter's detail shows it on the given day."""
        return Limit(
            rule=self.rule.id,
            name_zh=self.rule.name_zh,
            name_en=self.rule.name_en,
            source=self.rule.source,
            verified=self.rule.verified,
            started=self.started,
            due=self.due.date,
            provisional=self.due.provisional,
            warning=str(w) if (w := self.due.warning()) else None,
            met_on=self.met_on,
            paused=self.paused,
            extended=self.extended,
            days_left=None if self.met_on else self.days_left(today),
        )


def _excluded(mtype: MatterType, rule: DeadlineRule, after: list[Passage], today: dt.date) -> tuple[tuple[Excluded, ...], bool]:
    """The pauses ``rule`` excludes among the passages after its start, and whether one lasts still."""
    spans: list[Excluded] = []
    for here, following in zip(after, [*after[1:], None], strict=True):
        if mtype.state(here.state).pauses not in rule.excludes:
            continue
        end = following.day if following is not None else today + dt.timedelta(days=1)
        if end > here.day:
            spans.append((here.day, end - dt.timedelta(days=1)))
        if following is None:
            return tuple(spans), True
    return tuple(spans), False


def limits(
    mtype: MatterType,
    history: list[Passage],
    extended: list[str],
    calendar: Calendar,
    today: dt.date,
    form: dict[str, Any] | None = None,
    amounts: dict[str, int] | None = None,
) -> list[LimitStatus]:
    """Every limit that has started, in the order the type declares them (a limit with ``not_after`` ends at the
    latest the day before that date of the form; ``amounts`` are the office's figures for unverified rules)."""
    out = []
    for declared in mtype.deadlines:
        rule = replace(declared, amount=amounts[declared.id]) if amounts and declared.id in amounts else declared
        starts = [i for i, p in enumerate(history) if p.state == rule.starts]
        if not starts:
            continue
        first = starts[-1]
        after = history[first:]
        met_index = next((i for i, p in enumerate(after) if i > 0 and p.step in rule.met_by), None)
        met = after[met_index].day if met_index is not None else None
        after = after[:met_index]  # the time up to the step that met it (all of it while it runs)
        excluded, paused = _excluded(mtype, rule, after, today)
        is_extended = rule.id in extended
        due = rule.due(calendar, history[first].day, excluded, is_extended)
        cap = (form or {}).get(rule.not_after) if rule.not_after else None
        if cap and (latest := dt.date.fromisoformat(cap) - dt.timedelta(days=1)) < due.date:
            due = Deadline(due.start, latest, False)
        out.append(LimitStatus(rule, history[first].day, met, due, paused and met is None, is_extended))
    return out


def current(statuses: list[LimitStatus], closed: bool) -> LimitStatus | None:
    """The open limit that falls first (None when the matter is closed or nothing runs)."""
    open_ = [s for s in statuses if s.met_on is None]
    return None if closed or not open_ else min(open_, key=lambda s: s.due.date)

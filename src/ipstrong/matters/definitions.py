"""Matter types as data: the form, the documents, the states and transitions, the deadlines — each citing its rule.

A matter type is one ``MatterType`` value declared in its own module under ``matters/types`` and registered in
``matters.catalogue``; the engine reads nothing else about it. Its transitions run on the maintained
``transitions`` state machine (``machine``), which refuses a transition from a state that does not allow it.
A deadline whose figure could not be sourced is a parameter with a stated default (``verified`` False), never a
silent constant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from transitions import Machine

from ipstrong.matters.workdays import Calendar, Excluded, period_end
from ipstrong.matters.workdays import Deadline as WorkdayDeadline

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ipstrong.accounts.models import Organisation
    from ipstrong.messages import Msg

UNITS = ("working_days", "days", "months")
BODY_KINDS = ("office", "centre", "agency")  # the organisation kinds that receive matters
APPROVERS = ("city_official", "province_admin")  # who approves an extension (经批准) unless a rule says otherwise


@dataclass(frozen=True)
class State:
    id: str
    name_zh: str
    name_en: str
    final: bool = False
    pauses: str | None = None  # time spent here is excluded time of this kind (suspension, appraisal, public_notice)


@dataclass(frozen=True)
class Transition:
    """A step a person takes: from which states, to which, by which roles, needing which documents."""

    id: str
    name_zh: str
    name_en: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeadlineRule:
    """A time limit: runs from entering ``starts`` (a state), is met by reaching one of ``met_by``; ``extension``
    once, with approval, when the rule allows it; the time the rule excludes (``excludes``) is added back."""

    id: str
    name_zh: str
    name_en: str
    starts: str
    met_by: tuple[str, ...]
    amount: int
    unit: str
    source: str
    verified: bool = True
    extension: tuple[int, str] | None = None
    excludes: tuple[str, ...] = ()
    approvers: tuple[str, ...] = APPROVERS
    not_after: str | None = None  # a date field of the form the limit never passes (the day before it)

    def due(
        self, calendar: Calendar, started: dt.date, excluded: tuple[Excluded, ...] = (), extended: bool = False
    ) -> WorkdayDeadline:
        """When this limit falls for a matter that entered ``starts`` on ``started``, with the time the rule excludes
        added back and, once approved, the extension."""
        if not (extended and self.extension is not None):
            return period_end(calendar, started, self.amount, self.unit, excluded)
        amount, unit = self.extension
        if unit == self.unit:  # "three months, extendable by one": one period of four
            return period_end(calendar, started, self.amount + amount, unit, excluded)
        first = period_end(calendar, started, self.amount, self.unit, excluded)
        return WorkdayDeadline(started, period_end(calendar, first.date, amount, unit, excluded).date, first.provisional)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "starts": self.starts,
            "met_by": list(self.met_by),
            "amount": self.amount,
            "unit": self.unit,
            "extension": {"amount": self.extension[0], "unit": self.extension[1]} if self.extension else None,
            "excludes": list(self.excludes),
            "approvers": list(self.approvers) if self.extension else [],
            "not_after": self.not_after,
            "source": self.source,
            "verified": self.verified,
        }


@dataclass(frozen=True)
class DocumentRule:
    id: str
    name_zh: str
    name_en: str
    required_for: tuple[str, ...] = ()  # transitions that need it
    template: str | None = None  # the office issues it from this template (matters/templates/NAME.html) as PDF


@dataclass(frozen=True)
class Party:
    """Which form fields name a party of the matter (and its credit code, checked when given)."""

    role: str
    name_zh: str
    name_en: str
    name_field: str
    code_field: str | None = None


# a check at intake beyond the form: given the receiving body, the validated form, the data directory (whose
# warehouse the patents are checked against) and the day received, the reasons to refuse
IntakeCheck = Callable[["Session", "Organisation", BaseModel, "Path", dt.date], "list[Msg]"]


@dataclass(frozen=True)
class MatterType:
    id: str
    code: str  # two letters in the matter number: 320500-CJ-2026-00012
    name_zh: str
    name_en: str
    source: str
    form: type[BaseModel]
    title_field: str  # the form field a list shows as the matter's title
    bodies: tuple[str, ...]  # organisation kinds that receive it (office, centre, agency)
    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]
    deadlines: tuple[DeadlineRule, ...]
    documents: tuple[DocumentRule, ...] = field(default_factory=tuple)
    parties: tuple[Party, ...] = ()
    patents_field: str | None = None  # the form field listing the patents involved
    trademarks_field: str | None = None  # the form field listing the trademark registrations involved
    intake: IntakeCheck | None = None

    def state(self, state_id: str) -> State:
        return next(s for s in self.states if s.id == state_id)

    def transition(self, transition_id: str) -> Transition | None:
        return next((t for t in self.transitions if t.id == transition_id), None)

    def document(self, document_id: str) -> DocumentRule | None:
        return next((d for d in self.documents if d.id == document_id), None)

    def __post_init__(self) -> None:
        """A definition that names a state, transition or document it does not declare fails at import."""
        states = {s.id for s in self.states}
        names = {t.id for t in self.transitions}
        docs = {d.id for d in self.documents}
        pauses = {s.pauses for s in self.states if s.pauses}
        problems = [] if self.initial in states else [f"initial state {self.initial}"]
        fields = set(self.form.model_fields)
        named = [self.title_field, self.patents_field, self.trademarks_field]
        named += [f for p in self.parties for f in (p.name_field, p.code_field)]
        problems += [f"form field {f}" for f in named if f is not None and f not in fields]
        problems += [f"body kind {k}" for k in self.bodies if k not in BODY_KINDS]
        for t in self.transitions:
            problems += [f"{t.id}: state {s}" for s in (*t.sources, t.dest) if s not in states]
            problems += [f"{t.id}: document {d}" for d in t.documents if d not in docs]
        templates = Path(__file__).parent / "templates"
        problems += [
            f"template {d.template}" for d in self.documents if d.template and not (templates / f"{d.template}.html").exists()
        ]
        for d in self.deadlines:
            if d.starts not in states:
                problems.append(f"{d.id}: state {d.starts}")
            if d.unit not in UNITS:
                problems.append(f"{d.id}: unit {d.unit}")
            problems += [f"{d.id}: transition {m}" for m in d.met_by if m not in names]
            problems += [f"{d.id}: excluded time {e} (no state pauses for it)" for e in d.excludes if e not in pauses]
            if d.not_after is not None and d.not_after not in fields:
                problems.append(f"{d.id}: form field {d.not_after}")
        if problems:
            raise ValueError(f"matter type {self.id}: unknown " + ", ".join(problems))

    def machine(self, model: object, state: str | None = None) -> Machine:
        """The state machine of a matter in ``state`` (the initial state by default) bound to ``model``."""
        return Machine(
            model=model,
            states=[s.id for s in self.states],
            transitions=[{"trigger": t.id, "source": list(t.sources), "dest": t.dest} for t in self.transitions],
            initial=state or self.initial,
            auto_transitions=False,
        )

    def to_dict(self) -> dict[str, Any]:
        """What ``ipstrong matters types --json`` prints for the type."""
        return {
            "id": self.id,
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "source": self.source,
            "bodies": list(self.bodies),
            "initial": self.initial,
            "states": [
                {"id": s.id, "name_zh": s.name_zh, "name_en": s.name_en, "final": s.final, "pauses": s.pauses}
                for s in self.states
            ],
            "transitions": [
                {
                    "id": t.id,
                    "name_zh": t.name_zh,
                    "name_en": t.name_en,
                    "from": list(t.sources),
                    "to": t.dest,
                    "roles": list(t.roles),
                    "documents": list(t.documents),
                }
                for t in self.transitions
            ],
            "deadlines": [d.to_dict() for d in self.deadlines],
            "documents": [{"id": d.id, "name_zh": d.name_zh, "name_en": d.name_en} for d in self.documents],
            "fields": self.form.model_json_schema(),
        }

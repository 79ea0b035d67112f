"""What the matters service returns when it is read, typed once: a matter as a list shows it (``MatterSummary``) and
everything the detail page, the API and ``ipstrong matters show`` show of one (``MatterDetail``).

The API declares these models as its responses, the command line takes its table columns from ``TABLE``, the pages
render the same objects, so no field list of a matter is written a second time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from pydantic import BaseModel

from ipstrong.accounts.models import StoredTime
from ipstrong.messages import Msg


class MatterSummary(BaseModel):
    """A matter in a list: its number, type, state and running limit."""

    id: int
    number: str
    type: str
    type_zh: str
    type_en: str
    title: str
    body_id: int
    body: str
    region_code: str
    state: str
    state_zh: str
    state_en: str
    final: bool
    received_on: dt.date
    closed_on: dt.date | None
    due_on: dt.date | None
    due_rule: str | None
    days_left: int | None
    provisional: bool
    paused: bool
    version: int

    # the columns of the command line's table (the JSON, CSV and XLSX outputs carry every field)
    TABLE: ClassVar[tuple[str, ...]] = ("number", "type_zh", "title", "state_zh", "due_on", "days_left")


class DocumentAttached(BaseModel):
    id: int
    kind: str
    kind_zh: str
    kind_en: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: StoredTime


class Party(BaseModel):
    role: str
    role_zh: str
    role_en: str
    name: str
    credit_code: str | None


class FormEntry(BaseModel):
    """One filled field of a matter's form, with its label from the type's form (what a page lists)."""

    name: str
    label_zh: str
    label_en: str
    value: Any


class RightClaimed(BaseModel):
    """A patent or other right the matter names, with what the warehouse check found."""

    kind: str
    number: str
    checked: bool | None
    title: str | None
    note: str | None


class HistoryEntry(BaseModel):
    day: dt.date
    at: StoredTime
    actor: str
    action: str
    step: str | None
    from_state: str | None
    to_state: str | None
    text: str | None
    what: Msg  # what happened, in words (a step with its states, else the kind of entry)


class Assignee(BaseModel):
    user_id: int
    username: str
    display_name: str | None


class Named(BaseModel):
    """A body or campaign a matter is linked to."""

    id: int
    name: str


class LinkedMatter(BaseModel):
    """The intake a case was routed from, or the case an intake became."""

    id: int
    number: str
    type: str


class Limit(BaseModel):
    """One statutory or office limit of the matter: when it started, when it falls due, whether it was met."""

    rule: str
    name_zh: str
    name_en: str
    source: str
    verified: bool
    started: dt.date
    due: dt.date
    provisional: bool
    warning: str | None
    met_on: dt.date | None
    paused: bool
    extended: bool
    days_left: int | None


class DocumentNeeded(BaseModel):
    id: str
    name_zh: str
    name_en: str


class StepOpen(BaseModel):
    """A step the state allows and the reader's role may take now, with the documents still missing for it."""

    id: str
    name_zh: str
    name_en: str
    to: str
    missing: list[DocumentNeeded]


class MatterDetail(MatterSummary):
    """One matter in full: its form, parties, rights, documents, limits, history and the steps open to the reader."""

    form: dict[str, Any]
    form_entries: list[FormEntry]  # the fields filled in, labelled, in the form's order
    parties: list[Party]
    rights: list[RightClaimed]
    documents: list[DocumentAttached]
    history: list[HistoryEntry]
    assignees: list[Assignee]
    joined_bodies: list[Named]
    campaigns: list[Named]
    limits: list[Limit]
    steps: list[StepOpen]
    origin: LinkedMatter | None
    routed_to: LinkedMatter | None

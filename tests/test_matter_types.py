"""Matter types as data: definitions that name what they declare, transitions the state machine enforces, every
deadline with its rule; the types through the CLI and the API."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pydantic import BaseModel
from transitions import MachineError

from ipstrong.matters.catalogue import MATTER_TYPES
from ipstrong.matters.definitions import UNITS, DeadlineRule, MatterType, State, Transition


def test_every_deadline_cites_its_rule_and_unverified_figures_say_so() -> None:
    assert {"adjudication", "prescreen"} <= set(MATTER_TYPES)
    for matter_type in MATTER_TYPES.values():
        for deadline in matter_type.deadlines:
            assert deadline.source.strip() and deadline.unit in UNITS and deadline.amount > 0
    decision = next(d for d in MATTER_TYPES["adjudication"].deadlines if d.id == "decision")
    assert (decision.amount, decision.unit, decision.extension) == (3, "months", (1, "months"))
    assert "suspension" in decision.excludes and not decision.verified  # the 2025 measures were not read
    acceptance = next(d for d in MATTER_TYPES["adjudication"].deadlines if d.id == "acceptance")
    assert (acceptance.amount, acceptance.unit, acceptance.verified) == (5, "working_days", True)


def test_the_state_machine_refuses_a_step_its_state_does_not_allow() -> None:
    class Matter:
        pass

    matter = Matter()
    MATTER_TYPES["adjudication"].machine(matter)
    with pytest.raises(MachineError):
        matter.decide()  # a request just received cannot be decided
    matter.accept()
    matter.hear()
    matter.suspend()
    assert matter.state == "suspended"
    with pytest.raises(MachineError):
        matter.decide()  # suspended: resume first
    matter.resume()
    matter.decide()
    assert matter.state == "decided"


def test_a_definition_naming_what_it_does_not_declare_fails_at_once() -> None:
    class Form(BaseModel):
        title: str

    with pytest.raises(ValueError, match=r"unknown form field subject, close: state closed, d: excluded time suspension"):
        MatterType(
            "broken", "XX", "坏", "broken", "none", Form, "subject", ("office",), (State("open", "开", "open"),), "open",
            (Transition("close", "关", "close", ("open",), "closed", ("case_officer",)),),
            (DeadlineRule("d", "期限", "limit", "open", ("close",), 5, "working_days", "rule", excludes=("suspension",)),),
        )  # fmt: skip


def test_matters_types_json() -> None:
    done = subprocess.run([sys.executable, "-m", "ipstrong.cli", "matters", "types", "--json"], capture_output=True, text=True)
    types = json.loads(done.stdout)
    assert done.returncode == 0 and {"id", "name_zh", "name_en", "states", "deadlines"} <= set(types[0])
    assert all(d["source"] for t in types for d in t["deadlines"])

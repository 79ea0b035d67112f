"""知识产权保护“一件事”一窗受理 — the one-window intake: one form asks what the person needs, for a patent, trademark,
geographical indication or IC layout, and the window answers it there, refers it to the office that grants such
rights, or routes it into the matter type that handles it (``ROUTES``; the officer may choose another). A matter
filed from an intake keeps the link (``origin``) and the intake takes its ``route`` step. The time to route is a
parameter (default 1 working day, unverified)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition

SOURCE = "知识产权保护“一件事”集成服务（一窗受理）；时限未见原文：参数，默认值待核"
WINDOW = ("case_officer", "centre_examiner", "city_official", "province_admin")
RIGHTS = ("patent", "trademark", "geographical_indication", "ic_layout")
NEEDS = ("consultation", "complaint", "report", "assistance", "overseas", "certificate", "change")

# (right, need) -> the matter type that handles it; "answer" the window answers, "refer" to the granting office
# (certificates and changes of registered rights, and IC layout disputes, are CNIPA's own business)
ROUTES: dict[tuple[str, str], str] = {
    **{(right, "consultation"): "answer" for right in RIGHTS},
    **{(right, need): "refer" for right in RIGHTS for need in ("certificate", "change")},
    **{(right, "assistance"): "assistance" for right in RIGHTS},
    **{(right, "overseas"): "overseas" for right in RIGHTS},
    ("patent", "complaint"): "adjudication",
    ("patent", "report"): "enforcement",
    ("trademark", "complaint"): "trademark",
    ("trademark", "report"): "trademark",
    ("geographical_indication", "complaint"): "trademark",
    ("geographical_indication", "report"): "trademark",
    ("ic_layout", "complaint"): "refer",
    ("ic_layout", "report"): "refer",
}


class OneWindowForm(BaseModel):
    name: str = Field(min_length=2, max_length=200, description="申请人或来访人 / who asks")
    credit_code: str | None = Field(default=None, max_length=18, description="统一社会信用代码（单位）/ credit code")
    contact: str = Field(min_length=2, max_length=200, description="联系方式 / contact")
    right_kind: str = Field(
        pattern="^(patent|trademark|geographical_indication|ic_layout)$", description="涉及的权利 / the right"
    )
    need: str = Field(
        pattern="^(consultation|complaint|report|assistance|overseas|certificate|change)$",
        description="需要办理 / what is needed (咨询、投诉、举报、维权援助、海外纠纷、证明、变更)",
    )
    description: str = Field(min_length=1, max_length=5000, description="具体情况 / details")


def suggested(form: dict[str, str]) -> str | None:
    """Where an intake of this right and need goes (a type id, ``answer`` or ``refer``)."""
    return ROUTES.get((form.get("right_kind", ""), form.get("need", "")))


def prefill(intake: dict[str, Any], target: MatterType) -> dict[str, Any]:
    """The target form's fields an intake already answers: its first party and its title."""
    out: dict[str, Any] = {target.title_field: intake.get("description", "")}
    if target.parties:
        party = target.parties[0]
        out[party.name_field] = intake.get("name", "")
        if party.code_field:
            out[party.code_field] = intake.get("credit_code") or ""
    return out


MATTER_TYPE = MatterType(
    id="one_window",
    code="YC",
    name_zh="一窗受理",
    name_en="one-window intake",
    source=SOURCE,
    form=OneWindowForm,
    title_field="description",
    bodies=("office", "centre"),
    parties=(Party("applicant", "申请人", "applicant", "name", "credit_code"),),
    states=(
        State("submitted", "已登记", "registered"),
        State("routed", "已转办", "routed to a matter", final=True),
        State("answered", "已答复", "answered", final=True),
        State("referred", "已告知至主管部门办理", "referred to the granting office", final=True),
        State("withdrawn", "撤回", "withdrawn", final=True),
    ),
    initial="submitted",
    documents=(DocumentRule("reply", "答复意见", "reply", ("answer",)),),
    transitions=(
        Transition("route", "转办", "route into a matter", ("submitted",), "routed", WINDOW),
        Transition("answer", "当场答复", "answer", ("submitted",), "answered", WINDOW, ("reply",)),
        Transition("refer", "告知至主管部门", "refer", ("submitted",), "referred", WINDOW),
        Transition("withdraw", "撤回", "withdraw", ("submitted",), "withdrawn", ("enterprise_user", "agency_user", *WINDOW)),
    ),
    deadlines=(
        DeadlineRule("route", "分办", "route or answer", "submitted", ("route", "answer", "refer", "withdraw"), 1,
                     "working_days", f"{SOURCE}（默认 1 个工作日）", verified=False),
    ),
)  # fmt: skip

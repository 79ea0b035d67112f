"""知识产权工程师职称申报 — an application for an IP-engineer professional title (assistant, engineer, senior).

The province's office receives it. At intake the applicant must be eligible for the level by education and years
of IP work, and hold the title below (``network/data/engineer_title.toml``). The formal review admits it only with
its evidence documents — diploma, proof of the years worked, achievements — and the committee then scores it
(``network/titles.py``). The province's administrator publishes the results: each application passes or fails.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ipstrong.accounts.models import Organisation
from ipstrong.matters.definitions import DeadlineRule, DocumentRule, MatterType, Party, State, Transition
from ipstrong.messages import Msg

SOURCE = "江苏省知识产权工程师专业技术资格评审（条文未核）"
STAFF = ("case_officer", "city_official", "province_admin")
PUBLISHER = ("province_admin",)


class EngineerTitleForm(BaseModel):
    """The application (知识产权工程师职称申报表)."""

    applicant: str = Field(min_length=2, max_length=100, description="申报人 / the applicant")
    employer: str = Field(min_length=2, max_length=200, description="工作单位 / employer")
    employer_credit_code: str | None = Field(default=None, max_length=18, description="单位统一社会信用代码 / credit code")
    practitioner_id: int | None = Field(default=None, ge=1, description="人才库编号 / practitioner registry id")
    level: str = Field(pattern="^(assistant|engineer|senior)$", description="申报级别 / level: assistant|engineer|senior")
    education: str = Field(pattern="^(doctorate|master|bachelor|college)$", description="学历 / education")
    years: int = Field(ge=0, le=60, description="从事知识产权工作年限 / years in IP work")
    current_title: str = Field(pattern="^(none|assistant|engineer|senior)$", description="现有职称 / title held")
    year: int = Field(ge=2019, le=2100, description="评审年度 / the round's year")
    achievements: str = Field(min_length=10, max_length=5000, description="主要业绩 / achievements")


def eligibility(session: Session, office: Organisation, form: BaseModel, _data_dir: Path, _received_on: dt.date) -> list[Msg]:
    """Why the application cannot be taken (empty when it can): received by the province's office, the applicant
    eligible for the level by education and years, holding the title below, and in the registry when it names an
    entry of it."""
    from ipstrong.network.models import Practitioner
    from ipstrong.network.titles import title_rules

    applied: EngineerTitleForm = form  # type: ignore[assignment] - this type's form
    if not office.region_code.endswith("0000"):
        return [Msg(f"职称评审由省级知识产权局受理，{office.name} 不受理", f"titles are received by the province's office, "
                    f"not {office.name}")]  # fmt: skip
    problems = title_rules().refusals(applied.level, applied.education, applied.years, applied.current_title)
    if applied.practitioner_id is not None and session.get(Practitioner, applied.practitioner_id) is None:
        problems.append(Msg(f"人才库中没有编号为 {applied.practitioner_id} 的人员", f"no practitioner "
                            f"{applied.practitioner_id} in the registry").located(field="practitioner_id"))  # fmt: skip
    return problems


MATTER_TYPE = MatterType(
    id="engineer_title",
    code="ZC",
    name_zh="知识产权工程师职称申报",
    name_en="IP-engineer title application",
    source=SOURCE,
    form=EngineerTitleForm,
    title_field="applicant",
    bodies=("office",),
    parties=(Party("employer", "工作单位", "employer", "employer", "employer_credit_code"),),
    intake=eligibility,
    states=(
        State("received", "已受理", "received"),
        State("review", "形式审查合格，评委会评审中", "under committee review"),
        State("refused", "形式审查不合格", "not admitted", final=True),
        State("qualified", "评审通过", "qualified", final=True),
        State("not_qualified", "评审未通过", "not qualified", final=True),
    ),
    initial="received",
    documents=(
        DocumentRule("diploma", "学历学位证书", "diploma", ("admit",)),
        DocumentRule("experience", "工作年限证明", "proof of years worked", ("admit",)),
        DocumentRule("evidence", "业绩成果证明材料", "evidence of achievements", ("admit",)),
    ),
    transitions=(
        Transition("admit", "形式审查合格", "admit to review", ("received",), "review", STAFF,
                   ("diploma", "experience", "evidence")),
        Transition("refuse", "形式审查不合格", "refuse", ("received",), "refused", STAFF),
        Transition("qualify", "评审通过", "qualify", ("review",), "qualified", PUBLISHER),
        Transition("not_qualify", "评审未通过", "not qualified", ("review",), "not_qualified", PUBLISHER),
    ),
    deadlines=(
        DeadlineRule("formal_review", "形式审查", "formal review", "received", ("admit", "refuse"), 20, "working_days",
                     f"{SOURCE}；形式审查时限未见原文：参数，默认 20 个工作日", verified=False),
    ),
)  # fmt: skip

"""IP service agencies (知识产权服务机构): the province's directory — each agency by its unified social credit code,
with CNIPA's five-digit agency code where it has one — its import from a file, the public directory with its
filters and map, and each agency's activity measured from the warehouse.

An agency's activity is read from the patents it represented: those whose ``agency_code`` is its code, and those
without a code whose agency name is its name (full-width brackets read as half-width). For a year Y: its filings
in Y (and inventions among them), its grants in Y, the grant rate of its inventions filed in Y that are concluded
(granted ÷ granted + rejected + withdrawn, as of the snapshot), the median days from filing to grant of its
inventions granted in Y, and the shares of its filings of Y now rejected, withdrawn, or whose source status names
an abnormal application (非正常申请). ``/agencies``, ``/public/agencies``, ``/api/v1/agencies…`` and
``ipstrong agencies …`` render these calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipstrong.accounts import audit
from ipstrong.accounts.roles import Actor, in_scope, require
from ipstrong.charts import Chart, region_map
from ipstrong.ids.common import InvalidIdentifier
from ipstrong.ids.uscc import CreditCode
from ipstrong.messages import Conflict, IpsError, Msg
from ipstrong.network.models import Agency
from ipstrong.network.vocab import (
    AGENCY_KINDS,
    AGENCY_SERVICES,
    CREDIT_KINDS,
    AgencyKind,
    AgencyService,
    AgencyServices,
    JiangsuDivision,
    code_of,
)
from ipstrong.reference.regions import JIANGSU, by_code, jiangsu_cities, region_name

ABNORMAL = "非正常"  # the word a source's status gives an abnormal application (非正常专利申请)
IMPORT_COLUMNS = {
    "name": ("机构名称", "name"),
    "credit_code": ("统一社会信用代码", "credit_code"),
    "agency_code": ("机构代码", "agency_code"),
    "kind": ("机构类型", "kind"),
    "region_code": ("所在地区代码", "region_code"),
    "agents": ("执业代理师人数", "agents"),
    "services": ("服务项目", "services"),
    "cluster": ("所属集聚区", "cluster"),
}


def city_of(code: str) -> str:
    """The city a Jiangsu city or county code lies in."""
    return by_code()[code].city_code or code


def split_list(value: str) -> list[str]:
    """A list written in one cell: separated by 、，,；; or line breaks."""
    for sep in "、，,；;\n":
        value = value.replace(sep, "|")
    return [v.strip() for v in value.split("|") if v.strip()]


class AgencyIn(BaseModel):
    """An agency as the office records it."""

    name: str = Field(min_length=2, max_length=200, description="机构名称 / the agency's name")
    credit_code: str = Field(max_length=30, description="统一社会信用代码 / unified social credit code")
    agency_code: str | None = Field(default=None, pattern=r"^\d{5}$", description="专利代理机构代码（五位）/ CNIPA code")
    kind: AgencyKind = Field(description="机构类型 / kind: " + ", ".join(AGENCY_KINDS))
    region_code: JiangsuDivision = Field(description="所在地市或区县代码 / its city or county")
    agents: int = Field(default=0, ge=0, le=100_000, description="执业代理师人数 / licensed attorneys")
    services: AgencyServices = Field(default_factory=list, max_length=len(AGENCY_SERVICES), description="服务项目 / services")
    cluster: str | None = Field(default=None, max_length=100, description="所属服务业集聚区 / service cluster")

    @field_validator("name", "cluster")
    @classmethod
    def _trimmed(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        return value.strip() if value is not None else None

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, value: str) -> str:
        try:
            return CreditCode.parse(value).canonical
        except InvalidIdentifier as exc:
            raise ValueError(str(exc)) from None


class AgencyOut(AgencyIn):
    TABLE: ClassVar[tuple[str, ...]] = ("id", "name", "credit_code", "agency_code", "kind", "city_name", "agents")

    id: int
    city_code: str
    city_name: str | None
    region_name: str | None
    complaints_upheld: int = 0  # complaints against it found to stand (matter type agency_complaint)
    credit: list[str] = Field(default_factory=list)  # its credit records published and in force (agency_credit)


class Facet(BaseModel):
    value: str
    name_zh: str
    name_en: str
    count: int


class DirectoryQuery(BaseModel):
    """The public directory's filters."""

    q: str | None = Field(default=None, max_length=100, description="名称包含 / name contains")
    kind: AgencyKind | None = Field(default=None, description="机构类型 / kind")
    city: str | None = Field(default=None, pattern="^32[0-9]{2}00$", description="地市代码 / city")
    service: AgencyService | None = Field(default=None, description="服务项目 / service")
    cluster: str | None = Field(default=None, max_length=100, description="集聚区 / cluster")


class Directory(BaseModel):
    query: DirectoryQuery
    total: int  # in the directory, before the filters
    agencies: list[AgencyOut]
    kinds: list[Facet]  # of the filtered agencies
    cities: list[Facet]
    services: list[Facet]
    clusters: list[str]  # every cluster named, for the filter
    map: Chart | None  # the filtered agencies by city


class ImportReport(BaseModel):
    file: str
    read: int
    added: int


def _out(row: Agency) -> AgencyOut:
    city = city_of(row.region_code)
    return AgencyOut(
        id=row.id, name=row.name, credit_code=row.credit_code, agency_code=row.agency_code, kind=row.kind,
        region_code=row.region_code, agents=row.agents, services=list(row.services), cluster=row.cluster, city_code=city,
        city_name=region_name(city), region_name=region_name(row.region_code),
    )  # fmt: skip


def _refuse_duplicates(session: Session, agency: AgencyIn) -> None:
    if session.scalar(select(Agency.id).where(Agency.credit_code == agency.credit_code)) is not None:
        raise Conflict(
            Msg(
                f"统一社会信用代码 {agency.credit_code} 已登记", f"an agency with credit code {agency.credit_code} exists"
            ).located(field="credit_code")
        )
    if agency.agency_code and session.scalar(select(Agency.id).where(Agency.agency_code == agency.agency_code)) is not None:
        raise Conflict(
            Msg(f"机构代码 {agency.agency_code} 已登记", f"an agency with code {agency.agency_code} exists").located(
                field="agency_code"
            )
        )


def add_agency(session: Session, actor: Actor, agency: AgencyIn) -> AgencyOut:
    """Record an agency in the actor's region; refused for a credit code or agency code already recorded."""
    require(actor, "records.write", agency.region_code)
    _refuse_duplicates(session, agency)
    row = Agency(**agency.model_dump(), created_by=actor.username)
    session.add(row)
    session.flush()
    audit.append(session, actor.username, "agency.add", "agency", row.id, row.region_code, None, agency.model_dump())
    return _out(row)


def import_agencies(session: Session, actor: Actor, path: Path, shown_as: str | None = None) -> ImportReport:
    """Record every agency of a CSV or XLSX file (columns ``IMPORT_COLUMNS``, Chinese or English headers), all or
    none: a row refused — a field invalid, a credit code or agency code already recorded or repeated in the file —
    refuses the file, naming the file, the row and the field."""
    from ipstrong.csvin import read_table
    from ipstrong.messages import validated

    name = shown_as or path.name
    rows = read_table(path, IMPORT_COLUMNS, ("name", "credit_code", "kind", "region_code"))
    seen: dict[str, int] = {}
    added = 0
    for number, raw in rows:
        fields = {
            **raw, "agency_code": raw["agency_code"] or None, "agents": raw["agents"] or 0,
            "services": split_list(raw["services"]), "cluster": raw["cluster"] or None,
            "kind": code_of(AGENCY_KINDS, raw["kind"]) or raw["kind"],
        }  # fmt: skip
        try:
            agency = validated(AgencyIn, fields)
            for key in filter(None, (agency.credit_code, agency.agency_code)):
                if key in seen:
                    raise Conflict(
                        Msg(f"与第 {seen[key]} 行重复：{key}", f"repeats row {seen[key]}: {key}").located(
                            field="credit_code" if key == agency.credit_code else "agency_code"
                        )
                    )
                seen[key] = number
            add_agency(session, actor, agency)
        except IpsError as exc:
            raise type(exc)(exc.msg.located(file=name, row=number)) from None
        added += 1
    return ImportReport(file=name, read=len(rows), added=added)


def directory(session: Session, query: DirectoryQuery) -> Directory:
    """The agencies matching the filters (public: every agency of the province), with their counts by kind, city
    and service, and by city on the map."""
    every = [_out(a) for a in session.scalars(select(Agency).order_by(Agency.name))]
    upheld, credit = _records(session)
    for a in every:
        a.complaints_upheld, a.credit = upheld.get(a.credit_code, 0), credit.get(a.credit_code, [])
    text = (query.q or "").strip()
    found = [
        a for a in every
        if (not text or text in a.name) and (query.kind is None or a.kind == query.kind)
        and (query.city is None or a.city_code == query.city) and (query.service is None or query.service in a.services)
        and (query.cluster is None or a.cluster == query.cluster)
    ]  # fmt: skip

    def facet(table: dict[str, tuple[str, str]], values: list[str]) -> list[Facet]:
        return [Facet(value=c, name_zh=n[0], name_en=n[1], count=values.count(c)) for c, n in table.items() if c in values]

    cities = {c.code: (c.name, c.name) for c in jiangsu_cities()}
    by_city = facet(cities, [a.city_code for a in found])
    chart = region_map(JIANGSU, [f.name_zh for f in by_city], [f.value for f in by_city], "服务机构 agencies",
                       [float(f.count) for f in by_city]) if by_city else None  # fmt: skip
    return Directory(
        query=query, total=len(every), agencies=found, kinds=facet(AGENCY_KINDS, [a.kind for a in found]), cities=by_city,
        services=facet(AGENCY_SERVICES, [s for a in found for s in a.services]),
        clusters=sorted({a.cluster for a in every if a.cluster}), map=chart,
    )  # fmt: skip


def _records(session: Session) -> tuple[dict[str, int], dict[str, list[str]]]:
    """By credit code: the complaints upheld, and the kinds of the credit records published and still in force."""
    from ipstrong.clock import today_shanghai
    from ipstrong.matters.models import Matter

    upheld: dict[str, int] = {}
    credit: dict[str, list[str]] = {}
    rows = session.scalars(
        select(Matter).where(
            ((Matter.type_id == "agency_complaint") & (Matter.state == "upheld"))
            | ((Matter.type_id == "agency_credit") & (Matter.state == "published"))
        )
    )
    today = today_shanghai().isoformat()
    for m in rows:
        code = m.form["agency_credit_code"]
        if m.type_id == "agency_complaint":
            upheld[code] = upheld.get(code, 0) + 1
        elif not m.form.get("valid_until") or str(m.form["valid_until"]) >= today:
            credit.setdefault(code, []).append(m.form["kind"])
    return upheld, credit


def write_directory_xlsx(found: Directory, out: Path) -> None:
    """The directory as a workbook, headers in Chinese and English."""
    from ipstrong.output import PrintLayout, Sheet, write_workbook

    def names(table: dict[str, tuple[str, str]], codes: list[str]) -> str:
        return "、".join(table[c][0] for c in codes)

    sheet = Sheet(
        ("机构名称 / name", "统一社会信用代码 / credit code", "机构代码 / agency code", "机构类型 / kind", "地市 / city",
         "区县 / county", "执业代理师 / attorneys", "服务项目 / services", "集聚区 / cluster",
         "投诉成立 / complaints upheld", "信用记录 / credit records"),
        [(a.name, a.credit_code, a.agency_code, AGENCY_KINDS[a.kind][0], a.city_name, a.region_name, a.agents,
          names(AGENCY_SERVICES, a.services), a.cluster, a.complaints_upheld, names(CREDIT_KINDS, a.credit))
         for a in found.agencies],
        PrintLayout("服务机构 agencies", (36, 22, 10, 18, 10, 12, 10, 40, 20, 10, 24)),
    )  # fmt: skip
    write_workbook(out, [sheet])


# --- activity from the warehouse ----------------------------------------------------------------------------------
class AgencyFigures(BaseModel):
    TABLE: ClassVar[tuple[str, ...]] = (
        "name", "agency_code", "filings", "grants", "grant_rate_pct", "median_days_to_grant", "rejected_pct",
        "withdrawn_pct", "abnormal_pct",
    )  # fmt: skip

    id: int
    name: str
    agency_code: str | None
    city_name: str | None
    kind: str
    filings: int  # filed in the year
    invention_filings: int
    grants: int  # granted in the year
    matched_by_code: int  # of the patents read, those matched by the agency code
    matched_by_name: int
    concluded_inventions: int  # its inventions filed in the year that are granted, rejected or withdrawn
    grant_rate_pct: float | None
    median_days_to_grant: float | None  # its inventions granted in the year
    rejected_pct: float | None  # of its filings in the year
    withdrawn_pct: float | None
    abnormal_pct: float | None


class AgencyActivity(BaseModel):
    year: int
    snapshot: str | None
    definitions: dict[str, str]
    agencies: list[AgencyFigures]


DEFINITIONS = {
    "filings": "当年申请量（按申请日）/ applications filed in the year",
    "grants": "当年授权量（按授权公告日）/ grants in the year",
    "grant_rate_pct": "当年申请的发明中已结案者的授权率 = 授权 ÷（授权 + 驳回 + 撤回）/ of its inventions filed in the year "
    "and concluded: granted ÷ (granted + rejected + withdrawn)",
    "median_days_to_grant": "当年授权发明自申请日至授权公告日的天数中位数 / median days from filing to grant of "
    "inventions granted in the year",
    "rejected_pct": "当年申请中现为驳回的比例 / share of the year's filings now rejected",
    "withdrawn_pct": "当年申请中现为撤回（含视为撤回）的比例 / share of the year's filings now withdrawn",
    "abnormal_pct": "当年申请中法律状态载明“非正常申请”的比例 / share of the year's filings whose status names an "
    "abnormal application",
}


def matched_sql(where: str) -> str:
    """A ``WITH`` clause naming ``matched``: the CN patents meeting ``where`` (the caller's own SQL, never a person's
    input) that an agency of the registered table ``agency_directory`` (id, code, name) represented — by its code,
    or by its name where the patent has no code — each with ``id`` and ``by_code``."""
    return f"""
WITH p AS (
    SELECT patent_type, app_date, grant_date, legal_status, legal_status_raw, agency_code,
           replace(replace(trim(agency), '（', '('), '）', ')') AS agency_name
    FROM patents
    WHERE office = 'CN' AND (agency_code IS NOT NULL OR agency IS NOT NULL) AND {where}
), matched AS (
    SELECT d.id, true AS by_code, p.* FROM p JOIN agency_directory d ON p.agency_code = d.code
    UNION ALL
    SELECT d.id, false AS by_code, p.* FROM p JOIN agency_directory d ON p.agency_code IS NULL AND p.agency_name = d.name
)"""


def directory_table(agencies: list[Agency]) -> Any:
    """The agencies as the Arrow table ``matched_sql`` joins (names with half-width brackets)."""
    import pyarrow as pa

    return pa.table({
        "id": [a.id for a in agencies], "code": [a.agency_code for a in agencies],
        "name": [a.name.replace("（", "(").replace("）", ")") for a in agencies],
    })  # fmt: skip


ACTIVITY_SQL = """
SELECT id,
    count(*) FILTER (WHERE year(app_date) = $year) AS filings,
    count(*) FILTER (WHERE year(app_date) = $year AND patent_type = 'invention') AS invention_filings,
    count(*) FILTER (WHERE year(grant_date) = $year) AS grants,
    count(*) FILTER (WHERE by_code) AS by_code,
    count(*) FILTER (WHERE NOT by_code) AS by_name,
    count(*) FILTER (WHERE year(app_date) = $year AND patent_type = 'invention' AND grant_date IS NOT NULL) AS inv_granted,
    count(*) FILTER (WHERE year(app_date) = $year AND patent_type = 'invention' AND grant_date IS NULL
                     AND legal_status IN ('rejected', 'withdrawn')) AS inv_refused,
    median(date_diff('day', app_date, grant_date)) FILTER (WHERE year(grant_date) = $year AND patent_type = 'invention')
        AS days_to_grant,
    count(*) FILTER (WHERE year(app_date) = $year AND legal_status = 'rejected') AS rejected,
    count(*) FILTER (WHERE year(app_date) = $year AND legal_status = 'withdrawn') AS withdrawn,
    count(*) FILTER (WHERE year(app_date) = $year AND legal_status_raw LIKE '%' || $abnormal || '%') AS abnormal
FROM matched GROUP BY id
"""


def activity(session: Session, actor: Actor, data_dir: Path, year: int, timeout_s: float | None = None) -> AgencyActivity:
    """Every agency of the reader's region with its activity in ``year`` (see the module's docstring)."""
    from ipstrong.warehouse.connection import snapshot_connection, time_limit
    from ipstrong.warehouse.snapshots import Warehouse

    require(actor, "records.read")
    agencies = [a for a in session.scalars(select(Agency).order_by(Agency.name)) if in_scope(actor, a.region_code)]
    snapshot = Warehouse(data_dir).current_id()
    figures: dict[int, tuple] = {}
    if agencies and snapshot is not None:
        con = snapshot_connection(data_dir)
        try:
            con.register("agency_directory", directory_table(agencies))
            sql = matched_sql("(year(app_date) = $year OR year(grant_date) = $year)") + ACTIVITY_SQL
            with time_limit(con, timeout_s):
                rows = con.execute(sql, {"year": year, "abnormal": ABNORMAL}).fetchall()
            figures = {r[0]: r[1:] for r in rows}
        finally:
            con.close()
    return AgencyActivity(
        year=year, snapshot=snapshot, definitions=DEFINITIONS, agencies=[_figures(a, figures.get(a.id)) for a in agencies]
    )


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _figures(agency: Agency, row: tuple | None) -> AgencyFigures:
    empty = (0, 0, 0, 0, 0, 0, 0, None, 0, 0, 0)
    filings, inventions, grants, by_code, by_name, granted, refused, days, rejected, withdrawn, abnormal = row or empty
    city = city_of(agency.region_code)
    return AgencyFigures(
        id=agency.id, name=agency.name, agency_code=agency.agency_code, city_name=region_name(city), kind=agency.kind,
        filings=filings, invention_filings=inventions, grants=grants, matched_by_code=by_code, matched_by_name=by_name,
        concluded_inventions=granted + refused, grant_rate_pct=_pct(granted, granted + refused),
        median_days_to_grant=float(days) if days is not None else None, rejected_pct=_pct(rejected, filings),
        withdrawn_pct=_pct(withdrawn, filings), abnormal_pct=_pct(abnormal, filings),
    )  # fmt: skip

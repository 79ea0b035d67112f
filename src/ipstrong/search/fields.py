"""The search fields and facets, declared once (a light module: the command line builds its help from it).

Each field code of the query language is one ``Field``: the index fields it searches, how its values are read, its
name for people and an example. The parser (``query.py``) reads values by ``kind``, the engine (``engine.py``)
searches the ``targets``, and the command line's help, the search page's picker and help line come from the same
entries. Each facet is one ``Facet``: the index field it counts and its name; each sort, the date field it orders by. The
engine checks at import that every target is an index field, so an entry added here works or is refused at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """A field code: what it searches (``targets``, index fields), how its values are read (``kind``) and a
    clause that shows how it is written (``example``)."""

    code: str
    targets: tuple[str, ...]
    kind: str  # text | number | ipc | enum | region | date | sei | code | entity
    name_zh: str
    name_en: str
    example: str


FIELDS: dict[str, Field] = {
    f.code: f
    for f in (
        Field("TI", ("title",), "text", "名称", "title", "TI=锂离子电池"),
        Field("AB", ("abstract",), "text", "摘要", "abstract", 'AB="固态电解质"'),
        Field("TA", ("title", "abstract"), "text", "名称或摘要", "title or abstract", "TA=石墨烯"),
        Field("CL", ("claims",), "text", "权利要求（主权项）", "claims (the first claim, where the source gives it)", "CL=电极"),
        Field("AP", ("applicants",), "text", "申请人", "applicant", "AP=苏州大学"),
        Field("PA", ("applicants",), "text", "申请人", "applicant", "PA=苏州大学"),
        Field("APID", ("applicant_id",), "entity", "第一申请人实体编号", "first applicant's entity id", "APID=1024"),
        Field("IN", ("inventors",), "text", "发明人", "inventor", "IN=张伟"),
        Field("ADDR", ("address",), "text", "地址", "address", "ADDR=工业园区"),
        Field("AN", ("app_no",), "number", "申请号", "application number", "AN=CN202010123456.2"),
        Field("PN", ("pub_no",), "number", "公开号", "publication number", "PN=CN111234567A"),
        Field("IPC", ("ipc",), "ipc", "分类号", "IPC", "IPC=H01M10/05*"),
        Field("MIPC", ("mipc",), "ipc", "主分类号", "main IPC", "MIPC=H01M"),
        Field("CITY", ("city",), "region", "地市", "city", "CITY=苏州"),
        Field("DIST", ("district",), "region", "区县", "county-level unit", "DIST=吴中区"),
        Field("TYPE", ("type",), "enum", "专利类型", "patent type", "TYPE=发明"),
        Field("STATUS", ("status",), "enum", "法律状态", "legal status", "STATUS=有效"),
        Field("AD", ("ad",), "date", "申请日", "filing date", "AD=2020-01-01..2021-12-31"),
        Field("PD", ("pd",), "date", "公开日", "publication date", "PD>=2022-01-01"),
        Field("GD", ("gd",), "date", "授权日", "grant date", "GD<=2023-12-31"),
        Field("SEI", ("sei",), "sei", "战略性新兴产业", "strategic emerging industry", "SEI=人工智能"),
        Field("OFFICE", ("office",), "code", "受理局", "receiving office", "OFFICE=US"),
    )
}


@dataclass(frozen=True)
class Facet:
    """A facet: the hits counted by the values of one index field (``target``)."""

    name: str
    target: str
    name_zh: str
    name_en: str
    words: str | None = None  # the vocabulary field its stored values are shown by (ipstrong.vocabulary)


FACETS: dict[str, Facet] = {
    f.name: f
    for f in (
        Facet("city", "city", "地市", "city"),
        Facet("year", "year", "申请年", "filing year"),
        Facet("ipc", "ipc_sub", "IPC 小类", "IPC subclass"),
        Facet("type", "type", "专利类型", "patent type", "patent_type"),
        Facet("status", "status", "法律状态", "legal status", "legal_status"),
        Facet("applicant", "first_applicant", "第一申请人", "first applicant"),
        # the applicant entities (a firm under all its names), each labelled by its commonest name among the hits
        Facet("entity", "applicant_id", "申请人（实体）", "applicant (entity)"),
    )
}
# the orders a result can take: by relevance (BM25), or by a date index field, newest first
SORTS: dict[str, str | None] = {"relevance": None, "AD": "ad", "PD": "pd"}
# a comma-separated list of facet names, as the API validates it
FACET_LIST_PATTERN = "^({names})(,({names}))*$".format(names="|".join(FACETS))


def fields_help() -> str:
    """The fields (each with an example) and the facets, for the command line's help."""
    fields = " · ".join(f"{f.code} {f.name_zh} {f.name_en} ({f.example})" for f in FIELDS.values())
    facets = ", ".join(f"{f.name} {f.name_zh}" for f in FACETS.values())
    return f"字段 / fields: {fields}\n\n分面 / facets: {facets}"

"""An industry as a navigation report scopes it: a name, IPC symbols (any patent with a symbol under one of them),
keywords (in the title, abstract or claims), strategic emerging industries or their branches (``sei``: ``1`` or
``1.5``, any patent one of whose symbols the CNIPA concordance puts there, as the indicators match them) and exclusions
of IPC symbols or keywords. A patent belongs to the industry when it meets any inclusion and no exclusion. Defined in
a YAML file or inline on the command line::

    name: 增强现实近眼显示
    name_en: AR near-eye display
    ipc: [G02B27/01]
    keywords: [光波导]
    sei: []
    query: ""
    exclude_ipc: [G06T19]
    exclude_keywords: []

``query`` is a search in the platform's query language (``TI=光波导 AND AD>=2018``), matched in the snapshot's
search index. An IPC class or subclass covers every symbol under it; a main group (``G06F1``) its own subgroups only, never
``G06F11``; a subgroup (``G02B27/01``) itself and the subgroups numbered under it (``G02B27/0101``, ``G02B27/017``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from pydantic import BaseModel, Field, field_validator

from ipstrong.messages import IpsError, Msg, validated


class Industry(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="产业名称 / the industry's name")
    name_en: str = Field(default="", max_length=200)
    ipc: list[str] = Field(default_factory=list, max_length=200, description="IPC 符号（前缀匹配）/ IPC symbols")
    keywords: list[str] = Field(default_factory=list, max_length=200, description="关键词 / keywords")
    sei: list[str] = Field(
        default_factory=list, max_length=100, description="战略性新兴产业或分支号 / SEI industries or branches"
    )
    query: str = Field(default="", max_length=2000, description="检索式（平台检索语言）/ a search in the query language")
    exclude_ipc: list[str] = Field(default_factory=list, max_length=200)
    exclude_keywords: list[str] = Field(default_factory=list, max_length=200)

    @field_validator("ipc", "exclude_ipc")
    @classmethod
    def _symbols(cls, symbols: list[str]) -> list[str]:
        """IPC symbols as the warehouse keeps them: upper case, no spaces."""
        cleaned = [s.replace(" ", "").upper() for s in symbols if s.strip()]
        if bad := [s for s in cleaned if not (len(s) >= 1 and s[0] in "ABCDEFGH" and s.replace("/", "").isalnum())]:
            raise ValueError(f"不是 IPC 符号 / not an IPC symbol: {', '.join(bad)}")
        return cleaned

    @field_validator("sei")
    @classmethod
    def _branches(cls, numbers: list[str]) -> list[str]:
        from ipstrong.reference.sei import sei_names

        cleaned = [n.strip() for n in numbers if n.strip()]
        if bad := [n for n in cleaned if n not in sei_names()]:
            raise ValueError(f"不是战略性新兴产业分支号 / not an SEI industry or branch number: {', '.join(bad)}")
        return cleaned

    @field_validator("query")
    @classmethod
    def _query(cls, text: str) -> str:
        """A query that does not parse is refused now, with its position, not when a report is made."""
        from ipstrong.search.query import parse

        if text.strip():
            parse(text)
        return text.strip()

    @field_validator("keywords", "exclude_keywords")
    @classmethod
    def _words(cls, words: list[str]) -> list[str]:
        return [w.strip() for w in words if w.strip()]

    def model_post_init(self, _context: Any) -> None:
        if not self.ipc and not self.keywords and not self.sei and not self.query:
            raise IpsError(Msg("产业须至少有一个 IPC 符号、关键词、战略性新兴产业分支或检索式",
                               "an industry needs at least one IPC symbol, keyword, SEI branch or query"))  # fmt: skip

    def where(self, con: duckdb.DuckDBPyConnection, data_dir: Path, snapshot: str) -> tuple[str, list[Any]]:
        """The SQL condition over ``patents`` (p) of ``snapshot`` open on ``con`` that selects the industry, and its
        parameters; a query's hits are held in a temporary table ``industry_hits`` on ``con``."""
        params: list[Any] = []

        def ipc_any(symbols: list[str]) -> list[str]:
            params.extend(ipc_prefix(s) for s in symbols)
            return ["list_bool_or(list_transform(coalesce(p.ipc_all, []), lambda x: starts_with(replace(x, ' ', ''), ?)))"
                    for _ in symbols]  # fmt: skip

        def sei_any(numbers: list[str]) -> list[str]:
            if not numbers:
                return []
            params.append(sei_symbols(con, tuple(numbers)))
            return ["list_has_any(coalesce(p.ipc_all, []), ?::VARCHAR[])"]

        def words_any(words: list[str]) -> list[str]:
            params.extend(words)
            text = "coalesce(p.title, '') || ' ' || coalesce(p.abstract, '') || ' ' || coalesce(p.claims, '')"
            return [f"contains({text}, ?)" for _ in words]

        def query_hits() -> list[str]:
            if not self.query:
                return []
            import pyarrow as pa

            from ipstrong.search.engine import app_nos_matching

            hits = pa.table({"app_no": pa.array(app_nos_matching(data_dir, self.query, snapshot), pa.string())})
            con.register("industry_hits_found", hits)
            con.execute("CREATE OR REPLACE TEMP TABLE industry_hits AS SELECT DISTINCT app_no FROM industry_hits_found")
            con.unregister("industry_hits_found")
            return ["p.app_no IN (SELECT app_no FROM industry_hits)"]

        included = ipc_any(self.ipc) + words_any(self.keywords) + sei_any(self.sei) + query_hits()
        excluded = ipc_any(self.exclude_ipc) + words_any(self.exclude_keywords)
        sql = "(" + " OR ".join(included) + ")"
        if excluded:
            sql += " AND NOT (" + " OR ".join(excluded) + ")"
        return sql, params


def ipc_prefix(symbol: str) -> str:
    """The prefix a stored symbol starts with when it lies under ``symbol``: a class, subclass or subgroup as it is,
    a main group with its slash (``G06F1/``: its own subgroups, never ``G06F11``)."""
    return symbol if len(symbol) <= 4 or "/" in symbol else symbol + "/"


def sei_symbols(con: duckdb.DuckDBPyConnection, numbers: tuple[str, ...]) -> list[str]:
    """The IPC symbols of the snapshot's patents that the concordance (IPC only, as the indicators match by default)
    puts in one of the SEI industries or branches ``numbers``."""
    from ipstrong.reference.sei import sei_branches

    symbols = [r[0] for r in con.execute("SELECT DISTINCT x FROM patents, unnest(coalesce(ipc_all, [])) AS t(x)").fetchall()]
    return sorted(s for s in symbols if any(b == n or b.startswith(n + ".") for b in sei_branches([s]) for n in numbers))


def split_terms(text: str | None) -> list[str]:
    """Symbols, keywords or region codes as a person types them: separated by commas (either width) or lines."""
    return [t.strip() for t in (text or "").replace("，", ",").replace("\n", ",").split(",") if t.strip()]


def load_industry(path: Path) -> Industry:
    """The industry of a YAML file; a malformed file is refused naming its line."""
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise IpsError(Msg(f"无法读取：{exc}", f"cannot read: {exc}").located(file=str(path))) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise IpsError(Msg(f"YAML 格式错误：{getattr(exc, 'problem', exc)}", f"malformed YAML: {getattr(exc, 'problem', exc)}")
                       .located(str(path), line)) from None  # fmt: skip
    if not isinstance(raw, dict):
        raise IpsError(
            Msg("须为键值对（name、ipc、keywords…）", "must be a mapping (name, ipc, keywords…)").located(file=str(path))
        )
    try:
        return validated(Industry, raw)
    except IpsError as exc:
        raise IpsError(exc.msg.located(file=str(path))) from None

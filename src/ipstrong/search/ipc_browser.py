"""The IPC browser (IPC 分类浏览): the scheme from sections down to main groups, with Chinese and English titles,
how many patents of the current snapshot carry a symbol under each branch, and the search that lists them. The page
``/ipc`` and ``GET /api/v1/ipc`` render this one call."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from ipstrong.accounts.roles import Actor
from ipstrong.messages import Msg, NotFound
from ipstrong.reference.ipc_titles import ipc_titles


class IpcNode(BaseModel):
    code: str
    title_zh: str
    title_en: str
    patents: int | None  # patents with a classification under it (any of their IPC symbols); None above the path
    query: str  # the search that lists them


class IpcBranch(BaseModel):
    """One branch of the scheme: where it sits (``path``, from the section down) and what is under it."""

    code: str | None  # None: the eight sections
    title_zh: str
    title_en: str
    path: list[IpcNode]
    children: list[IpcNode]
    snapshot: str | None


def _is_child(parent: str | None, code: str) -> bool:
    if parent is None:
        return len(code) == 1
    if len(parent) in (1, 3):
        return len(code) == len(parent) + (2 if len(parent) == 1 else 1) and code.startswith(parent)
    return len(parent) == 4 and "/" in code and code.startswith(parent)


def _key_sql(parent: str | None) -> str:
    """The branch a symbol ``s`` falls in, one level below ``parent``."""
    if parent is None or len(parent) in (1, 3):
        return f"substr(s, 1, {1 if parent is None else 3 if len(parent) == 1 else 4})"
    return "split_part(s, '/', 1) || '/00'"


def _scheme_order(code: str) -> tuple[str, int]:
    """H01M2/00 before H01M10/00, as the scheme lists them."""
    head = code.partition("/")[0]
    digits = head[4:]
    return (head[:4], int(digits) if digits.isdigit() else -1)


def _query(code: str) -> str:
    return f"IPC={code.split('/')[0]}*"


def browse_ipc(actor: Actor, data_dir: Path, code: str | None = None) -> IpcBranch:
    """The branch ``code`` (a section, class, subclass or main group; None for the sections) with its children and
    their patent counts; bibliographic data is public, so any signed-in person may browse."""
    from ipstrong.warehouse.connection import snapshot_connection
    from ipstrong.warehouse.snapshots import Warehouse

    titles = ipc_titles()
    code = code.strip().upper().replace(" ", "") if code else None
    if code is not None and code not in titles:
        raise NotFound(Msg(f"IPC 分类表中没有 {code}（浏览到大组）", f"no {code} in the IPC scheme (browsed to main groups)"))
    children = sorted((c for c in titles if _is_child(code, c)), key=_scheme_order)
    counts: dict[str, int] = {}
    snapshot = Warehouse(data_dir).current_id()
    if snapshot is not None and children:
        con = snapshot_connection(data_dir)
        try:
            rows = con.execute(
                f"SELECT {_key_sql(code)} AS branch, count(DISTINCT app_no) FROM "
                "(SELECT app_no, unnest(ipc_all) AS s FROM patents WHERE office = 'CN') WHERE starts_with(s, ?) GROUP BY branch",
                [(code or "").split("/")[0]],
            ).fetchall()
        finally:
            con.close()
        counts = dict(rows)
    ancestors = [code[:n] for n in (1, 3, 4) if code and len(code) > n] + ([code] if code else [])

    def node(c: str, patents: int | None) -> IpcNode:
        return IpcNode(code=c, title_zh=titles[c][0], title_en=titles[c][1], patents=patents, query=_query(c))

    zh, en = titles[code] if code else ("IPC 分类表", "the IPC scheme")
    return IpcBranch(
        code=code,
        title_zh=zh,
        title_en=en,
        path=[node(a, None) for a in ancestors if a in titles],
        children=[node(c, counts.get(c, 0) if snapshot else None) for c in children],
        snapshot=snapshot,
    )

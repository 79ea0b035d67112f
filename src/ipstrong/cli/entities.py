"""Commands on the applicant entities: find, show, review pairs, merge, move a name, apply to the warehouse."""

from __future__ import annotations

from typing import Annotated

import typer

from ipstrong.cli.common import JsonOpt, app, db_session, queue_job, settings_of
from ipstrong.messages import Msg
from ipstrong.output import emit_document, emit_records

entities_app = typer.Typer(
    help="申请人实体（同一企业的不同名称）/ applicant entities (one enterprise's names)", no_args_is_help=True
)
app.add_typer(entities_app, name="entities")


@entities_app.command("list")
def entities_list(
    ctx: typer.Context,
    query: Annotated[str, typer.Option("--query", help="名称片段 / part of a name")] = "",
    limit: Annotated[int, typer.Option("--limit", help="条数 / rows")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """列出申请人实体及其名称 / list applicant entities with their names."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.ingest.entity_store import find_entities

    with db_session(ctx) as session:
        rows = find_entities(session, SYSTEM, query, limit)
    if as_json:
        emit_document({"entities": rows}, True)
        return
    flat = [{"id": r.id, "name": r.name, "names": " | ".join(n.name for n in r.names)} for r in rows]
    emit_records(flat, "table")


@entities_app.command("show")
def entities_show(
    ctx: typer.Context, entity_id: Annotated[int, typer.Argument(help="实体编号 / entity id")], as_json: JsonOpt = False
) -> None:
    """一个实体的全部名称及其归入方式 / one entity's names and how each joined it."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.ingest.entity_store import get_entity

    with db_session(ctx) as session:
        emit_document(get_entity(session, SYSTEM, entity_id).model_dump(mode="json"), as_json)


@entities_app.command("pairs")
def entities_pairs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help="条数 / rows")] = 100,
    as_json: JsonOpt = False,
) -> None:
    """待人工确认的相似名称对 / pairs of similar names waiting for review."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.ingest.entity_records import NamePair
    from ipstrong.ingest.entity_store import open_candidates

    with db_session(ctx) as session:
        rows = open_candidates(session, SYSTEM, limit)
    if as_json:
        emit_document({"pairs": rows}, True)
    else:
        emit_records(rows, "table", table_columns=NamePair.TABLE)


@entities_app.command("merge")
def entities_merge(
    ctx: typer.Context,
    keep: Annotated[int, typer.Argument(help="保留的实体编号 / entity id to keep")],
    other: Annotated[int, typer.Argument(help="并入的实体编号 / entity id merged into it")],
    as_json: JsonOpt = False,
) -> None:
    """把一个实体并入另一个（审核结论，重新导入后仍保留）/ merge one entity into another (kept across re-ingests)."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.ingest.entity_store import merge

    with db_session(ctx, write=True) as session:
        result = merge(session, SYSTEM, keep, other).model_dump(mode="json")
    emit_document(result, as_json, str(Msg(f"已将实体 {other} 并入 {keep}", f"merged entity {other} into {keep}")))


@entities_app.command("move")
def entities_move(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="申请人名称 / applicant name")],
    to: Annotated[
        int | None, typer.Option("--to", help="目标实体编号；省略则单列为新实体 / target entity; omit for a new one")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """把一个名称移到另一实体或单列 / move one name to another entity, or split it out."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.ingest.entity_store import move_name

    with db_session(ctx, write=True) as session:
        result = move_name(session, SYSTEM, name, to).model_dump(mode="json")
    emit_document(
        result, as_json, str(Msg(f"「{name}」现属实体 {result['id']}", f"'{name}' now belongs to entity {result['id']}"))
    )


@entities_app.command("reject")
def entities_reject(
    ctx: typer.Context, pair_id: Annotated[int, typer.Argument(help="名称对编号 / pair id")], as_json: JsonOpt = False
) -> None:
    """确认一对名称不是同一企业，不再提示 / record that a pair are different enterprises."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.ingest.entity_store import reject_candidate

    with db_session(ctx, write=True) as session:
        reject_candidate(session, SYSTEM, pair_id)
    emit_document(
        {"pair": pair_id, "status": "rejected"}, as_json, str(Msg(f"已驳回名称对 {pair_id}", f"pair {pair_id} rejected"))
    )


@entities_app.command("apply")
def entities_apply(
    ctx: typer.Context,
    background: Annotated[bool, typer.Option("--background", help="排入后台任务队列 / queue it as a background job")] = False,
    as_json: JsonOpt = False,
) -> None:
    """按当前审核映射更新仓库中的 first_applicant_id / stamp the warehouse with the reviewed mapping."""
    if background:
        queue_job(ctx, "entities", {}, as_json)
        return
    from ipstrong.jobs import JOB_KINDS

    cfg = settings_of(ctx)
    result = JOB_KINDS["entities"].run(cfg, {}, lambda _percent, _message: None)
    emit_document(result, as_json, result["message"])

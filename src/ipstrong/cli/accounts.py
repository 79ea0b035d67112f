"""Commands on the operational database and accounts: schema upgrade, users, organisations, API tokens, the
audit log."""

from __future__ import annotations

from typing import Annotated

import typer

from ipstrong.cli.common import FormatOpt, JsonOpt, OutOpt, app, chosen_format, db_session, operational_db, read_password
from ipstrong.messages import Msg
from ipstrong.output import emit_document, emit_records

db_app = typer.Typer(help="业务数据库 / the operational database", no_args_is_help=True)
users_app = typer.Typer(help="用户与角色 / users and roles", no_args_is_help=True)
orgs_app = typer.Typer(help="机构（企业、服务机构、保护中心）/ organisations", no_args_is_help=True)
tokens_app = typer.Typer(help="API 令牌 / API tokens", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 / the audit log", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(orgs_app, name="orgs")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """建立或升级数据库结构 / create or migrate the database schema."""
    from ipstrong.db import upgrade

    cfg, _engine, _ = operational_db(ctx, migrate=False)
    url = cfg.resolved_database_url()
    revision = upgrade(url)
    safe_url = url.split("@")[-1] if "@" in url else url
    emit_document(
        {"revision": revision, "database": safe_url},
        as_json,
        str(Msg(f"数据库已是最新（{revision}）", f"database at revision {revision}")),
    )


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    role: Annotated[
        str,
        typer.Option(
            "--role", help="province_admin|city_official|centre_examiner|case_officer|enterprise_user|agency_user|public_visitor"
        ),
    ],
    region: Annotated[str, typer.Option("--region", help="区划代码，如 320500 / region code")],
    name: Annotated[str | None, typer.Option("--name", help="显示名 / display name")] = None,
    org: Annotated[int | None, typer.Option("--org", help="机构编号 / organisation id")] = None,
    password: Annotated[str | None, typer.Option("--password", help="密码；- 表示从标准输入读取 / '-' reads stdin")] = None,
    as_json: JsonOpt = False,
) -> None:
    """新建用户（命令行操作者视为系统管理员）/ create a user (the shell operator acts as the system)."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import create_user, user_summary

    secret = read_password(password, "密码 / password")
    with db_session(ctx, write=True) as session:
        summary = user_summary(create_user(session, SYSTEM, username, secret, role, region, name, org))
    emit_document(summary.model_dump(mode="json"), as_json, str(Msg(f"已创建用户 {username}", f"created user {username}")))


@users_app.command("list")
def users_list(ctx: typer.Context, as_json: JsonOpt = False, fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """列出用户 / list users."""
    from ipstrong.accounts.records import UserSummary
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import list_users

    with db_session(ctx) as session:
        rows = list_users(session, SYSTEM)
    emit_records(rows, chosen_format(as_json, fmt), out, table_columns=UserSummary.TABLE)


@users_app.command("reset-password")
def users_reset_password(
    ctx: typer.Context,
    username: str,
    password: Annotated[str | None, typer.Option("--password", help="新密码；- 表示从标准输入读取")] = None,
) -> None:
    """管理员重置密码（下次登录须修改）/ reset a password (to be changed at the next sign-in)."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import reset_password

    secret = read_password(password, "新密码 / new password")
    with db_session(ctx, write=True) as session:
        reset_password(session, SYSTEM, username, secret)
    print(str(Msg(f"已重置 {username} 的密码", f"password of {username} reset")))


@orgs_app.command("add")
def orgs_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="名称 / name")],
    kind: Annotated[str, typer.Option("--kind", help="enterprise|agency|centre|office")],
    region: Annotated[str, typer.Option("--region", help="区划代码 / region code")],
    credit_code: Annotated[str | None, typer.Option("--credit-code", help="统一社会信用代码 / credit code")] = None,
    as_json: JsonOpt = False,
) -> None:
    """登记机构 / register an organisation."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import create_organisation

    with db_session(ctx, write=True) as session:
        org = create_organisation(session, SYSTEM, kind, name, region, credit_code)
        doc = {"id": org.id, "kind": org.kind, "name": org.name, "credit_code": org.credit_code, "region_code": org.region_code}
    emit_document(doc, as_json, str(Msg(f"已登记机构 {name}（编号 {doc['id']}）", f"registered {name} (id {doc['id']})")))


@tokens_app.command("create")
def tokens_create(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="令牌所属用户 / the token's user")],
    name: Annotated[str, typer.Option("--name", help="用途 / what it is for")],
    scopes: Annotated[str, typer.Option("--scopes", help="read,write")] = "read",
    days: Annotated[int, typer.Option("--days", help="有效天数 / days valid")] = 365,
    as_json: JsonOpt = False,
) -> None:
    """为用户签发 API 令牌（只显示一次）/ issue an API token for a user (shown once)."""
    from ipstrong.accounts.service import actor_of, create_token, find_user

    with db_session(ctx, write=True) as session:
        token, plain = create_token(session, actor_of(find_user(session, username)), name, scopes.split(","), days)
        doc = {"id": token.id, "token": plain, "scopes": token.scopes, "expires_at": token.expires_at}
    emit_document(doc, as_json, str(Msg(f"令牌（仅显示一次）：{plain}", f"token (shown once): {plain}")))


@tokens_app.command("revoke")
def tokens_revoke(ctx: typer.Context, token_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """撤销令牌 / revoke a token."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import revoke_token

    with db_session(ctx, write=True) as session:
        revoke_token(session, SYSTEM, token_id)
    print(str(Msg(f"令牌 {token_id} 已撤销", f"token {token_id} revoked")))


@audit_app.command("verify")
def audit_verify(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """校验审计日志的哈希链 / prove the audit chain untouched."""
    from ipstrong.accounts.audit import verify

    with db_session(ctx) as session:
        result = verify(session)
    human = (
        str(Msg(f"审计日志完好：{result.entries} 条", f"audit log intact: {result.entries} entries"))
        if result.ok
        else f"第 {result.first_broken} 条起链条断开：{result.reason_zh} / chain broken at entry "
        f"{result.first_broken}: {result.reason_en}"
    )
    emit_document(result.to_dict(), as_json, human)
    raise typer.Exit(0 if result.ok else 1)


@audit_app.command("anchor")
def audit_anchor(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """把审计链的最新位置写入库外锚点文件并打印签名摘要，请另行保存 / anchor the chain's head outside the database and
    print the signed digest to keep elsewhere."""
    from ipstrong.accounts.audit import anchor

    with db_session(ctx, write=True) as session:
        line = anchor(session)
    human = f"{line['at']} audit head #{line['id']} {line['hash']} mac {line['mac']}"
    emit_document(line, as_json, human)


@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit")] = 50,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
) -> None:
    """最近的审计条目 / the newest audit entries."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.accounts.service import audit_entries

    with db_session(ctx) as session:
        rows = audit_entries(session, SYSTEM, limit)
    emit_records(rows, chosen_format(as_json, fmt), out)

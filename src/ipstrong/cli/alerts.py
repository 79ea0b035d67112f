"""Watches and their pushes from the command line: ``ipstrong alerts run`` (what the job queue runs after each
snapshot), ``alerts test-send`` (one signed test event to a webhook), ``alerts log`` and ``alerts warnings`` (an
enterprise's overseas early warning)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ipstrong.cli.common import JsonOpt, app, chosen_format, data_dir_of, operational_db
from ipstrong.messages import Msg
from ipstrong.output import emit_document, emit_records

alerts_app = typer.Typer(help="关注、预警与推送 / watches, early warnings and their pushes", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("run")
def alerts_run(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """读取所有关注到当前快照并推送到期的消息 / read every watch up to the current snapshot and send what is due."""
    from ipstrong.alerts.watch import deliver_due, run_watchlists

    cfg, engine, factory = operational_db(ctx)
    try:
        ran = run_watchlists(factory, data_dir_of(ctx))
        sent = deliver_due(factory, cfg)
    finally:
        engine.dispose()
    summary = {**ran.model_dump(), **sent.model_dump()}
    emit_document(summary, as_json, str(Msg(
        f"读取 {ran.watchlists} 个关注：新事件 {ran.events}，新推送 {ran.deliveries}；"
        f"送达 {sent.sent}，待重试 {sent.retrying}，失败 {sent.failed}",
        f"{ran.watchlists} watches read: {ran.events} new events, {ran.deliveries} new deliveries; {sent.sent} sent, "
        f"{sent.retrying} to retry, {sent.failed} failed")))  # fmt: skip


@alerts_app.command("test-send")
def alerts_test_send(
    ctx: typer.Context,
    webhook: Annotated[str, typer.Option("--webhook", help="回调网址 / the webhook URL")],
    secret: Annotated[str, typer.Option("--secret", help="签名密钥 / the signing secret")],
    as_json: JsonOpt = False,
) -> None:
    """向回调地址发送一条签名的测试事件 / send one signed test event to a webhook.

    请求体为 JSON；X-Ipstrong-Signature 头为 sha256= 加上以密钥对请求体字节计算的 HMAC-SHA256 十六进制值 / the body is
    JSON; the X-Ipstrong-Signature header is sha256= and the hex HMAC-SHA256 of the exact body bytes under the secret."""
    from ipstrong.alerts.watch import send_test_event
    from ipstrong.cli.common import settings_of

    status = send_test_event(settings_of(ctx), webhook, secret)
    ok = 200 <= status < 300
    emit_document({"status": status, "delivered": ok}, as_json,
                  str(Msg(f"回调应答 HTTP {status}", f"the webhook answered HTTP {status}")))  # fmt: skip
    if not ok:
        raise typer.Exit(1)


@alerts_app.command("log")
def alerts_log(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """推送记录 / the delivery log (every watch's)."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.alerts.watch import deliveries

    _cfg, engine, factory = operational_db(ctx)
    try:
        with factory() as s:
            rows = [d.model_dump(mode="json") for d in deliveries(s, SYSTEM, limit=500)]
    finally:
        engine.dispose()
    emit_records(rows, chosen_format(as_json, None), None, title="推送记录 / delivery log")


@alerts_app.command("warnings")
def alerts_warnings(
    ctx: typer.Context,
    enterprise: Annotated[int, typer.Option("--enterprise", help="企业编号 / the enterprise id")],
    markets: Annotated[str, typer.Option("--markets", help="目标市场，如 US,EP（默认全部）/ target markets")] = "",
    pdf: Annotated[Path | None, typer.Option("--pdf", help="另存 PDF / also write a PDF")] = None,
    as_json: JsonOpt = False,
) -> None:
    """海外风险预警：企业技术领域与目标市场中的外国记录，按风险排序并说明依据 / an enterprise's overseas early warning."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.alerts.warning import early_warning, warning_pdf
    from ipstrong.navigation.industry import split_terms

    _cfg, engine, factory = operational_db(ctx)
    try:
        with factory() as s:
            report = early_warning(s, SYSTEM, data_dir_of(ctx), enterprise, [m.upper() for m in split_terms(markets)])
    finally:
        engine.dispose()
    if pdf is not None:
        pdf.write_bytes(warning_pdf(report))
    if as_json:
        emit_document(report.model_dump(mode="json"), True)
        return
    rows = [{"office": r.office, "app_no": r.app_no, "owner": r.owner, "score": r.score, "reasons": "；".join(r.reasons_zh)}
            for r in report.rows]  # fmt: skip
    emit_records(rows, "table", None, title=f"{report.name} 海外风险预警 / overseas early warning")


@alerts_app.command("experts")
def alerts_experts(
    ctx: typer.Context,
    country: Annotated[str | None, typer.Option("--country", help="只列出负责该国的专家 / only those covering it")] = None,
    as_json: JsonOpt = False,
) -> None:
    """海外专家库 / the overseas experts' roster."""
    from ipstrong.accounts.roles import SYSTEM
    from ipstrong.alerts.experts import experts

    _cfg, engine, factory = operational_db(ctx)
    try:
        with factory() as s:
            rows = [e.model_dump(mode="json") for e in experts(s, SYSTEM, country)]
    finally:
        engine.dispose()
    emit_records(rows, chosen_format(as_json, None), None, title="海外专家库 / overseas experts")

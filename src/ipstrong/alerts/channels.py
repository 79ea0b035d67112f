"""The channels alerts are pushed through, registered in one place: each is a name and two methods — ``check`` an
address when a subscription is saved, ``send`` one message — so adding a channel touches this file only.

A message is JSON (``Message.body``). In-app keeps it in the platform (the person's alert page reads the events);
e-mail sends it through the configured SMTP server as text with an unsubscribe link; a webhook POSTs its exact bytes
with ``X-Ipstrong-Signature: sha256=<hex HMAC-SHA256 of the body under the subscription's secret>`` and
``X-Ipstrong-Delivery: <id>`` (a receiver can drop a delivery it has seen). A webhook may not point at a private,
loopback or link-local address, nor at the platform itself, unless ``webhooks_private_ok`` is set.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import socket
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

from ipstrong.config import Settings
from ipstrong.messages import IpsError, Msg

SEND_TIMEOUT_S = 10.0
SIGNATURE_HEADER = "X-Ipstrong-Signature"
DELIVERY_HEADER = "X-Ipstrong-Delivery"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class SendFailed(Exception):
    """A channel could not deliver now (unreachable, refused, timed out): the delivery is tried again later."""


@dataclass(frozen=True)
class Message:
    delivery_id: int
    subject_zh: str
    subject_en: str
    payload: dict[str, Any] = field(default_factory=dict)
    unsubscribe: str = ""

    @property
    def body(self) -> bytes:
        """The exact bytes sent (and signed): the payload as UTF-8 JSON."""
        return json.dumps(self.payload, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


class Channel(Protocol):
    name: ClassVar[str]
    name_zh: ClassVar[str]
    name_en: ClassVar[str]
    kept: ClassVar[bool]  # delivered by being kept in the platform: nothing to send, marked sent all at once

    def check(self, address: str | None, settings: Settings) -> str | None:
        """The address as kept, or a bilingual refusal naming the field."""
        ...

    def send(self, message: Message, address: str | None, secret: str | None, settings: Settings) -> None:
        """Deliver one message, or raise ``SendFailed``."""
        ...


def sign(body: bytes, secret: str) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of ``body`` under ``secret``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _refused(zh: str, en: str) -> IpsError:
    return IpsError(Msg(zh, en).located(field="address"))


class InApp:
    name: ClassVar[str] = "in_app"
    name_zh: ClassVar[str] = "站内"
    name_en: ClassVar[str] = "in the platform"
    kept: ClassVar[bool] = True

    def check(self, address: str | None, settings: Settings) -> str | None:
        return None

    def send(self, message: Message, address: str | None, secret: str | None, settings: Settings) -> None:
        return None  # the events are the person's inbox on the alerts page


class Email:
    name: ClassVar[str] = "email"
    name_zh: ClassVar[str] = "电子邮件"
    name_en: ClassVar[str] = "e-mail"
    kept: ClassVar[bool] = False

    def check(self, address: str | None, settings: Settings) -> str | None:
        if settings.smtp_host is None:
            raise _refused("平台未配置邮件服务器，不能选择电子邮件", "no SMTP server is configured: e-mail cannot be chosen")
        if not address or not EMAIL.match(address.strip()):
            raise _refused(f"不是电子邮件地址：{address or ''}", f"not an e-mail address: {address or ''}")
        return address.strip()

    def send(self, message: Message, address: str | None, secret: str | None, settings: Settings) -> None:
        import smtplib
        from email import policy
        from email.message import EmailMessage

        mail = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))  # the unsubscribe link kept on one line
        mail["Subject"] = f"{message.subject_zh} / {message.subject_en}"
        mail["From"] = settings.smtp_from
        mail["To"] = address or ""
        mail["List-Unsubscribe"] = f"<{message.unsubscribe}>"
        lines = [f"{e['change_zh']} / {e['change_en']}  {e['app_no']}  {e.get('title') or ''}" for e in message.payload["events"]]
        mail.set_content("\n".join([*lines, "", f"退订 / unsubscribe: {message.unsubscribe}"]))
        try:
            with smtplib.SMTP(settings.smtp_host or "", settings.smtp_port, timeout=SEND_TIMEOUT_S) as smtp:
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"SMTP: {exc}") from exc


class Webhook:
    name: ClassVar[str] = "webhook"
    name_zh: ClassVar[str] = "网络回调（Webhook）"
    name_en: ClassVar[str] = "webhook"
    kept: ClassVar[bool] = False

    def check(self, address: str | None, settings: Settings) -> str | None:
        url = (address or "").strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _refused(f"不是 http(s) 网址：{url}", f"not an http(s) URL: {url}")
        if settings.webhooks_private_ok:
            return url
        own = urlsplit(settings.public_url).hostname
        if parts.hostname == own:
            raise _refused("回调地址不能指向平台自身", "a webhook may not point at the platform itself")
        try:
            found = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)}
        except OSError:
            raise _refused(f"无法解析主机 {parts.hostname}", f"cannot resolve host {parts.hostname}") from None
        for raw in found:
            ip = ipaddress.ip_address(raw.split("%", 1)[0])
            if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
                raise _refused(f"回调地址指向内部地址 {ip}（须经平台管理员允许）",
                               f"the webhook points at a private address {ip} (the office must allow it)")  # fmt: skip
        return url

    def send(self, message: Message, address: str | None, secret: str | None, settings: Settings) -> None:
        status = post_signed(address or "", message, secret)
        if not 200 <= status < 300:
            raise SendFailed(f"webhook: HTTP {status}")


def post_signed(url: str, message: Message, secret: str | None) -> int:
    """POST the message's exact bytes to ``url``, signed under ``secret``; the HTTP status, or ``SendFailed`` when
    there was no answer."""
    import httpx

    body = message.body
    headers = {"Content-Type": "application/json; charset=utf-8", DELIVERY_HEADER: str(message.delivery_id)}
    if secret:
        headers[SIGNATURE_HEADER] = sign(body, secret)
    try:
        return httpx.post(url, content=body, headers=headers, timeout=SEND_TIMEOUT_S).status_code
    except httpx.HTTPError as exc:
        raise SendFailed(f"webhook: {exc}") from exc


CHANNELS: dict[str, Channel] = {c.name: c for c in (InApp(), Email(), Webhook())}


def channel_of(name: str) -> Channel:
    """The registered channel ``name``, or a refusal naming the field."""
    if name not in CHANNELS:
        raise IpsError(Msg(f"没有推送渠道 {name}（可选：{'、'.join(CHANNELS)}）", f"no channel {name} ({', '.join(CHANNELS)})")
                       .located(field="channel"))  # fmt: skip
    return CHANNELS[name]

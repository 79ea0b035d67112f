"""Bilingual messages: Chinese first, English after " / ", naming file, row and field.

Every message a person reads goes through :class:`Msg` so the order and the separator are the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")


@dataclass(frozen=True)
class Msg:
    """One message in Chinese and English."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"

    def renamed(self, stored: str, shown: str) -> Msg:
        """The message with a file's server path replaced by the name its sender knows it by."""
        return Msg(self.zh.replace(stored, shown), self.en.replace(stored, shown))

    def located(self, file: str | None = None, row: int | None = None, field: str | None = None) -> Msg:
        """Prefix the message with where it happened: file, row (1-based, header is row 1) and field."""
        zh_parts, en_parts = [], []
        if file:
            zh_parts.append(f"文件 {file}")
            en_parts.append(f"file {file}")
        if row is not None:
            zh_parts.append(f"第 {row} 行")
            en_parts.append(f"row {row}")
        if field:
            zh_parts.append(f"字段「{field}」")
            en_parts.append(f"field '{field}'")
        if not zh_parts:
            return self
        return Msg("，".join(zh_parts) + "：" + self.zh, ", ".join(en_parts) + ": " + self.en)


class IpsError(Exception):
    """An error whose message a person reads; ``exit_code`` follows CONVENTIONS.md (2 = nothing done)."""

    def __init__(self, msg: Msg, exit_code: int = 2):
        super().__init__(str(msg))
        self.msg = msg
        self.exit_code = exit_code


class Conflict(IpsError):
    """The request clashes with what is stored (a name or code already taken): HTTP 409."""


class NotFound(IpsError):
    """The record asked for does not exist: HTTP 404."""


class InvalidOption(IpsError):
    """A parameter given a value it does not take. The engine names the parameter neutrally (``sort``,
    ``pledge_threshold``); each interface words it as its users know it (``worded``): a flag on the command line
    (``--pledge-threshold``), a query parameter on the API, a field on a form."""

    def __init__(self, name: str, value: object, allowed: Msg):
        self.name, self.value, self.allowed = name, value, allowed
        super().__init__(self.worded(name))

    def worded(self, label: str) -> Msg:
        """The message with the parameter called ``label``."""
        return Msg(f"{label} 只能是 {self.allowed.zh}，不是 {self.value}", f"{label} is {self.allowed.en}, not {self.value}")

    @property
    def flag(self) -> str:
        """The parameter as a command-line option."""
        return option_flag(self.name)


def option_flag(name: str) -> str:
    """A parameter's name as a command-line option: pledge_threshold → --pledge-threshold."""
    return "--" + name.replace("_", "-")


# pydantic's error types in Chinese (its English message is kept beside)
_PYDANTIC_ZH = {
    "missing": "必填",
    "string_too_short": "太短",
    "string_too_long": "太长",
    "too_short": "项数太少",
    "too_long": "项数太多",
    "string_pattern_mismatch": "格式不符",
    "string_type": "应为文本",
    "bool_parsing": "应为是/否",
    "bool_type": "应为是/否",
    "list_type": "应为列表",
    "extra_forbidden": "不是此表单的字段",
}


def validated(model: type[M], data: dict[str, Any]) -> M:
    """``data`` as ``model``, or an :class:`IpsError` naming each field refused, in Chinese and English."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        parts = [_refusal(e).located(field=".".join(map(str, e["loc"])) or None) for e in exc.errors()]
        raise IpsError(Msg("；".join(p.zh for p in parts), "; ".join(p.en for p in parts))) from None


def _refusal(error: Any) -> Msg:
    """One pydantic error in Chinese and English: a validator's own bilingual reason (``中文 / English``) as it wrote
    it, else pydantic's English beside the Chinese for its error type."""
    text = str(error["msg"])
    if error["type"] == "value_error":
        reason = text.removeprefix("Value error, ")
        zh, sep, en = reason.partition(" / ")
        if sep:
            return Msg(zh, en)
    return Msg(_PYDANTIC_ZH.get(str(error["type"]), "无效"), text)

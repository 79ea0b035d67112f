"""Roles, what each may do, and how far its region reaches — the permission rules the service layer enforces.

A role is data: its names, its permissions and whether its region scope is the whole platform. Regions nest by
code: a city official at 320500 reaches 3205xx; the province administrator reaches everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from ipstrong.messages import IpsError, Msg
from ipstrong.reference.regions import JIANGSU


@dataclass(frozen=True)
class Role:
    name: str
    name_zh: str
    name_en: str
    permissions: frozenset[str]
    everywhere: bool = False


_STAFF = frozenset({"records.read", "records.write"})
ROLES: dict[str, Role] = {
    r.name: r
    for r in (
        Role(
            "province_admin",
            "省级管理员",
            "province administrator",
            frozenset(
                {"users.manage", "orgs.manage", "audit.read", "tokens.own", "calendar.manage", "keys.manage", "warehouse.write"}
            )
            | _STAFF,
            everywhere=True,
        ),
        Role(
            "city_official",
            "市级工作人员",
            "city official",
            frozenset({"users.manage", "orgs.manage", "audit.read", "tokens.own"}) | _STAFF,
        ),
        Role("centre_examiner", "保护中心审查员", "protection-centre examiner", _STAFF | {"tokens.own"}),
        Role("case_officer", "案件承办人", "case officer", _STAFF | {"tokens.own"}),
        Role("enterprise_user", "企业用户", "enterprise user", frozenset({"records.read.own", "tokens.own"})),
        Role("agency_user", "服务机构用户", "service agency", frozenset({"records.read.own", "tokens.own"})),
        Role("award_expert", "评审专家", "award expert", frozenset({"awards.score", "tokens.own"})),
        Role("title_assessor", "职称评审委员", "title committee member", frozenset({"titles.score", "tokens.own"})),
        Role("public_visitor", "社会公众", "public visitor", frozenset({"public.read"})),
    )
}


class PermissionDenied(IpsError):
    """The actor may not do this; pages and the API answer 403 (or 404 where existence itself is private)."""

    def __init__(self, msg: Msg):
        super().__init__(msg, exit_code=2)


@dataclass(frozen=True)
class Actor:
    """Who is acting: enough to decide permissions without another query."""

    user_id: int | None
    username: str
    role: str
    region_code: str
    organisation_id: int | None = None

    @property
    def role_info(self) -> Role:
        return ROLES[self.role]


SYSTEM = Actor(None, "system", "province_admin", JIANGSU)  # the console operator, province-wide
PUBLIC = Actor(None, "public", "public_visitor", JIANGSU)  # anyone on the public portal, without signing in


def region_prefix(code: str) -> str:
    """The code prefix a region covers: 320000 -> 32, 320500 -> 3205, 320583 -> 320583."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def in_scope(actor: Actor, region_code: str | None) -> bool:
    """Whether a record placed in ``region_code`` lies within the actor's reach."""
    if actor.role_info.everywhere:
        return True
    return region_code is not None and region_code.startswith(region_prefix(actor.region_code))


def require(actor: Actor, permission: str, region_code: str | None = None) -> None:
    """Raise :class:`PermissionDenied` unless the actor has ``permission`` over ``region_code``."""
    if permission not in actor.role_info.permissions:
        raise PermissionDenied(Msg(f"无权执行此操作（需要 {permission}）", f"not allowed (needs {permission})"))
    if region_code is not None and not in_scope(actor, region_code):
        raise PermissionDenied(Msg(f"超出本账号的地区范围（{region_code}）", f"outside this account's region ({region_code})"))

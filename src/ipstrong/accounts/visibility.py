"""What aggregate data each role may read — the one rule the services apply, and docs/security.md states.

Records (patents behind a figure, matters, users, audit entries) are read within the actor's region scope
(:func:`ipstrong.accounts.roles.in_scope`). Aggregates follow what the office itself publishes:

- **Figures** of the province and of its prefecture-level cities are the office's published statistics (its yearly
  bulletin lists every city), so every signed-in person may read them, for any city. Figures below a city (its
  counties and districts, ``by=district``), development zones and custom zones are working figures: read within
  scope only, as records are.
- **Assessments** (the office's scoring of cities against their targets) are internal: a person sees the rows of
  the regions in scope, and the rank — a standing among all cities — only when they see every city's row.
- **Campaigns** are seen by staff whose region overlaps the campaign's (a province-wide campaign reaches every
  city; a Suzhou campaign is not Nanjing's business), with counts of the matters they may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ipstrong.accounts.roles import Actor, PermissionDenied, in_scope, region_prefix
from ipstrong.messages import Msg
from ipstrong.reference.regions import is_zone


def is_published_level(region: str, by: str | None) -> bool:
    """A figure of the province or one prefecture-level city, not broken down below cities."""
    return len(region) == 6 and region.isdigit() and region.endswith("00") and by in (None, "city")


def require_figures(actor: Actor, region: str, by: str | None, zone_in_scope: bool) -> None:
    """Refuse figures the actor may not read; ``zone_in_scope`` is whether a zone's units all lie in scope
    (:func:`may_list` decides it for custom zones)."""
    if actor.role_info.everywhere or is_published_level(region, by):
        return
    if is_zone(region) and zone_in_scope:
        return
    if region.isdigit() and in_scope(actor, region):
        return
    raise PermissionDenied(
        Msg(
            f"{region} 的县区级或园区数据不在本账号范围内（省、市两级数字公开）",
            f"figures below city level for {region} are outside this account's region (province and city figures are public)",
        )
    )


def may_list(actor: Actor, region: str, data_dir: Path) -> bool:
    """Whether ``actor`` may list the records of ``region``: a division or named zone in their scope, or a custom
    zone whose listed units all are (one defined by address patterns only for those who see everywhere)."""
    from ipstrong.reference.zones import custom_zones

    if not region.startswith("custom:"):
        return in_scope(actor, region)
    zone = custom_zones(data_dir).get(region)
    if zone is None or actor.role_info.everywhere:
        return True  # an unknown zone is refused by the engine with its own message
    return not zone.address_patterns and all(in_scope(actor, code) for code in zone.districts)


def assessment_rows(actor: Actor, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The assessment rows the actor may see; the rank only for those who see every row."""
    rows = list(rows)
    if actor.role_info.everywhere:
        return rows
    return [{**r, "rank": None} for r in rows if in_scope(actor, r["region_code"])]


def sees_campaign(actor: Actor, campaign_region: str) -> bool:
    """Staff whose region overlaps the campaign's: it lies in their scope, or they lie in its region."""
    if "records.read" not in actor.role_info.permissions:
        return False
    return in_scope(actor, campaign_region) or actor.region_code.startswith(region_prefix(campaign_region))

"""The matter types the platform handles, registered in one place: adding a type adds one module and one line."""

from __future__ import annotations

from ipstrong.matters.definitions import MatterType
from ipstrong.matters.types import (
    adjudication,
    agency,
    assistance,
    enforcement,
    engineer_title,
    one_window,
    open_licence,
    overseas,
    patent_award,
    pledge,
    prescreen,
    programme,
    trademark,
    transfer,
    utilization,
)

MATTER_TYPES: dict[str, MatterType] = {
    t.id: t
    for t in (
        adjudication.MATTER_TYPE,
        enforcement.MATTER_TYPE,
        trademark.MATTER_TYPE,
        prescreen.MATTER_TYPE,
        assistance.MATTER_TYPE,
        overseas.MATTER_TYPE,
        transfer.MATTER_TYPE,
        one_window.MATTER_TYPE,
        open_licence.MATTER_TYPE,
        pledge.MATTER_TYPE,
        pledge.CHANGE,
        patent_award.MATTER_TYPE,
        programme.CALL,
        programme.PROJECT,
        utilization.MATCH_CONTACT,
        utilization.OPEN_LICENCE_GRANT,
        agency.COMPLAINT,
        agency.CREDIT,
        engineer_title.MATTER_TYPE,
    )
}

"""Identifiers as value objects: application and publication numbers, IPC symbols, credit codes, region codes.

Each parser accepts the forms people type and exports contain, and returns one canonical form (CONVENTIONS.md).
"""

from ipstrong.ids.appno import ApplicationNumber, application_check_digit
from ipstrong.ids.common import InvalidIdentifier
from ipstrong.ids.ipc import IpcSymbol
from ipstrong.ids.pubno import PublicationNumber
from ipstrong.ids.region import RegionCode
from ipstrong.ids.uscc import CreditCode, credit_code_check_char

__all__ = [
    "ApplicationNumber",
    "CreditCode",
    "InvalidIdentifier",
    "IpcSymbol",
    "PublicationNumber",
    "RegionCode",
    "application_check_digit",
    "credit_code_check_char",
]

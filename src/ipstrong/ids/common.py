"""Shared pieces of the identifier parsers: width folding and the error type."""

from __future__ import annotations

import unicodedata

from ipstrong.messages import Msg


class InvalidIdentifier(ValueError):
    """Raised when a value is not a valid identifier of the asked kind; carries a bilingual reason."""

    def __init__(self, msg: Msg):
        super().__init__(str(msg))
        self.msg = msg


def fold(value: str) -> str:
    """Full-width to half-width (NFKC), upper case, and every kind of space removed."""
    text = unicodedata.normalize("NFKC", value).upper()
    return "".join(ch for ch in text if not ch.isspace())

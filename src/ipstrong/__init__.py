"""ipstrong — the platform a provincial IP office runs to become an "IP-strong province"."""

__version__ = "0.1.0"

"""The ``ipstrong`` command, one module per domain beside the services it calls; ``common`` holds what every
command shares (the root command, output options, the operational database's session helper, the error exit).
Thin: each command parses options, calls one service function and prints the result."""

from importlib import import_module

from ipstrong.cli.common import app, main

# each module registers its commands on ``app``; this order is the order of ``ipstrong --help``
DOMAINS = (
    "warehouse", "accounts", "indicators", "entities", "matters", "registry", "network", "navigation", "alerts", "search",
    "server",
)  # fmt: skip
for _domain in DOMAINS:
    import_module(f"ipstrong.cli.{_domain}")

from ipstrong.cli.search import SEARCH_HELP  # noqa: E402 (after the registration above)

__all__ = ["SEARCH_HELP", "app", "main"]

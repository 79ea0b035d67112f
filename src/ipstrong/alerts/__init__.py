"""Watchlists, overseas early warning and the channels that push what they find (issue 22)."""

"""Utilization: what an enterprise holds and does with its rights (its home page now; pledges, transfers and
licences, portfolios and tiers as they are built)."""

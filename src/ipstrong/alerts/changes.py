"""What changed between two warehouse snapshots, patent by patent: the changes a watchlist is told about.

A patent the older snapshot did not hold was filed (and granted, when it came in granted); one that gained a grant
date was granted; one in force that is now lapsed or expired lapsed, and one lapsed that is in force again was
restored; an event the older snapshot did not hold (its ``event_id``) is a transfer, a licence, a pledge or an
invalidation. Each (patent, change) appears once, dated by the earliest date it carries.
"""

from __future__ import annotations

import duckdb

from ipstrong.warehouse.connection import attach_snapshot
from ipstrong.warehouse.snapshots import Warehouse

CHANGES = ("filing", "grant", "lapse", "restoration", "transfer", "licence", "pledge", "invalidation")
EVENT_CHANGES = ("transfer", "licence", "pledge", "invalidation")
CHANGE_WORDS = {
    "filing": ("新申请", "new filing"),
    "grant": ("授权", "granted"),
    "lapse": ("失效", "lapsed"),
    "restoration": ("恢复", "restored"),
    "transfer": ("转让", "transferred"),
    "licence": ("许可", "licensed"),
    "pledge": ("质押", "pledged"),
    "invalidation": ("宣告无效", "invalidated"),
    "information": ("海外信息", "overseas information"),  # an item officers published (alerts/info.py)
}


def changes_table(con: duckdb.DuckDBPyConnection, warehouse: Warehouse, old: str, new: str) -> int:
    """Create the temporary table ``changes`` on ``con``: the patents of snapshot ``new`` (every column, as ``p``
    reads them) with ``change`` and ``change_date``, one row per change since snapshot ``old``; return how many."""
    attach_snapshot(con, warehouse, new)
    attach_snapshot(con, warehouse, old, prefix="old_")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE changes AS
        WITH found AS (
            SELECT n.app_no, 'filing' AS change, n.app_date AS d FROM patents n ANTI JOIN old_patents o USING (app_no)
            UNION ALL
            SELECT n.app_no, 'grant', n.grant_date FROM patents n LEFT JOIN old_patents o USING (app_no)
            WHERE n.grant_date IS NOT NULL AND o.grant_date IS NULL
            UNION ALL
            SELECT n.app_no, 'lapse', n.lapse_date FROM patents n JOIN old_patents o USING (app_no)
            WHERE o.legal_status = 'in_force' AND n.legal_status IN ('lapsed', 'expired')
            UNION ALL
            SELECT n.app_no, 'restoration', NULL FROM patents n JOIN old_patents o USING (app_no)
            WHERE o.legal_status IN ('lapsed', 'expired') AND n.legal_status = 'in_force'
            UNION ALL
            SELECT e.app_no, e.event_type, e.event_date FROM events e ANTI JOIN old_events o USING (event_id)
            WHERE e.event_type IN {EVENT_CHANGES}
        ),
        once AS (SELECT app_no, change, min(d) AS change_date FROM found GROUP BY 1, 2)
        SELECT p.*, once.change, once.change_date FROM once JOIN patents p USING (app_no)"""
    )
    [(counted,)] = con.execute("SELECT count(*) FROM changes").fetchall()
    return int(counted)

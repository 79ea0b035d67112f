"""``ipstrong warehouse info``: what the current snapshot holds, by city and by type and status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ipstrong.config import settings
from ipstrong.reference.regions import region_name
from ipstrong.warehouse.connection import snapshot_connection
from ipstrong.warehouse.snapshots import Warehouse


def info(data_dir: Path) -> dict[str, Any]:
    """Snapshot id, table sizes, counts by city and by patent type × legal status, source files."""
    warehouse = Warehouse(data_dir)
    current = warehouse.current_id()
    if current is None:
        return {
            "snapshot": None,
            "created_at": None,
            "totals": {},
            "by_city": [],
            "by_type_status": [],
            "sources": [],
            "data_dir": str(data_dir),
        }
    manifest = warehouse.manifest(current)
    con = snapshot_connection(data_dir)
    by_city = [
        {
            "city_code": code,
            "city_name": region_name(code) if code else "未能定位 / region unknown",
            "patents": n,
            "inventions": inv,
        }
        for code, n, inv in con.execute(
            """
            SELECT city_code, count(*), count(*) FILTER (WHERE patent_type = 'invention')
            FROM patents WHERE office = 'CN' AND (province_code = ? OR city_code IS NULL)
            GROUP BY city_code ORDER BY city_code NULLS LAST
        """,
            [settings(data_dir).home_province],
        ).fetchall()
    ]
    by_type_status = [
        {"patent_type": t, "legal_status": s, "patents": n}
        for t, s, n in con.execute("SELECT patent_type, legal_status, count(*) FROM patents GROUP BY ALL ORDER BY ALL").fetchall()
    ]
    con.close()
    return {
        "snapshot": current,
        "created_at": manifest["created_at"],
        "parent": manifest.get("parent"),
        "totals": manifest.get("totals", {}),
        "by_city": by_city,
        "by_type_status": by_type_status,
        "sources": manifest.get("sources", []),
        "data_dir": str(data_dir),
    }

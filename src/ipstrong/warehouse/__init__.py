"""The warehouse: immutable Parquet snapshots, their manifests, and connections over the current one."""

from ipstrong.warehouse.connection import ibis_connection, run_sql, snapshot_connection
from ipstrong.warehouse.snapshots import Warehouse

__all__ = ["Warehouse", "ibis_connection", "run_sql", "snapshot_connection"]

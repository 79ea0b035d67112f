"""Reading the current snapshot: DuckDB views, the as-of macros, read-only SQL with a time limit, and Ibis.

DuckDB never downloads extensions here (CONVENTIONS.md). ``run_sql`` is what a person reaches through
``ipstrong sql`` and the web: one read-only statement, file access limited to the snapshot, under a time limit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ipstrong.messages import IpsError, Msg
from ipstrong.warehouse.asof import effective_on_macro, term_end_macro
from ipstrong.warehouse.schema import TABLES, select_list
from ipstrong.warehouse.snapshots import Warehouse

DUCKDB_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
DEFAULT_TIMEOUT_S = 30.0


def new_duckdb(**extra: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that will not fetch extensions, nor draw a progress bar into output that
    programs read (``--json``)."""
    con = duckdb.connect(config={**DUCKDB_CONFIG, **extra})
    con.execute("SET enable_progress_bar = false")
    return con


@contextmanager
def time_limit(con: duckdb.DuckDBPyConnection, timeout_s: float | None) -> Iterator[None]:
    """Interrupt what ``con`` runs after ``timeout_s`` seconds and say "timed out" (no limit when None)."""
    timer = threading.Timer(timeout_s, con.interrupt) if timeout_s else None
    if timer is not None:
        timer.start()
    try:
        yield
    except duckdb.InterruptException:
        raise IpsError(Msg(f"查询超时（{timeout_s:g} 秒）", f"query timed out after {timeout_s:g} s")) from None
    finally:
        if timer is not None:
            timer.cancel()


def attach_snapshot(
    con: duckdb.DuckDBPyConnection, warehouse: Warehouse, snapshot_id: str | None = None, prefix: str = ""
) -> str:
    """Create views ``patents``, ``events``, ``patents_history`` (empty when there is no snapshot yet), each name
    with ``prefix``; the as-of macros come with the unprefixed views."""
    snapshot_id = snapshot_id or warehouse.current_id()
    for table, schema in TABLES.items():
        view = prefix + table
        source = warehouse.table_glob(table, snapshot_id) if snapshot_id else None
        if source is not None:  # a snapshot written before a table existed reads it as empty
            # parts written before a column existed read it as NULL beside newer parts (union by name)
            scan = f"read_parquet('{source}', union_by_name = true, hive_partitioning = false)"
            present = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()}
            con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT {select_list(schema, present)} FROM {scan}")
        else:
            con.register(f"_{view}_empty", schema.empty_table())
            con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM _{view}_empty")
    if not prefix:
        con.execute(term_end_macro())
    return snapshot_id or ""


def snapshot_connection(data_dir: Path, snapshot_id: str | None = None) -> duckdb.DuckDBPyConnection:
    """A connection with the snapshot's views, for the service layer."""
    con = new_duckdb()
    attach_snapshot(con, Warehouse(data_dir), snapshot_id)
    return con


def rows_for_keys(data_dir: Path, sql: str, keys: list[str]) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` over the current snapshot, its ``{keys}`` standing for one placeholder per key (the SQL
    is the caller's own, never a person's input; the keys are bound as parameters). None for no keys."""
    if not keys:
        return []
    con = snapshot_connection(data_dir)
    try:
        return con.execute(sql.format(keys=", ".join("?" * len(keys))), keys).fetchall()
    finally:
        con.close()


def lookup(data_dir: Path, table: str, key: str, column: str, keys: list[str]) -> dict[str, Any]:
    """Of ``keys``, those the current snapshot's ``table`` holds in its column ``key``, each with its ``column``
    (table and column names are the caller's own, never a person's input)."""
    return dict(rows_for_keys(data_dir, f"SELECT {key}, {column} FROM {table} WHERE {key} IN ({{keys}})", keys))


def ibis_connection(data_dir: Path, snapshot_id: str | None = None) -> Any:
    """An Ibis backend over the snapshot's tables (DuckDB); the same expressions run on other Ibis backends."""
    import ibis

    return ibis.duckdb.from_connection(snapshot_connection(data_dir, snapshot_id))


def spark_connection(data_dir: Path, snapshot_id: str | None = None) -> Any:
    """An Ibis backend on PySpark over the same snapshot files, for data that does not fit one machine; the
    indicator catalogue runs on it unchanged. The master is the ``spark_master`` setting (``local[2]`` by default,
    a cluster's URL by configuration); the snapshot must then be on storage the cluster reads."""
    import ibis

    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise IpsError(
            Msg(
                "未安装 PySpark：请安装 Spark 扩展 pip install 'ipstrong[spark]'（需要 Java 17）",
                "PySpark is not installed: install the Spark extra, pip install 'ipstrong[spark]' (needs Java 17)",
            )
        ) from None

    from ipstrong.config import settings

    warehouse = Warehouse(data_dir)
    snapshot_id = snapshot_id or warehouse.current_id()
    if snapshot_id is None:
        raise IpsError(Msg("仓库中没有数据", "the warehouse holds no data yet"))
    spark = (
        SparkSession.builder.master(settings(data_dir).spark_master)
        .appName("ipstrong")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    for table, schema in TABLES.items():
        path = warehouse.table_path(table, snapshot_id)
        if path is None or not path.exists():  # a table the snapshot predates: empty, with its columns
            spark.sql(f"SELECT {select_list(schema, set(), 'spark')} WHERE false").createOrReplaceTempView(table)
            continue
        frame = spark.read.option("mergeSchema", "true").parquet(str(path))
        frame.createOrReplaceTempView(f"{table}_file")
        present = set(frame.columns)
        spark.sql(f"SELECT {select_list(schema, present, 'spark')} FROM {table}_file").createOrReplaceTempView(table)
    return ibis.pyspark.connect(spark)


def run_sql(data_dir: Path, query: str, timeout_s: float = DEFAULT_TIMEOUT_S, limit: int | None = None) -> pa.Table:
    """Run one read-only statement against the current snapshot and return its result as Arrow (at most ``limit``
    rows when given)."""
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise IpsError(Msg(f"SQL 语法错误：{exc}", f"SQL syntax error: {exc}")) from None
    if len(statements) != 1:
        raise IpsError(Msg("一次只能执行一条 SQL 语句", "exactly one SQL statement, please"))
    if statements[0].type != duckdb.StatementType.SELECT:
        raise IpsError(Msg("只允许只读查询（SELECT / WITH …）", "only read-only queries (SELECT / WITH …) are allowed"))
    warehouse = Warehouse(data_dir)
    con = new_duckdb()
    con.execute("SET timezone = 'Asia/Shanghai'")
    snapshot_id = attach_snapshot(con, warehouse)
    # the services compute through Ibis; only a person's SQL needs the macro (compiled once per process, ~0.4 s)
    con.execute(effective_on_macro())
    if snapshot_id:
        con.execute(f"SET allowed_directories = ['{warehouse.path(snapshot_id)}/']")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    try:
        with time_limit(con, timeout_s):
            rel = con.sql(query)
            if limit is not None:
                rel = rel.limit(limit)
            return rel.to_arrow_table()
    except duckdb.Error as exc:
        raise IpsError(Msg(f"SQL 错误：{exc}", f"SQL error: {exc}")) from None
    finally:
        con.close()

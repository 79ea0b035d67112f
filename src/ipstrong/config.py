"""Where ipstrong keeps its state and how it reaches its servers.

The data directory (``--data-dir`` or ``IPSTRONG_DATA_DIR``, default ``./data``) holds the warehouse, quarantine,
the SQLite database and indexes. Everything else is a setting read by pydantic-settings from ``IPSTRONG_*``
environment variables and, below them, from ``DATA_DIR/config.toml`` (or the file named by ``IPSTRONG_CONFIG``).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

DEFAULT_DATA_DIR = Path("data")


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the data directory: the explicit value, else ``IPSTRONG_DATA_DIR``, else ``./data``."""
    chosen = explicit or os.environ.get("IPSTRONG_DATA_DIR") or DEFAULT_DATA_DIR
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


class Settings(BaseSettings):
    """Platform settings; every field can be set as ``IPSTRONG_<FIELD>`` or in the TOML file."""

    model_config = SettingsConfigDict(env_prefix="IPSTRONG_", extra="ignore")

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str | None = None  # default: SQLite file DATA_DIR/ipstrong.db
    redis_url: str | None = None  # default: the job queue on a SQLite file DATA_DIR/jobs.db
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    # the dashboard's map layer: a script that registers an ECharts map named map_name with one feature per city
    # (feature names as the region names, e.g. 南京市); default the vendored Jiangsu map. An office that needs an
    # approved map (审图号) replaces it here.
    map_file: Path | None = None
    map_name: str = "江苏"
    # where `--engine spark` runs: local mode on this machine by default, or a cluster's master URL
    spark_master: str = "local[2]"
    query_timeout_s: float = 30.0  # every query a person triggers on the web stops here and says "timed out"
    public_searches_per_minute: int = 20  # the public portal's search, per address (429 beyond it)
    document_max_mb: int = 50  # the largest file a matter accepts
    due_soon_working_days: int = 3  # the SLA board's "due soon" and the reminders look this far ahead
    body_idle_timeout_s: float = 30.0  # a request body that sends nothing for this long is refused (408)
    # the operational database: a statement or lock wait longer than this fails instead of hanging (PostgreSQL),
    # and a request that finds no free connection within pool_timeout_s is answered 503
    db_statement_timeout_s: float = 30.0
    db_lock_timeout_s: float = 10.0
    db_pool_timeout_s: float = 10.0
    # the province whose office runs the platform: its cities are the dashboard's map, the assessment's batch and
    # the default region of every figure (Jiangsu, the first user)
    home_province: str = "320000"
    # alerts (alerts/channels.py): the SMTP server e-mail goes through (none: e-mail cannot be chosen), the sender,
    # the platform's address as its links name it, and whether a webhook may point at a private or loopback address
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "ipstrong@localhost"
    public_url: str = "http://127.0.0.1:8000"
    webhooks_private_ok: bool = False

    @field_validator("home_province")
    @classmethod
    def _a_province(cls, code: str) -> str:
        from ipstrong.reference.regions import by_code

        region = by_code().get(code)
        if region is None or region.level != "province" or region.status != "current":
            raise ValueError(f"home_province 须为现行省级区划代码 / home_province is a current province code, not {code!r}")
        return code

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        explicit = os.environ.get("IPSTRONG_CONFIG")
        toml_file = Path(explicit) if explicit else _config_dir() / "config.toml"
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file)

    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under the data directory."""
        return self.database_url or f"sqlite:///{(data_dir(self.data_dir) / 'ipstrong.db').as_posix()}"


_chosen_dir: list[Path] = []  # the data directory of the running command, where its config.toml lives


def _config_dir() -> Path:
    return _chosen_dir[-1] if _chosen_dir else data_dir()


def settings(data_dir_override: str | os.PathLike[str] | None = None) -> Settings:
    """Settings for the data directory the command line chose (its ``config.toml`` included)."""
    chosen = data_dir(data_dir_override)
    _chosen_dir.append(chosen)
    try:
        return Settings(data_dir=chosen)
    finally:
        _chosen_dir.pop()

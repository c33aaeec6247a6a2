"""Deployment settings, read from the environment (and an optional ``.env``) when first asked for."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OGI_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/ogi.db",
        validation_alias=AliasChoices("DATABASE_URL", "OGI_DATABASE_URL"),
        description="SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host/db",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Field(default=Path("var"), description="local files: the scheduler's lock (SQLite), "
                                                              "calendar files of versions before 0011 (calendars "
                                                              "are in the database now)")
    timezone: str = "Asia/Shanghai"
    scheduler: bool = Field(default=False, description="start the scheduler inside the API process (OGI_SCHEDULER=1)")
    worker_threads: int = Field(default=4, ge=1, le=200,
                                description="requests one API worker runs at once (each may hold a database connection)")
    db_pre_ping: bool = Field(
        default=False,
        description="test each pooled connection before use (one more round trip per request); without it, "
                    "a request that meets a connection the database dropped (a restart) gets 503 and the "
                    "pool is renewed (OGI_DB_PRE_PING=1)")
    idle_timeout_minutes: int = Field(
        default=30, ge=1, le=24 * 60,
        description="a workbench session unused this long must log in again (OGI_IDLE_TIMEOUT_MINUTES)")
    cookie_secure: bool = Field(
        default=False,
        description="mark the session cookie Secure (OGI_COOKIE_SECURE=1; set it behind a TLS proxy). Without it "
                    "the cookie is still Secure when the request itself arrived over https")
    trusted_origins: list[str] = Field(
        default_factory=list,
        description="origins besides the request's own accepted on cookie-authenticated writes, as JSON: "
                    '["https://ogi.example.gov.cn"] (OGI_TRUSTED_ORIGINS; for a proxy that rewrites Host)')
    public_url: str = Field(default="", description="the portal's address as applicants reach it, e.g. https://ogi.example.gov.cn "
                                              "(OGI_PUBLIC_URL): printed with a QR code on letters for verification")
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_from: str = "ogi@localhost"
    report_rows: dict[str, str] = Field(
        default_factory=dict,
        description="[configurable] table 三 rows for not_our_agency / special_procedure, e.g. "
                    '{"not_our_agency": "3.4.1"} (OGI_REPORT_ROWS as JSON)')
    letter_template_dir: Path | None = Field(default=None, description="agency template overrides: <dir>/<agency code>/")
    letter_font_dir: Path | None = Field(default=None, description="font files (.ttf/.otf) letters may use: the "
                                         "licensed 公文 fonts an agency installs, e.g. 方正小标宋简体 and 仿宋_GB2312")
    blob_store: Literal["local", "s3"] = Field(
        default="local", description="where document contents are kept: local (a directory, OGI_BLOB_DIR) or s3 "
                                     "(an S3-compatible object store, OGI_S3_*; credentials from the AWS_* variables)")
    blob_dir: Path | None = Field(default=None, description="the local blob directory (default <OGI_DATA_DIR>/blobs)")
    s3_endpoint: str = Field(default="", description="S3-compatible endpoint URL, e.g. https://minio.example:9000 "
                                                     "(empty: AWS itself)")
    s3_bucket: str = ""
    s3_prefix: str = Field(default="blobs/", description="key prefix of the blobs inside the bucket")
    s3_region: str = Field(default="", description="region (empty: AWS_DEFAULT_REGION or the library's default)")
    clamd: str = Field(default="", description="ClamAV clamd to scan uploads: tcp://host:3310 or unix:///run/clamav/"
                                               "clamd.ctl (empty: no scan)")
    clamd_timeout: float = Field(default=60.0, gt=0, description="seconds to wait for clamd's verdict")

    @field_validator("report_rows")
    @classmethod
    def _rows(cls, value: dict[str, str]) -> dict[str, str]:
        from .outcomes import check_row_overrides

        return check_row_overrides(value)

    @property
    def legacy_calendar_dir(self) -> Path:
        """Where versions before the database held the calendars kept imported years (read once by
        ``ogi db upgrade`` / ``ogi calendar migrate-files``, never written)."""
        return self.data_dir / "calendars"

    @property
    def local_blob_dir(self) -> Path:
        return self.blob_dir or self.data_dir / "blobs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

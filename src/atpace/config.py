"""Settings from ATPACE_* environment variables (pydantic-settings)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_PREFIX = "dev-"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ATPACE_", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path(".atpace")
    database_url: str | None = None
    secret_key: str = Field(default_factory=lambda: DEV_SECRET_PREFIX + secrets.token_urlsafe(32))
    # Cookies carry the Secure flag unless explicitly turned off (the demo on http://127.0.0.1 does).
    cookie_secure: bool = True
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_failures_per_minute: int = Field(default=5, ge=1, le=1000)  # per account, from any client
    # per client address: several classes behind one school router sign in at once
    login_attempts_per_minute_per_client: int = Field(default=200, ge=1, le=100_000)
    # proxies whose X-Forwarded-For is believed (comma-separated addresses or networks); none by default,
    # so a client cannot pose as another address by sending the header itself
    trusted_proxies: str = ""
    files_dir: Path | None = None  # uploaded files; default: $ATPACE_DATA_DIR/files
    # Background jobs in the web process (SQLite only; PostgreSQL has `atpace worker`): None runs them
    # unless the environment is "test" (tests start a runner where they need one).
    jobs_in_process: bool | None = None
    # days between a second administrator's confirmation and a student's erasure (docs/privacy.md)
    erasure_grace_days: int = Field(default=14, ge=0, le=365)

    @model_validator(mode="after")
    def _refuse_dev_secret_in_production(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key.startswith(DEV_SECRET_PREFIX) or len(self.secret_key) < 32
        ):
            raise ValueError(
                "ATPACE_SECRET_KEY must be set to a random string of 32+ characters in production"
            )
        return self

    def resolved_files_dir(self) -> Path:
        return self.files_dir if self.files_dir is not None else self.data_dir / "files"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'atpace.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

"""Entry point for uvicorn workers: each worker builds the app from ATPACE_* settings."""

from __future__ import annotations

from fastapi import FastAPI

from atpace.config import Settings
from atpace.web.app import create_app


def app_from_environment() -> FastAPI:
    return create_app(Settings())

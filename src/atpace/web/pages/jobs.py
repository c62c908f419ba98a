"""Pages: background jobs for administrators."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()

"""JSON API: the xAPI outbox's state for administrators."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()

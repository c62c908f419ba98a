"""Pages: exports of attempts, mastery and grades."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()

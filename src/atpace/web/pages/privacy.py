"""Pages: a student's data: export and erasure."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()

"""Tables of background jobs (migration 0014)."""

from __future__ import annotations

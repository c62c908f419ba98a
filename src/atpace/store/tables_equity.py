"""Tables of equity (migration 0019)."""

from __future__ import annotations

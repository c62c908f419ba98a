"""Tables of LTI 1.3 (migration 0018)."""

from __future__ import annotations

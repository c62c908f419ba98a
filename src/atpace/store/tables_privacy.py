"""Tables of privacy (migration 0017)."""

from __future__ import annotations

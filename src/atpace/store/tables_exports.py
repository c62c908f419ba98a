"""Tables of exports of attempts, mastery and grades, with their progress (migration 0016)."""

from __future__ import annotations

"""Tables of xAPI statements waiting in the outbox for the Learning Record Store (migration 0015)."""

from __future__ import annotations

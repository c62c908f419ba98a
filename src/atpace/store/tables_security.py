"""Counters shared by every worker and machine of an installation (the sign-in throttle)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from atpace.store.tables import Base


class RateCounter(Base):
    """Attempts under one key (``account:<e-mail>``, ``client:<address>``) in one minute."""

    __tablename__ = "rate_counters"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    minute: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)  # Unix time // 60
    count: Mapped[int] = mapped_column(Integer, default=0)

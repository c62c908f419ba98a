"""Bounds every route puts on its inputs: ids the database can hold and text it can store.

An id above the largest BIGINT, or a NUL character (which PostgreSQL refuses in text), would otherwise
reach the database and fail there as a 500; here they are a 422 naming the field.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator

from atpace.services.limits import MAX_ID

__all__ = ["MAX_ID", "PathId", "Text", "no_nul"]


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = AfterValidator(no_nul)
"""Metadata for ``Annotated[str, Form(...), Text]`` and other text inputs."""

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]

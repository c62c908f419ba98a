"""LTI 1.3 tool endpoints (OIDC login, launch, deep linking, JWKS, dynamic registration): outside /api,
as the LMS calls them."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)

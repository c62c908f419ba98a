"""The tool's signing keys: RSA 2048, stored in the database, one active at a time.

Rotation makes a new key the signing key and retires the previous one; a retired key stays in the JWKS for
``RETIRED_KEPT`` so that a platform that cached the key set still verifies what was signed just before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.store.tables import utcnow
from atpace.store.tables_lti import LtiToolKey

RETIRED_KEPT = timedelta(days=7)
KEY_BITS = 2048


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: str
    public_pem: str


def _new_key() -> LtiToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    kid = str(JWK.from_pem(public_pem.encode()).thumbprint())  # the kid pylti1p3 puts in the JWT header
    return LtiToolKey(kid=kid, private_pem=private_pem, public_pem=public_pem, created_at=utcnow())


def _active(session: Session) -> LtiToolKey | None:
    return session.scalar(
        select(LtiToolKey).where(LtiToolKey.retired_at.is_(None)).order_by(LtiToolKey.id.desc()).limit(1)
    )


def signing_key(session: Session) -> SigningKey:
    """The key the tool signs with now (created on first use)."""
    key = _active(session)
    if key is None:
        key = _new_key()
        session.add(key)
        session.flush()
    return SigningKey(key.kid, key.private_pem, key.public_pem)


def rotate(session: Session) -> SigningKey:
    """A new signing key; the previous one is retired (still published for ``RETIRED_KEPT``)."""
    now = utcnow()
    for old in session.scalars(select(LtiToolKey).where(LtiToolKey.retired_at.is_(None))):
        old.retired_at = now
    key = _new_key()
    session.add(key)
    session.flush()
    return SigningKey(key.kid, key.private_pem, key.public_pem)


def public_jwk(public_pem: str, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(JWK.from_pem(public_pem.encode()).export_public())
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return jwk


@dataclass(frozen=True)
class KeyRow:
    kid: str
    created_at: datetime
    retired_at: datetime | None
    published: bool


def key_rows(session: Session, now: datetime | None = None) -> list[KeyRow]:
    moment = now or utcnow()
    rows = session.scalars(select(LtiToolKey).order_by(LtiToolKey.id.desc()))
    return [
        KeyRow(
            k.kid, k.created_at, k.retired_at, k.retired_at is None or k.retired_at + RETIRED_KEPT > moment
        )
        for k in rows
    ]


def jwks(session: Session, now: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    """The public keys a platform verifies the tool's signatures with: the active key and the recently
    retired ones."""
    moment = now or utcnow()
    keys = session.scalars(
        select(LtiToolKey)
        .where((LtiToolKey.retired_at.is_(None)) | (LtiToolKey.retired_at > moment - RETIRED_KEPT))
        .order_by(LtiToolKey.id.desc())
    )
    return {"keys": [public_jwk(k.public_pem, k.kid) for k in keys]}


def rotate_by(session: Session, actor: Any) -> SigningKey:
    """An administrator rotates the tool's key (installation-wide: every school's LMS sees the new key)."""
    from atpace.services import audit
    from atpace.services.school.common import require_admin

    require_admin(actor)
    key = rotate(session)
    audit.record(
        session, school_id=actor.school_id, actor_id=actor.user_id, action="lti.key_rotated",
        detail={"kid": key.kid},
    )  # fmt: skip
    return key

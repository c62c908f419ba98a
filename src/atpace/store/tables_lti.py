"""Tables of LTI 1.3 (migration 0018): the platforms (LMSs) a school registered, the tool's own signing keys,
and what launches link: LMS users to accounts, LMS courses (contexts) to classes, resource links, line items
and the grades waiting to be sent (an outbox, docs/lti.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from atpace.store.tables import Base, BigId, utcnow

URL_MAX = 1000
ID_MAX = 255  # issuer, client_id, sub, context and resource link ids (the spec allows 255 characters)
NAME_MAX = 200


class LtiPlatform(Base):
    """One registration of atpace in an LMS, owned by a school: who signs the launches and where to ask."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId, ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    issuer: Mapped[str] = mapped_column(String(ID_MAX))
    client_id: Mapped[str] = mapped_column(String(ID_MAX))
    auth_login_url: Mapped[str] = mapped_column(String(URL_MAX))
    auth_token_url: Mapped[str] = mapped_column(String(URL_MAX))
    auth_audience: Mapped[str] = mapped_column(String(URL_MAX), default="")  # "" : the token URL
    key_set_url: Mapped[str] = mapped_column(String(URL_MAX))
    deployment_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiToolKey(Base):
    """An RSA key the tool signs with (service tokens, deep linking responses). The newest active key signs;
    a retired key stays in the JWKS until ``retired_at`` + the grace period, so that a platform that cached
    the old key set still verifies what was signed just before a rotation."""

    __tablename__ = "lti_tool_keys"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)


class LtiUserLink(Base):
    """An LMS user (the platform's ``sub``) is this account."""

    __tablename__ = "lti_user_links"
    __table_args__ = (UniqueConstraint("platform_id", "sub", name="uq_lti_user_links_platform_sub"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform_id: Mapped[int] = mapped_column(BigId, ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    sub: Mapped[str] = mapped_column(String(ID_MAX))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiContext(Base):
    """An LMS course (a context of one deployment) and the class it is."""

    __tablename__ = "lti_contexts"
    __table_args__ = (
        UniqueConstraint(
            "platform_id", "deployment_id", "context_id", name="uq_lti_contexts_platform_deployment_context"
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform_id: Mapped[int] = mapped_column(BigId, ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(ID_MAX))
    context_id: Mapped[str] = mapped_column(String(ID_MAX))
    title: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    class_id: Mapped[int] = mapped_column(BigId, ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    memberships_url: Mapped[str] = mapped_column(String(URL_MAX), default="")  # NRPS, from the last launch
    lineitems_url: Mapped[str] = mapped_column(String(URL_MAX), default="")  # AGS, from the last launch
    ags_scopes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    roster_synced_at: Mapped[datetime | None] = mapped_column(default=None)


class LtiResourceLink(Base):
    """A placement of atpace in an LMS course, and what it opens (a skill, an assignment, a reading)."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (
        UniqueConstraint("context_pk", "resource_link_id", name="uq_lti_resource_links_context_link"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    context_pk: Mapped[int] = mapped_column(BigId, ForeignKey("lti_contexts.id", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(String(ID_MAX))
    title: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    target_kind: Mapped[str] = mapped_column(String(16), default="")  # "skill", "assignment", "reading", ""
    target_id: Mapped[int | None] = mapped_column(BigId, default=None)
    lineitem_url: Mapped[str] = mapped_column(String(URL_MAX), default="")


class LtiLineItem(Base):
    """A gradebook column of an LMS course that atpace fills: a skill's mastery or an assignment's rubric
    score."""

    __tablename__ = "lti_line_items"
    __table_args__ = (
        UniqueConstraint("context_pk", "target_kind", "target_id", name="uq_lti_line_items_context_target"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    context_pk: Mapped[int] = mapped_column(BigId, ForeignKey("lti_contexts.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(16))  # "skill" or "assignment"
    target_id: Mapped[int] = mapped_column(BigId)
    label: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    score_maximum: Mapped[float] = mapped_column(Float, default=100.0)
    lineitem_url: Mapped[str] = mapped_column(String(URL_MAX), default="")  # "" : not created in the LMS yet


class LtiScore(Base):
    """The latest score of a student in a line item, and whether the LMS has it (the outbox): a change
    clears ``sent_at`` and the sender sends it again; a failure counts ``tries`` and keeps the error."""

    __tablename__ = "lti_scores"
    __table_args__ = (
        UniqueConstraint("line_item_pk", "user_id", name="uq_lti_scores_line_item_user"),
        Index("ix_lti_scores_unsent", "sent_at", "next_try_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    line_item_pk: Mapped[int] = mapped_column(BigId, ForeignKey("lti_line_items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score_given: Mapped[float] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(String(500), default="")


class LtiNonce(Base):
    """A launch's nonce, once used: the same id_token (or another with its nonce) is refused."""

    __tablename__ = "lti_nonces"
    nonce: Mapped[str] = mapped_column(String(ID_MAX), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LtiLaunchData(Base):
    """pylti1p3's launch storage (OIDC state and nonce between login and launch, a launch kept for deep
    linking): a key, a JSON value and when it expires."""

    __tablename__ = "lti_launch_data"
    key: Mapped[str] = mapped_column(String(ID_MAX), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(index=True)

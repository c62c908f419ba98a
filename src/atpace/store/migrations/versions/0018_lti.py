"""LTI 1.3: platforms, deployments, tool keys, linked users, contexts and line items

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)
URL = sa.String(length=1000)
LTI_ID = sa.String(length=255)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "lti_platforms",
        sa.Column("id", ID, nullable=False),
        sa.Column("school_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("issuer", LTI_ID, nullable=False),
        sa.Column("client_id", LTI_ID, nullable=False),
        sa.Column("auth_login_url", URL, nullable=False),
        sa.Column("auth_token_url", URL, nullable=False),
        sa.Column("auth_audience", URL, nullable=False),
        sa.Column("key_set_url", URL, nullable=False),
        sa.Column("deployment_ids", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _fk("lti_platforms", "school_id", "schools"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_platforms")),
        sa.UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),
    )
    op.create_index("ix_lti_platforms_school_id", "lti_platforms", ["school_id"])
    op.create_table(
        "lti_tool_keys",
        sa.Column("id", ID, nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("retired_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_tool_keys")),
        sa.UniqueConstraint("kid", name=op.f("uq_lti_tool_keys_kid")),
    )
    op.create_table(
        "lti_user_links",
        sa.Column("id", ID, nullable=False),
        sa.Column("platform_id", ID, nullable=False),
        sa.Column("sub", LTI_ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _fk("lti_user_links", "platform_id", "lti_platforms"),
        _fk("lti_user_links", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_user_links")),
        sa.UniqueConstraint("platform_id", "sub", name="uq_lti_user_links_platform_sub"),
    )
    op.create_index("ix_lti_user_links_user_id", "lti_user_links", ["user_id"])
    op.create_table(
        "lti_contexts",
        sa.Column("id", ID, nullable=False),
        sa.Column("platform_id", ID, nullable=False),
        sa.Column("deployment_id", LTI_ID, nullable=False),
        sa.Column("context_id", LTI_ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("class_id", ID, nullable=False),
        sa.Column("memberships_url", URL, nullable=False),
        sa.Column("lineitems_url", URL, nullable=False),
        sa.Column("ags_scopes", sa.JSON(), nullable=False),
        sa.Column("roster_synced_at", WHEN, nullable=True),
        _fk("lti_contexts", "platform_id", "lti_platforms"),
        _fk("lti_contexts", "class_id", "classes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_contexts")),
        sa.UniqueConstraint(
            "platform_id", "deployment_id", "context_id", name="uq_lti_contexts_platform_deployment_context"
        ),
    )
    op.create_index("ix_lti_contexts_class_id", "lti_contexts", ["class_id"])
    op.create_table(
        "lti_resource_links",
        sa.Column("id", ID, nullable=False),
        sa.Column("context_pk", ID, nullable=False),
        sa.Column("resource_link_id", LTI_ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", ID, nullable=True),
        sa.Column("lineitem_url", URL, nullable=False),
        _fk("lti_resource_links", "context_pk", "lti_contexts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_resource_links")),
        sa.UniqueConstraint("context_pk", "resource_link_id", name="uq_lti_resource_links_context_link"),
    )
    op.create_table(
        "lti_line_items",
        sa.Column("id", ID, nullable=False),
        sa.Column("context_pk", ID, nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", ID, nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("lineitem_url", URL, nullable=False),
        _fk("lti_line_items", "context_pk", "lti_contexts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_line_items")),
        sa.UniqueConstraint(
            "context_pk", "target_kind", "target_id", name="uq_lti_line_items_context_target"
        ),
    )
    op.create_table(
        "lti_scores",
        sa.Column("id", ID, nullable=False),
        sa.Column("line_item_pk", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("score_given", sa.Float(), nullable=False),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("changed_at", WHEN, nullable=False),
        sa.Column("sent_at", WHEN, nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", WHEN, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        _fk("lti_scores", "line_item_pk", "lti_line_items"),
        _fk("lti_scores", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_scores")),
        sa.UniqueConstraint("line_item_pk", "user_id", name="uq_lti_scores_line_item_user"),
    )
    op.create_index("ix_lti_scores_unsent", "lti_scores", ["sent_at", "next_try_at"])
    op.create_index("ix_lti_scores_user_id", "lti_scores", ["user_id"])
    op.create_table(
        "lti_nonces",
        sa.Column("nonce", LTI_ID, nullable=False),
        sa.Column("used_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_lti_nonces")),
    )
    op.create_index("ix_lti_nonces_expires_at", "lti_nonces", ["expires_at"])
    op.create_table(
        "lti_launch_data",
        sa.Column("key", LTI_ID, nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_lti_launch_data")),
    )
    op.create_index("ix_lti_launch_data_expires_at", "lti_launch_data", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_lti_launch_data_expires_at", table_name="lti_launch_data")
    op.drop_table("lti_launch_data")
    op.drop_index("ix_lti_nonces_expires_at", table_name="lti_nonces")
    op.drop_table("lti_nonces")
    op.drop_index("ix_lti_scores_user_id", table_name="lti_scores")
    op.drop_index("ix_lti_scores_unsent", table_name="lti_scores")
    op.drop_table("lti_scores")
    op.drop_table("lti_line_items")
    op.drop_table("lti_resource_links")
    op.drop_index("ix_lti_contexts_class_id", table_name="lti_contexts")
    op.drop_table("lti_contexts")
    op.drop_index("ix_lti_user_links_user_id", table_name="lti_user_links")
    op.drop_table("lti_user_links")
    op.drop_table("lti_tool_keys")
    op.drop_index("ix_lti_platforms_school_id", table_name="lti_platforms")
    op.drop_table("lti_platforms")

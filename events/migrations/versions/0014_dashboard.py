"""dashboard: one-time sign-in links, sessions, and Mini App initData already used

Revision ID: 0014
Revises: 0015 (main took 0015 first; the lead re-chains the numbers at merge)
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_sign_in_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_dashboard_sign_in_links")),
    )
    op.create_index(
        op.f("ix_dashboard_sign_in_links_expires_at"),
        "dashboard_sign_in_links",
        ["expires_at"],
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("csrf_secret", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_dashboard_sessions")),
    )
    op.create_index(
        op.f("ix_dashboard_sessions_telegram_user_id"), "dashboard_sessions", ["telegram_user_id"]
    )
    op.create_index(
        op.f("ix_dashboard_sessions_expires_at"), "dashboard_sessions", ["expires_at"]
    )
    op.create_table(
        "dashboard_used_init_data",
        sa.Column("data_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("data_hash", name=op.f("pk_dashboard_used_init_data")),
    )
    op.create_index(
        op.f("ix_dashboard_used_init_data_expires_at"),
        "dashboard_used_init_data",
        ["expires_at"],
    )
    # The event page filters and searches registrations of one event by these.
    op.create_index(
        "ix_registrations_event_country", "registrations", ["event_id", "country"]
    )


def downgrade() -> None:
    op.drop_index("ix_registrations_event_country", table_name="registrations")
    op.drop_table("dashboard_used_init_data")
    op.drop_table("dashboard_sessions")
    op.drop_table("dashboard_sign_in_links")

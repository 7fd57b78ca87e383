"""sender shares

Every process that sends for a bot holds a row here while it runs, so that the processes
on one database split Telegram's per-bot limit between them (see
``events.outbox.shares``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sender_shares",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "holder", name=op.f("pk_sender_shares")),
    )


def downgrade() -> None:
    op.drop_table("sender_shares")

"""selection targets, private reviews and proposals

An application-mode event stores its selection targets; each registration an
organiser's private score and note; proposals are kept with what re-runs them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("selection_targets", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_score", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("review_note", sa.Text(), nullable=False, server_default="")
        )
    op.create_table(
        "selection_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("algorithm", sa.String(length=40), nullable=False),
        sa.Column("input_digest", sa.String(length=64), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("selected", sa.JSON(), nullable=False),
        sa.Column("waitlist", sa.JSON(), nullable=False),
        sa.Column("not_selected", sa.JSON(), nullable=False),
        sa.Column("adjustments", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_selection_proposals_event_id_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_proposals")),
    )
    op.create_index(
        op.f("ix_selection_proposals_event_id"), "selection_proposals", ["event_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_selection_proposals_event_id"), table_name="selection_proposals")
    op.drop_table("selection_proposals")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("review_note")
        batch_op.drop_column("review_score")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("selection_targets")

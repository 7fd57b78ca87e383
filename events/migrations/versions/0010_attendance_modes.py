"""attendance modes: in person, online or hybrid events, and private join links

An event says how it is attended, has a second set of seats for the online part of a
hybrid event and a private join link; a registration says which part it is for and
carries the secret of its join redirect.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "attendance_mode", sa.String(length=16), nullable=False, server_default="in_person"
            )
        )
        batch_op.add_column(sa.Column("online_capacity", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("online_country_quotas", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.add_column(
            sa.Column("online_gender_quotas", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.add_column(sa.Column("join_url", sa.String(length=500), nullable=True))
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "participation", sa.String(length=16), nullable=False, server_default="in_person"
            )
        )
        batch_op.add_column(sa.Column("join_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_registrations_join_token"), ["join_token"]
        )


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_registrations_join_token"), type_="unique")
        batch_op.drop_column("join_token")
        batch_op.drop_column("participation")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("join_url")
        batch_op.drop_column("online_gender_quotas")
        batch_op.drop_column("online_country_quotas")
        batch_op.drop_column("online_capacity")
        batch_op.drop_column("attendance_mode")

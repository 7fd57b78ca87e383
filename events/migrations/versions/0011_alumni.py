"""alumni: memberships of editions, directory profiles, contact requests, blocks, reports

Attendees become alumni of an edition when it completes, organisers import past ones;
profiles are opt-in per field; contacts are exchanged only on a double opt-in.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alumni_blocks",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocked_id"],
            ["participants.id"],
            name=op.f("fk_alumni_blocks_blocked_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"],
            ["participants.id"],
            name=op.f("fk_alumni_blocks_blocker_id_participants"),
        ),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name=op.f("pk_alumni_blocks")),
    )
    op.create_table(
        "alumni_connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requester_username", sa.String(length=32), nullable=True),
        sa.Column("target_username", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["participants.id"],
            name=op.f("fk_alumni_connections_requester_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["participants.id"],
            name=op.f("fk_alumni_connections_target_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alumni_connections")),
        sa.UniqueConstraint("requester_id", "target_id", name="uq_alumni_connections_pair"),
    )
    with op.batch_alter_table("alumni_connections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_alumni_connections_requester_created", ["requester_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_alumni_connections_target_id"), ["target_id"], unique=False
        )

    op.create_table(
        "alumni_profiles",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("city", sa.String(length=60), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("languages", sa.String(length=200), nullable=False),
        sa.Column("interests", sa.String(length=300), nullable=False),
        sa.Column("tags", sa.String(length=300), nullable=False),
        sa.Column("name_seen", sa.Integer(), nullable=False),
        sa.Column("bio_seen", sa.Integer(), nullable=False),
        sa.Column("city_seen", sa.Integer(), nullable=False),
        sa.Column("country_seen", sa.Integer(), nullable=False),
        sa.Column("languages_seen", sa.Integer(), nullable=False),
        sa.Column("interests_seen", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_alumni_profiles_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("participant_id", name=op.f("pk_alumni_profiles")),
    )
    op.create_table(
        "alumni_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reported_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["alumni_connections.id"],
            name=op.f("fk_alumni_reports_connection_id_alumni_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_alumni_reports_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_id"],
            ["participants.id"],
            name=op.f("fk_alumni_reports_reported_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["participants.id"],
            name=op.f("fk_alumni_reports_reporter_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alumni_reports")),
    )
    with op.batch_alter_table("alumni_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alumni_reports_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "alumni",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("telegram_username", sa.String(length=32), nullable=True),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_alumni_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_alumni_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_alumni_programme_id_programmes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alumni")),
        sa.UniqueConstraint("event_id", "participant_id", name="uq_alumni_event_participant"),
    )
    with op.batch_alter_table("alumni", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alumni_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            "ix_alumni_participant_programme", ["participant_id", "programme_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_alumni_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_alumni_telegram_user_id"), ["telegram_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_alumni_telegram_username"), ["telegram_username"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("alumni", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alumni_telegram_username"))
        batch_op.drop_index(batch_op.f("ix_alumni_telegram_user_id"))
        batch_op.drop_index(batch_op.f("ix_alumni_programme_id"))
        batch_op.drop_index("ix_alumni_participant_programme")
        batch_op.drop_index(batch_op.f("ix_alumni_event_id"))

    op.drop_table("alumni")
    with op.batch_alter_table("alumni_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alumni_reports_programme_id"))

    op.drop_table("alumni_reports")
    op.drop_table("alumni_profiles")
    with op.batch_alter_table("alumni_connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alumni_connections_target_id"))
        batch_op.drop_index("ix_alumni_connections_requester_created")

    op.drop_table("alumni_connections")
    op.drop_table("alumni_blocks")

"""feedback surveys: settings per event, who was asked, what was answered (apart)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_feedback_answers_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_feedback_answers_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_answers")),
    )
    with op.batch_alter_table("feedback_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_answers_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_answers_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "feedback_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("skipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_feedback_invitations_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_feedback_invitations_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_invitations")),
        sa.UniqueConstraint("event_id", "participant_id", name="uq_feedback_invitations_pair"),
    )
    with op.batch_alter_table("feedback_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_invitations_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_invitations_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "feedback_surveys",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("question_keys", sa.JSON(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_feedback_surveys_event_id_events")
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_feedback_surveys")),
    )


def downgrade() -> None:
    op.drop_table("feedback_surveys")
    with op.batch_alter_table("feedback_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_invitations_participant_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_invitations_event_id"))

    op.drop_table("feedback_invitations")
    with op.batch_alter_table("feedback_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_answers_participant_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_answers_event_id"))

    op.drop_table("feedback_answers")

"""selection per part: a hybrid event's online part has targets and proposals of its own

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("online_selection_targets", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("selection_proposals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "participation", sa.String(length=16), nullable=False, server_default="in_person"
            )
        )
    # Proposals made before were for the event's only part, which is the stream for an
    # event online only (a hybrid event could not have one).
    op.execute(
        "UPDATE selection_proposals SET participation = 'online' WHERE event_id IN "
        "(SELECT id FROM events WHERE attendance_mode = 'online')"
    )


def downgrade() -> None:
    with op.batch_alter_table("selection_proposals", schema=None) as batch_op:
        batch_op.drop_column("participation")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("online_selection_targets")

"""calendar feeds and recurring series

Adds the stored iCalendar UID and calendar revision of every event, the personal feed
token of participants, and recurring series whose occurrences are events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('default_language', sa.String(length=8), nullable=False),
    sa.Column('rrule', sa.String(length=500), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('exceptions', sa.JSON(), nullable=False),
    sa.Column('template', sa.JSON(), nullable=False),
    sa.Column('horizon_months', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('materialised_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_series_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('slug', name=op.f('uq_series_slug'))
    )
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_programme_id'), ['programme_id'], unique=False)

    # New columns start nullable, existing events get their UID and revision, then the
    # columns become required (SQLite does it by copying the table: batch mode).
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_uid', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('calendar_revised_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('occurrence_on', sa.Date(), nullable=True))

    events = sa.table(
        'events',
        sa.column('id', sa.Integer()),
        sa.column('calendar_uid', sa.String()),
        sa.column('calendar_revised_at', sa.DateTime(timezone=True)),
        sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    connection.execute(events.update().values(calendar_revised_at=events.c.updated_at))
    for (event_id,) in connection.execute(sa.select(events.c.id)).all():
        connection.execute(
            events.update().where(events.c.id == event_id).values(calendar_uid=str(uuid.uuid4()))
        )

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('calendar_uid', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('calendar_revised_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f('ix_events_series_id'), ['series_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_events_calendar_uid'), ['calendar_uid'])
        batch_op.create_unique_constraint('uq_events_series_occurrence', ['series_id', 'occurrence_on'])
        batch_op.create_foreign_key(batch_op.f('fk_events_series_id_series'), 'series', ['series_id'], ['id'])

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_participants_calendar_token'), ['calendar_token'])


def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_participants_calendar_token'), type_='unique')
        batch_op.drop_column('calendar_token')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_events_series_id_series'), type_='foreignkey')
        batch_op.drop_constraint('uq_events_series_occurrence', type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_events_calendar_uid'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_events_series_id'))
        batch_op.drop_column('occurrence_on')
        batch_op.drop_column('series_id')
        batch_op.drop_column('calendar_revised_at')
        batch_op.drop_column('calendar_uid')

    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_programme_id'))

    op.drop_table('series')

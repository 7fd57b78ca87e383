"""events.venue and events.city translated like titles

A venue and a city become a JSON object of language code → text. Each existing text
is kept as the text in the event's default language (an empty venue becomes no text);
a series' template, which holds the same fields for its future occurrences, is
converted alike. Downgrading keeps the default language's text (else any).

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-10
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer()),
    sa.column("default_language", sa.String()),
    sa.column("venue", sa.String()),
    sa.column("city", sa.String()),
    sa.column("venue_texts", sa.JSON()),
    sa.column("city_texts", sa.JSON()),
)
_SERIES = sa.table(
    "series",
    sa.column("id", sa.Integer()),
    sa.column("default_language", sa.String()),
    sa.column("template", sa.JSON()),
)


def _as_texts(text: Any, language: str) -> dict[str, str]:
    if isinstance(text, dict):  # already converted (a template written since)
        return {str(key): str(value) for key, value in text.items() if value}
    return {language: str(text)} if text else {}


def _as_text(texts: Any, language: str) -> str:
    if not isinstance(texts, dict):
        return str(texts or "")
    return str(texts.get(language) or next((text for text in texts.values() if text), ""))


def _convert_templates(convert: Callable[[Any, str], Any]) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_SERIES.c.id, _SERIES.c.default_language, _SERIES.c.template)
    ).all()
    for series_id, language, template in rows:
        changed = dict(template)
        for name in ("venue", "city"):
            if name in changed:
                changed[name] = convert(changed[name], language)
        connection.execute(
            _SERIES.update().where(_SERIES.c.id == series_id).values(template=changed)
        )


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("venue_texts", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("city_texts", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_EVENTS.c.id, _EVENTS.c.default_language, _EVENTS.c.venue, _EVENTS.c.city)
    ).all()
    for event_id, language, venue, city in rows:
        connection.execute(
            _EVENTS.update()
            .where(_EVENTS.c.id == event_id)
            .values(venue_texts=_as_texts(venue, language), city_texts=_as_texts(city, language))
        )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("venue")
        batch_op.drop_column("city")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.alter_column(
            "venue_texts", new_column_name="venue", existing_type=sa.JSON(), nullable=False
        )
        batch_op.alter_column(
            "city_texts", new_column_name="city", existing_type=sa.JSON(), nullable=False
        )
    _convert_templates(_as_texts)


def downgrade() -> None:
    _convert_templates(_as_text)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.alter_column("venue", new_column_name="venue_texts", existing_type=sa.JSON())
        batch_op.alter_column("city", new_column_name="city_texts", existing_type=sa.JSON())
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("venue", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("city", sa.String(length=100), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            _EVENTS.c.id, _EVENTS.c.default_language, _EVENTS.c.venue_texts, _EVENTS.c.city_texts
        )
    ).all()
    for event_id, language, venue, city in rows:
        connection.execute(
            _EVENTS.update()
            .where(_EVENTS.c.id == event_id)
            .values(venue=_as_text(venue, language)[:200], city=_as_text(city, language)[:100])
        )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("venue_texts")
        batch_op.drop_column("city_texts")
        batch_op.alter_column("venue", existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column("city", existing_type=sa.String(length=100), nullable=False)

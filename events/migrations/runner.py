"""Apply or revert the schema migrations programmatically (no alembic.ini needed)."""

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from events.store import normalise_url

_HERE = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.set_main_option(
        "sqlalchemy.url", normalise_url(database_url).render_as_string(hide_password=False)
    )
    return config


async def upgrade(database_url: str, revision: str = "head") -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), revision)


async def downgrade(database_url: str, revision: str = "base") -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), revision)

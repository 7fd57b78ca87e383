"""``redbridge serve``: migrations, then the API, the bot and the scheduler in one process."""

import logging

import uvicorn

from api.app import create_app
from events.migrations.runner import upgrade
from events.store import create_engine, create_sessionmaker
from redbridge.settings import Settings
from scheduler.clockwork import start_scheduler

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    app = create_app(settings, sessionmaker)
    if settings.bot_token is None:
        log.info("REDBRIDGE_BOT_TOKEN is not set: the Telegram bot is off, the API runs.")
    scheduler = start_scheduler(sessionmaker)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_level=settings.log_level.lower()
    )
    try:
        await uvicorn.Server(config).serve()
    finally:
        scheduler.shutdown(wait=False)
        await engine.dispose()

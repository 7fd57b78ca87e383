"""``redbridge serve``: migrations, then the API, the bot and the scheduler in one process."""

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading
from collections.abc import Generator
from contextlib import AsyncExitStack
from datetime import timedelta
from types import FrameType
from urllib.parse import urlsplit

import uvicorn
from aiogram import Bot, Dispatcher
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from uvicorn.server import HANDLED_SIGNALS

from api.access_log import redact_access_log
from api.app import create_app
from api.routes.telegram import WEBHOOK_PATH
from bot.arrivals import Arrivals
from bot.notices import notice_renderer
from bot.runtime import announce_commands, create_bot, create_dispatcher
from bot.services import BotServices
from bot.webhook import WebhookReceiver, webhook_secret
from events.clock import Clock, system_clock
from events.feeds.render import Links
from events.migrations.runner import upgrade
from events.store import OutboxBell, create_engine, create_sessionmaker
from locales.translator import Catalogues
from redbridge.ports import check_port
from redbridge.settings import Settings
from scheduler.clockwork import start_scheduler
from scheduler.dispatcher import DispatchSettings, OutboxDispatcher
from scheduler.shares import ShareKeeper
from sending.budget import SendBudget
from sending.pacing import Pacer
from web.app import install_dashboard
from web.config import DashboardConfig

log = logging.getLogger(__name__)

# How long a clean stop waits for replies still queued (a burst takes people / 30 s).
REPLIES_AT_STOP_SECONDS = 60.0


async def serve(
    settings: Settings, clock: Clock = system_clock, *, stop: asyncio.Event | None = None
) -> None:
    """Serve until a SIGTERM or SIGINT, or until ``stop`` is set (the sandbox's /quit)."""
    check_port(settings.host, settings.port)
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    # Whatever commits new outbox rows (an API call, a bot reply, a job) wakes the dispatcher.
    bell = OutboxBell()
    sessionmaker = create_sessionmaker(engine, bell)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(engine.dispose)
        bot: Bot | None = None
        bot_username = settings.bot_username
        # One send budget per bot: its replies and the outbox take their slots from it.
        pacer = Pacer(
            settings.dispatch_rate,
            settings.dispatch_chat_rate,
            per_chat_burst=settings.dispatch_chat_burst,
        )
        budget = SendBudget(pacer)
        if settings.bot_token is None:
            log.info("REDBRIDGE_BOT_TOKEN is not set: the Telegram bot is off, the API runs.")
        else:
            bot = create_bot(
                settings.bot_token.get_secret_value(), settings.telegram_api_url, budget
            )
            stack.push_async_callback(bot.session.close)
            # Several processes may send for this bot: they split its limit (after the
            # last send of this one, its share is given back).
            shares = ShareKeeper(
                sessionmaker,
                pacer,
                settings.dispatch_rate,
                clock,
                name=f"bot:{bot.id}",
                holder=f"{socket.gethostname()}:{os.getpid()}",
            )
            await shares.join()
            stack.push_async_callback(shares.leave)
            # Learnt before the app is built: its links never change after start-up.
            bot_username = bot_username or (await bot.me()).username
        app = create_app(
            Links(settings.public_url, bot_username),
            sessionmaker,
            clock,
            max_body_bytes=settings.max_body_bytes,
            wrong_credentials_per_minute=settings.wrong_credentials_per_minute,
        )
        catalogues = Catalogues()
        install_dashboard(app, dashboard_config(settings, sessionmaker, clock, app), catalogues)
        if bot is not None:
            services = BotServices(settings.public_url, app.state.feed_cache)
            dispatcher = create_dispatcher(sessionmaker, catalogues, clock, services)
            await _start_bot(settings, bot, dispatcher, app, stack)
            outbox = OutboxDispatcher(
                sessionmaker,
                bot,
                notice_renderer(catalogues, settings.public_url),
                clock,
                dispatch_settings(settings),
                pacer=pacer,
                replies=budget.stats,
            )
            bell.listen(outbox.wake)
            sending = asyncio.create_task(outbox.run())
            stack.push_async_callback(_stop_dispatcher, outbox, sending)
        scheduler = start_scheduler(sessionmaker, clock)
        stack.callback(scheduler.shutdown, wait=False)
        # No log config of uvicorn's own: its lines take the process's format (redbridge.logs).
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level.lower(),
            log_config=None,
        )
        redact_access_log()  # after uvicorn.Config, which sets up its loggers
        server = _Server(config)
        if stop is not None:
            stopping = asyncio.create_task(_stop_on(stop, server))
            stack.callback(stopping.cancel)
        await server.serve()
    log.info("Redbridge stopped")


async def _stop_on(stop: asyncio.Event, server: uvicorn.Server) -> None:
    await stop.wait()
    server.should_exit = True


class _Server(uvicorn.Server):
    """uvicorn's server, except that a SIGTERM or SIGINT only stops it. uvicorn raises the
    signal again once it has stopped, which ends the process (143 on SIGTERM) before the
    cleanup in :func:`serve` runs."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # signal handlers can only be set in the main thread
            return
        original = {sig: signal.signal(sig, self._stop) for sig in HANDLED_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)

    def _stop(self, sig: int, frame: FrameType | None) -> None:
        # A second signal stops without waiting for open connections and tasks.
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True


def dashboard_config(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    app: FastAPI,
) -> DashboardConfig:
    return DashboardConfig(
        sessionmaker=sessionmaker,
        clock=clock,
        links=app.state.links,
        bot_token=settings.bot_token.get_secret_value() if settings.bot_token else None,
        session_lifetime=timedelta(hours=settings.dashboard_session_hours),
        init_data_max_age=timedelta(seconds=settings.dashboard_init_data_max_age_seconds),
    )


def dispatch_settings(settings: Settings) -> DispatchSettings:
    return DispatchSettings(
        rate=settings.dispatch_rate,
        per_chat_rate=settings.dispatch_chat_rate,
        per_chat_burst=settings.dispatch_chat_burst,
        paid_broadcast=settings.paid_broadcast,
        lease_seconds=settings.dispatch_lease_seconds,
    )


async def _stop_dispatcher(outbox: OutboxDispatcher, sending: "asyncio.Task[None]") -> None:
    await outbox.stop()
    await sending


async def _start_bot(
    settings: Settings, bot: Bot, dispatcher: Dispatcher, app: FastAPI, stack: AsyncExitStack
) -> None:
    """Learn the bot's name, publish its commands, then poll or take the webhook."""
    me = await bot.me()  # asked once already: aiogram keeps the answer
    await announce_commands(bot, dispatcher["catalogues"])
    if settings.webhook_url:
        if urlsplit(settings.webhook_url).path != WEBHOOK_PATH:
            log.warning(
                "REDBRIDGE_WEBHOOK_URL should end in %s, which this server answers", WEBHOOK_PATH
            )
        secret = webhook_secret(
            settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
            settings.bot_token.get_secret_value() if settings.bot_token else "",
        )
        await bot.set_webhook(
            settings.webhook_url,
            secret_token=secret,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
        app.state.telegram = WebhookReceiver(bot, dispatcher, secret)
        await dispatcher.emit_startup(bot=bot)
        stack.push_async_callback(dispatcher.emit_shutdown, bot=bot)
        log.info("The bot @%s takes updates by webhook at %s", me.username, settings.webhook_url)
        return
    await bot.delete_webhook()
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    stack.push_async_callback(_stop_polling, dispatcher, polling)
    log.info("The bot @%s takes updates by long polling", me.username)


async def _stop_polling(dispatcher: Dispatcher, polling: "asyncio.Task[None]") -> None:
    with contextlib.suppress(RuntimeError):  # polling had already stopped (it failed at start)
        await dispatcher.stop_polling()
    await polling
    # Updates taken are confirmed to Telegram already: send their replies before leaving.
    arrivals: Arrivals = dispatcher["arrivals"]
    if not await arrivals.settle(REPLIES_AT_STOP_SECONDS):
        log.warning("stopped with %d updates still unanswered", arrivals.in_hand)

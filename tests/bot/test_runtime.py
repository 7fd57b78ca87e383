"""``create_dispatcher`` builds new routers each time, so one process can hold several
dispatchers (aiogram lets a router join only one), and everything it registers runs on
the event loop."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject

from bot.runtime import ErrorLedger, create_dispatcher
from bot.services import BotServices
from events.feeds.cache import FeedCache
from events.store import create_engine, create_sessionmaker
from locales.translator import Catalogues
from tests.bot.inprocess import PUBLIC_URL, FixedClock, InProcessBot, running_bot
from tests.bot.process import GREETING


def _structure(router: Router) -> list[tuple[str, str, list[str]]]:
    """Each sub-router's name, then its handlers in order, by observer."""
    return [
        (
            sub.name,
            name,
            [handler.callback.__qualname__ for handler in observer.handlers],
        )
        for sub in router.sub_routers
        for name, observer in sub.observers.items()
    ]


@pytest.mark.parametrize("backend", ["sqlite"])  # nothing here depends on the database
async def test_two_dispatchers_in_one_process_both_answer_start(
    database_url: str, now: datetime
) -> None:
    async with running_bot(database_url, now, demo=False) as first:
        dispatcher = create_dispatcher(
            first.sessionmaker,
            first.catalogues,
            FixedClock(now),
            BotServices(PUBLIC_URL, FeedCache()),
            ErrorLedger(),
        )
        second = InProcessBot(
            first.tg, first.bot, dispatcher, first.sessionmaker, now, first.lab, first.catalogues
        )
        assert _structure(second.dispatcher) == _structure(first.dispatcher)
        assert not set(map(id, second.dispatcher.sub_routers)) & set(
            map(id, first.dispatcher.sub_routers)
        )
        for harness, user_id in ((first, 5_500_001), (second, 5_500_002)):
            replies = await harness.send(harness.user(user_id), "/start")
            assert replies, f"no answer from dispatcher {harness.dispatcher}"
            # Someone new: the greeting, then the language choice in the same message.
            assert (replies[0].text or "").startswith(GREETING)
            assert harness.ledger.count == 0


def _registered(router: Router) -> Iterator[tuple[str, CallableObject]]:
    """Every handler and handler filter below a router, with where it is."""
    for name, observer in router.observers.items():
        for handler in observer.handlers:
            where = f"{router.name}.{name}: {handler.callback.__qualname__}"
            yield where, handler
            for check in handler.filters or []:
                yield f"{where}, filter {check.callback!r}", check
    for sub in router.sub_routers:
        yield from _registered(sub)


async def test_every_handler_and_filter_runs_on_the_event_loop(tmp_path: Path) -> None:
    """aiogram runs one that is not a coroutine in a worker thread: a thread hop per check,
    which made filter checks a third of the bot's CPU (see bot/filters.py)."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/unused.db")
    dispatcher = create_dispatcher(
        create_sessionmaker(engine),
        Catalogues(),
        FixedClock(datetime(2027, 1, 1, tzinfo=UTC)),
        BotServices(PUBLIC_URL, FeedCache()),
    )
    registered = list(_registered(dispatcher))
    assert len(registered) > 50
    assert [where for where, callable_ in registered if not callable_.awaitable] == []
    await engine.dispose()

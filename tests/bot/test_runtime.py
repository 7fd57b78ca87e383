"""``create_dispatcher`` builds new routers each time, so one process can hold several
dispatchers (aiogram lets a router join only one)."""

from datetime import datetime

import pytest
from aiogram import Router

from bot.runtime import ErrorLedger, create_dispatcher
from bot.services import BotServices
from events.feed_cache import FeedCache
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
            assert replies[0].text == GREETING
            assert harness.ledger.count == 0

"""Filters that run on the event loop.

aiogram runs a filter that is not a coroutine (a ``State``, a magic ``F`` expression, a
plain function) in a worker thread, through ``asyncio.to_thread``. An ordinary message
met some forty such checks on its way through the routers: a thread hop each, about 6 ms
of the bot's CPU per update (bench/bot_updates.py). aiogram's ``StateFilter`` and these
make the same checks awaitable; tests/bot/test_runtime.py fails if a filter or handler
that is not a coroutine is registered again.
"""

from typing import Any

from aiogram import F
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class Matches(Filter):
    """A magic filter (``F.text``, ``F.chat.type == ...``) checked on the event loop."""

    def __init__(self, rule: MagicFilter) -> None:
        self._rule = rule

    async def __call__(self, event: TelegramObject) -> Any:
        return self._rule.resolve(event)


HAS_TEXT = Matches(F.text)
IS_COMMAND = Matches(F.text.startswith("/"))
# A message without text is not a command either.
NOT_A_COMMAND = Matches(~F.text.startswith("/"))

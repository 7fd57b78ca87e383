"""Updates as they arrive: each one's place in the reply queue, and which are in hand.

Telegram numbers updates in the order they happened, so the update id ranks the
replies to it (:func:`sending.budget.answering`): people are answered in the order they
wrote, and one person's second message is not put behind everyone who wrote after them.
The updates still in hand are counted so a clean stop can wait for their replies.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from sending.budget import answering


class Arrivals(BaseMiddleware):
    """Outer update middleware: ranks the replies and keeps count of updates in hand."""

    def __init__(self) -> None:
        self._in_hand = 0
        self._settled = asyncio.Event()
        self._settled.set()

    @property
    def in_hand(self) -> int:
        return self._in_hand

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        rank = event.update_id if isinstance(event, Update) else 0
        self._in_hand += 1
        self._settled.clear()
        try:
            with answering(rank):
                return await handler(event, data)
        finally:
            self._in_hand -= 1
            if self._in_hand == 0:
                self._settled.set()

    async def settle(self, timeout: float) -> bool:
        """Wait until no update is in hand (their replies sent or given up); False if
        some still were after ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self._settled.wait(), timeout)
        except TimeoutError:
            return False
        return True

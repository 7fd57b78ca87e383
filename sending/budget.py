"""One send budget per bot, shared by the bot's replies and the outbox.

Telegram's flood limits are per bot token: about 30 new messages a second across all
chats and about one a second per chat. :class:`SendBudget` sits in the bot's HTTP session
(an aiogram request middleware), so every message Redbridge sends takes a slot of one
:class:`~sending.pacing.Pacer`, whoever sends it:

- a **reply** (a handler answering an update) waits in the reply lane, ranked by the
  update it answers, so people are answered in the order they wrote and a broadcast
  slows down for them; a 429, a 5xx or a network error does not lose it: it waits
  ``retry_after`` (or backs off) and is sent again, a bounded number of times;
- the **outbox** dispatcher takes its slots itself in the outbox lane (it decides what a
  failure means for a stored row) and marks its request :meth:`SendBudget.prepaid`.

Requests Telegram does not count (answering a button press, reading updates, setting
commands) pass straight through, so a press is acknowledged at once even while the
message that follows waits its turn.
"""

import asyncio
import contextlib
import logging
import random
import statistics
from collections import deque
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from sending.pacing import Lane, Pacer

log = logging.getLogger(__name__)

# The Bot API methods that count against the sending limits (names as aiogram has them).
COUNTED_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "sendLocation",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "editMessageMedia",
    }
)

# The update the current handler answers: its rank in the reply lane (set per update).
_answering: ContextVar[float | None] = ContextVar("answering", default=None)
# Set while the outbox sends with a slot it took itself.
_prepaid: ContextVar[bool] = ContextVar("prepaid", default=False)


@contextlib.contextmanager
def answering(rank: float) -> Iterator[None]:
    """Requests made inside are replies to the update of ``rank`` (its update id)."""
    token = _answering.set(rank)
    try:
        yield
    finally:
        _answering.reset(token)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a reply is sent again."""

    attempts: int = 6
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 8.0

    def pause(self, attempt: int) -> float:
        """Growing, jittered pause after the ``attempt``-th failure (from 1)."""
        pause: float = min(self.max_backoff_seconds, self.backoff_seconds * 2.0 ** (attempt - 1))
        return pause * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not secrecy


@dataclass
class ReplyStats:
    """What the replies went through: how long they waited for a slot, how often Telegram
    refused one, how many were sent again or given up."""

    sent: int = 0
    retried: int = 0
    too_many_requests: int = 0
    given_up: int = 0
    # Seconds each reply waited for its first slot (the latest 10,000).
    waits: deque[float] = field(default_factory=lambda: deque(maxlen=10_000))

    def wait_summary(self) -> dict[str, float]:
        """p50, p95 and max of the waits, in seconds (zeros before the first reply)."""
        if not self.waits:
            return {"p50": 0.0, "p95": 0.0, "max": 0.0}
        ordered = sorted(self.waits)
        p95 = ordered[-1] if len(ordered) < 2 else statistics.quantiles(ordered, n=20)[-1]
        return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


class SendBudget(BaseRequestMiddleware):
    """Every counted request waits for a slot of ``pacer``; replies are retried."""

    def __init__(
        self,
        pacer: Pacer,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.pacer = pacer
        self.retry = retry or RetryPolicy()
        # Reported with the outbox's own counters (``scheduler.dispatcher``).
        self.stats = ReplyStats()

    @staticmethod
    @contextlib.contextmanager
    def prepaid() -> Iterator[None]:
        """The request made inside already holds a slot (the outbox took it)."""
        token = _prepaid.set(True)
        try:
            yield
        finally:
            _prepaid.reset(token)

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ not in COUNTED_METHODS or _prepaid.get():
            return await make_request(bot, method)
        rank = _answering.get()
        if rank is None:
            # Sent outside any update and outside the outbox (a console, a script):
            # counted, but no one is waiting for it now.
            return await self._send_once(make_request, bot, method, Lane.OUTBOX, 0.0)
        return await self._reply(make_request, bot, method, rank)

    async def _send_once(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
        lane: Lane,
        rank: float,
    ) -> Response[TelegramType]:
        slot = await self.pacer.acquire(_chat_of(method), lane, rank)
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter as error:
            self.pacer.pause(error.retry_after)
            raise
        finally:
            if slot is not None:
                slot.done()

    async def _reply(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
        rank: float,
    ) -> Response[TelegramType]:
        loop = asyncio.get_running_loop()
        chat = _chat_of(method)
        asked_at = loop.time()
        for attempt in range(1, self.retry.attempts + 1):
            slot = await self.pacer.acquire(chat, Lane.REPLY, rank)
            if attempt == 1:
                self.stats.waits.append(loop.time() - asked_at)
            try:
                response = await make_request(bot, method)
            except TelegramRetryAfter as error:
                # Everyone waits: the budget was spent (by another instance, or Telegram
                # counts differently); this reply keeps its place at the head of the lane.
                self.pacer.pause(error.retry_after)
                self.stats.too_many_requests += 1
                failure: Exception = error
                pause = 0.0
            except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as error:
                # 5xx, a proxy's error page, a timeout, a dropped connection: worth another
                # try. After a timeout
                # Telegram may have delivered it already; a rare repeat beats a lost reply.
                failure = error
                pause = self.retry.pause(attempt)
            else:
                self.stats.sent += 1
                return response
            finally:
                if slot is not None:
                    slot.done()
            if attempt == self.retry.attempts:
                break
            self.stats.retried += 1
            log.info("reply sent again after %s (attempt %d)", type(failure).__name__, attempt)
            await asyncio.sleep(pause)
        self.stats.given_up += 1
        log.warning("a reply was given up after %d attempts", self.retry.attempts)
        raise failure


def _chat_of(method: TelegramMethod[Any]) -> int:
    """The chat a request writes to; 0 for a channel name or an inline message (they
    share one per-chat window, which only errs on the slow side)."""
    chat = getattr(method, "chat_id", None)
    return chat if isinstance(chat, int) else 0

"""The one sender of the outbox: claims due rows, renders, sends at Telegram's pace.

One dispatcher per bot is active at a time, whatever the number of Redbridge processes:
each holds a lease row (``events.outbox.delivery.hold_lease``) that it renews between sends; the
others wait and take over when a lease runs out. A dispatcher that finds it lost the
lease sends nothing more, and its late outcomes are not stored (``record`` checks the
lease), so they cannot overwrite the new holder's claims. What Telegram answers decides a row's
fate (see ``_outcome``): sent; 429 → everyone waits ``retry_after``; 403 → the person is
unreachable and their queue dropped; other 4xx → failed for good; 5xx, timeouts and
network errors → retried with growing pauses.

The words are not the dispatcher's: the composition root hands it a renderer that turns
each ready message into text and buttons in its reader's language (the bot's notices).
"""

import asyncio
import contextlib
import logging
import os
import random
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import (
    AiogramError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.clock import Clock
from events.outbox.delivery import Claimed, Outcome, claim_due, hold_lease, record, release_lease
from events.outbox.queue import Kind, State
from events.outbox.verdicts import Later, Obsolete, Ready, examine
from sending.budget import ReplyStats, SendBudget
from sending.pacing import Lane, Pacer, Slot

log = logging.getLogger(__name__)

# How often the counters are logged while messages go out.
REPORT_EVERY = timedelta(minutes=1)


class Rendered(Protocol):
    """A message as Telegram gets it: HTML text and its buttons."""

    @property
    def text(self) -> str: ...

    @property
    def markup(self) -> InlineKeyboardMarkup | None: ...


# Renders a message that is ready to go, in its reader's language of that moment.
Renderer = Callable[[Ready], Rendered]


@dataclass(frozen=True)
class DispatchSettings:
    rate: float = 30.0  # messages a second overall (Telegram's free limit)
    per_chat_rate: float = 1.0  # messages a second to one private chat
    per_chat_burst: int = 0  # sends to one chat that may go at once beyond that rate
    # Telegram's paid broadcasts: up to 1000 a second, charged in Stars (opt-in).
    paid_broadcast: bool = False
    paid_rate: float = 1000.0
    lease_seconds: float = 30.0
    idle_poll_seconds: float = 0.5
    max_attempts: int = 8
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 600.0
    request_timeout_seconds: int = 15

    @property
    def claim_size(self) -> int:
        """About half a second of sending: a new urgent message waits at most that long."""
        fastest = self.paid_rate if self.paid_broadcast else self.rate
        return max(1, min(200, int(fastest / 2)))


@dataclass
class DispatchStats:
    """Counters for logs, health and tests."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    too_many_requests: int = 0
    leading: bool = False
    errors: list[str] = field(default_factory=list)
    # The bot's direct replies, which share the send budget (``sending.budget``).
    replies: ReplyStats = field(default_factory=ReplyStats)

    def summary(self) -> str:
        """One log line: what the outbox sent and how long replies waited."""
        waits = self.replies.wait_summary()
        return (
            f"outbox: {self.sent} sent, {self.retried} retried, {self.failed} failed, "
            f"{self.blocked} blocked, {self.too_many_requests} refused with 429; replies: "
            f"{self.replies.sent} sent, waited p50 {waits['p50']:.2f} s, p95 "
            f"{waits['p95']:.2f} s, max {waits['max']:.2f} s, {self.replies.retried} sent "
            f"again, {self.replies.given_up} given up, {self.replies.too_many_requests} "
            "refused with 429"
        )


class OutboxDispatcher:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        bot: Bot,
        render: Renderer,
        clock: Clock,
        settings: DispatchSettings | None = None,
        *,
        holder: str | None = None,
        pacer: Pacer | None = None,
        replies: ReplyStats | None = None,
    ) -> None:
        """``pacer``: the bot's one send budget, shared with its replies (its rates win
        over ``settings``); without one the outbox paces itself alone."""
        self._sessionmaker = sessionmaker
        self._bot = bot
        self._render = render
        self._clock = clock
        self.settings = settings or DispatchSettings()
        self.stats = DispatchStats(replies=replies or ReplyStats())
        self._reported: tuple[int, int] = (0, 0)
        self._reported_at: datetime | None = None
        self._lease_name = f"bot:{bot.id}"
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._pacer = pacer or Pacer(
            self.settings.rate,
            self.settings.per_chat_rate,
            per_chat_burst=self.settings.per_chat_burst,
        )
        # Paid broadcasts have their own, higher limit; everything else keeps the free one.
        self._paid_pacer = (
            Pacer(
                self.settings.paid_rate,
                self.settings.per_chat_rate,
                per_chat_burst=self.settings.per_chat_burst,
            )
            if self.settings.paid_broadcast
            else self._pacer
        )
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._outcomes: list[Outcome] = []
        self._blocked_people: set[int] = set()
        self._outcomes_ready = asyncio.Event()
        self._lease_renewed_at: datetime | None = None

    def wake(self) -> None:
        """Something was queued: look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Dispatch until ``stop()``; survives any single failure."""
        recorder = asyncio.create_task(self._record_outcomes())
        try:
            while not self._stopping.is_set():
                try:
                    await self._cycle()
                except Exception as error:  # one bad cycle must not stop the sending
                    log.exception("outbox dispatcher cycle failed")
                    self.stats.errors = [*self.stats.errors[-9:], repr(error)]
                    await self._pause(self.settings.idle_poll_seconds)
        finally:
            await self._drain()
            self._stopping.set()
            self._outcomes_ready.set()
            await recorder
            await self._release()

    async def stop(self) -> None:
        # Also ends a wait for a send slot (a 429's retry_after, a 401's pause); the
        # pacer itself goes on serving the bot's replies.
        self._stopping.set()
        self._wake.set()

    async def _cycle(self) -> None:
        self._report()
        if not await self._lead():
            await self._pause(self.settings.lease_seconds / 3)
            return
        batch = await self._claim()
        if not batch:
            await self._pause(self.settings.idle_poll_seconds)
            return
        await self._dispatch(batch)

    def _report(self) -> None:
        """Log the counters once a minute while anything is being sent."""
        now = self._clock()
        if self._reported_at is not None and now - self._reported_at < REPORT_EVERY:
            return
        counts = (self.stats.sent, self.stats.replies.sent)
        if self._reported_at is not None and counts != self._reported:
            log.info("%s", self.stats.summary())
        self._reported_at, self._reported = now, counts

    async def _lead(self) -> bool:
        now = self._clock()
        renew_every = timedelta(seconds=self.settings.lease_seconds / 3)
        if self._lease_renewed_at is not None and now - self._lease_renewed_at < renew_every:
            return True
        async with self._sessionmaker() as session:
            leading = await hold_lease(
                session, now, self._lease_name, self.holder, self.settings.lease_seconds
            )
        if leading and not self.stats.leading:
            log.info("this process now sends the outbox (%s)", self.holder)
        self.stats.leading = leading
        self._lease_renewed_at = now if leading else None
        return leading

    async def _claim(self) -> list[Claimed]:
        busy = {*self._pacer.busy_chats(), *self._paid_pacer.busy_chats()}
        async with self._sessionmaker() as session:
            return await claim_due(session, self._clock(), self.settings.claim_size, busy)

    async def _dispatch(self, batch: Sequence[Claimed]) -> None:
        now = self._clock()
        to_send: list[tuple[Ready, Rendered]] = []
        seen: set[int] = set()
        async with self._sessionmaker() as session:
            for message in batch:
                if message.participant_id in seen:
                    # One message per person per turn; the next waits for the next claim.
                    self._outcome(Outcome(message.id, State.PENDING, attempted=False))
                    continue
                seen.add(message.participant_id)
                if not message.reachable:
                    # Blocked the bot (a 403 or Telegram said so): a send would only fail.
                    self.stats.blocked += 1
                    self._outcome(Outcome(message.id, State.BLOCKED, error="blocked by the user"))
                    continue
                verdict = await examine(session, now, message)
                if isinstance(verdict, Obsolete):
                    self.stats.skipped += 1
                    self._outcome(Outcome(message.id, State.SKIPPED, error=verdict.reason))
                elif isinstance(verdict, Later):
                    self._outcome(
                        Outcome(message.id, State.PENDING, due_at=verdict.due_at, attempted=False)
                    )
                else:
                    try:
                        rendered = self._render(verdict)
                    except Exception as error:
                        log.exception("outbox message %s could not be rendered", message.id)
                        self.stats.failed += 1
                        self._outcome(Outcome(message.id, State.FAILED, error=repr(error)))
                        continue
                    to_send.append((verdict, rendered))
        for position, (ready, rendered) in enumerate(to_send):
            message = ready.message
            paid = self.settings.paid_broadcast and message.kind == Kind.BROADCAST
            pacer = self._paid_pacer if paid else self._pacer
            assert message.chat_id is not None  # examine() passes over people with no chat
            slot = await self._slot(pacer, message.chat_id)
            if slot is None or not await self._lead():
                # Stopping: the rest goes back to the queue. Deposed: the new holder has
                # taken the rows over already, and this outcome would not be stored.
                for rest, _rendered in to_send[position:]:
                    self._outcome(Outcome(rest.message.id, State.PENDING, attempted=False))
                if slot is not None:
                    slot.done()
                return
            task = asyncio.create_task(self._send(slot, message, rendered))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _slot(self, pacer: Pacer, chat_id: int) -> Slot | None:
        """A send slot in the outbox lane, behind every reply; None once stopping."""
        if self._stopping.is_set():
            return None
        acquiring = asyncio.ensure_future(pacer.acquire(chat_id, Lane.OUTBOX))
        stopping = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait({acquiring, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if acquiring.done():
            return acquiring.result()
        acquiring.cancel()  # the pacer frees a slot granted meanwhile
        with contextlib.suppress(asyncio.CancelledError):
            await acquiring
        return None

    async def _send(self, slot: Slot, message: Claimed, rendered: Rendered) -> None:
        assert message.chat_id is not None  # examine() passes over people with no chat
        try:
            with SendBudget.prepaid():
                sent = await self._bot.send_message(
                    message.chat_id,
                    rendered.text,
                    reply_markup=rendered.markup,
                    allow_paid_broadcast=(
                        True
                        if self.settings.paid_broadcast and message.kind == Kind.BROADCAST
                        else None
                    ),
                    request_timeout=self.settings.request_timeout_seconds,
                )
        except TelegramRetryAfter as error:  # 429
            self._pacer.pause(error.retry_after)
            self._paid_pacer.pause(error.retry_after)
            self.stats.too_many_requests += 1
            log.warning("Telegram asks to wait %s s (429)", error.retry_after)
            again = self._clock() + timedelta(seconds=error.retry_after)
            self._outcome(Outcome(message.id, State.PENDING, due_at=again, attempted=False))
        except TelegramForbiddenError as error:
            self.stats.blocked += 1
            # Their other queued rows are dropped by the recorder, after any earlier
            # outcome of theirs is stored (so none is put back to pending after it).
            self._blocked_people.add(message.participant_id)
            self._outcome(Outcome(message.id, State.BLOCKED, error=str(error)))
        except TelegramUnauthorizedError:
            # The token is wrong or revoked: nothing can be sent; keep the row for later.
            log.error("Telegram refuses the bot token (401); the outbox waits")
            self._pacer.pause(60)
            self._paid_pacer.pause(60)
            self._outcome(Outcome(message.id, State.PENDING, attempted=False))
        except (
            TelegramBadRequest,
            TelegramNotFound,
            TelegramConflictError,
            TelegramEntityTooLarge,
        ) as error:  # the other 4xx: sending it again would get the same answer
            self.stats.failed += 1
            log.warning("outbox message %s refused by Telegram: %s", message.id, error)
            self._outcome(Outcome(message.id, State.FAILED, error=str(error)))
        except (TelegramServerError, TelegramNetworkError, TimeoutError, AiogramError) as error:
            # 5xx, timeouts, connection errors, a proxy's error page: worth another try.
            self._retry(message, error)
        except Exception as error:
            log.exception("outbox message %s: unexpected failure", message.id)
            self._retry(message, error)
        else:
            self.stats.sent += 1
            self._outcome(Outcome(message.id, State.SENT, telegram_message_id=sent.message_id))
        finally:
            slot.done()

    def _retry(self, message: Claimed, error: BaseException) -> None:
        attempts = message.attempts + 1
        if attempts >= self.settings.max_attempts:
            self.stats.failed += 1
            log.warning("outbox message %s failed %d times: %r", message.id, attempts, error)
            self._outcome(Outcome(message.id, State.FAILED, error=repr(error)))
            return
        self.stats.retried += 1
        pause = min(
            self.settings.max_backoff_seconds,
            self.settings.backoff_seconds * 2 ** (attempts - 1),
        )
        pause *= random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not secrecy
        due = self._clock() + timedelta(seconds=pause)
        self._outcome(Outcome(message.id, State.PENDING, error=repr(error), due_at=due))

    def _outcome(self, outcome: Outcome) -> None:
        self._outcomes.append(outcome)
        self._outcomes_ready.set()

    async def _record_outcomes(self) -> None:
        """Write outcomes as they come, batched by whatever arrived meanwhile: a row is
        marked sent within milliseconds of Telegram's answer (what a crash can repeat)."""
        while True:
            await self._outcomes_ready.wait()
            self._outcomes_ready.clear()
            await self._flush()
            if self._stopping.is_set() and not self._in_flight and not self._outcomes:
                return

    async def _flush(self) -> None:
        outcomes, self._outcomes = self._outcomes, []
        blocked, self._blocked_people = self._blocked_people, set()
        if not outcomes and not blocked:
            return
        try:
            async with self._sessionmaker() as session:
                stored = await record(
                    session, self._clock(), (self._lease_name, self.holder), outcomes, blocked
                )
        except Exception:
            log.exception("could not record %d outbox outcomes; retrying", len(outcomes))
            self._outcomes = outcomes + self._outcomes
            self._blocked_people |= blocked
            await asyncio.sleep(0.5)
            self._outcomes_ready.set()
            return
        if not stored:
            log.warning(
                "%d outbox outcomes not stored: another process took the lease over",
                len(outcomes),
            )

    async def _drain(self) -> None:
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def _release(self) -> None:
        if not self.stats.leading:
            return
        with contextlib.suppress(Exception):
            async with self._sessionmaker() as session:
                await release_lease(session, self._lease_name, self.holder)
        self.stats.leading = False

    async def _pause(self, seconds: float) -> None:
        """Sleep, unless woken or stopped. A wake or a stop that came while this dispatcher
        was busy ends the pause at once: clearing the flag before waiting lost them (a
        message queued mid-cycle waited a whole poll, a stop the idle time)."""
        if self._stopping.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()

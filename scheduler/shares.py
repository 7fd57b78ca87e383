"""This process's share of its bot's sending limit, when several processes send for it.

Every process that sends for a bot keeps a share row (``events.outbox.shares``) and sends
at ``rate / holders``. Why the sum stays within the limit:

- A share counted at moment ``c`` is good until ``c + period`` only (the pacer sends
  nothing after that until it is renewed); it is renewed every ``period / 2``.
- A process that joins at ``j`` and finds others waits ``period`` (by then each other
  process has counted it, or stopped sending) plus one second (their last window at the
  old, larger share ends), and only then sends at its share.
- A process that stops deletes its row; one that dies keeps it until it runs out
  (``3 × period``), long after it stopped sending. Either way the others take the
  freed share at their next renewal.

The moments come from each process's clock: hosts keep time with NTP, which keeps them
far closer than the ``period``. A process that cannot reach the database lets its share
lapse and sends nothing until it can: replies wait (they are not lost), the outbox too.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.clock import Clock
from events.outbox.shares import drop_share, hold_share
from sending.pacing import MARGIN, Pacer

log = logging.getLogger(__name__)

PERIOD_SECONDS = 2.0


class ShareKeeper:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        pacer: Pacer,
        rate: float,
        clock: Clock,
        *,
        name: str,
        holder: str,
        period: float = PERIOD_SECONDS,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._pacer = pacer
        self._rate = rate
        self._clock = clock
        self._name = name
        self._holder = holder
        self._period = period
        self._monotonic = monotonic
        self.holders = 0
        self._task: asyncio.Task[None] | None = None

    async def join(self) -> None:
        """Take a share; from now on the pacer sends only while it holds a valid one."""
        await self._renew()
        if self.holders > 1:
            self._pacer.pause(self._period + 1.0 + MARGIN)
            log.info("sending shares the bot's limit with %d processes", self.holders - 1)
        self._task = asyncio.create_task(self._keep())

    async def leave(self) -> None:
        """After this process's last send: give the share back."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            async with self._sessionmaker() as session:
                await drop_share(session, self._name, self._holder)

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self._period / 2)
            try:
                await self._renew()
            except Exception:
                # The share lapses by itself; the next renewal restores it.
                log.exception("could not renew this process's sending share")

    async def _renew(self) -> None:
        began = self._now()
        async with self._sessionmaker() as session:
            holders = await hold_share(
                session, self._clock(), self._name, self._holder, 3 * self._period
            )
        if holders != self.holders and self.holders:
            log.info("%d processes share the bot's sending limit now", holders)
        self.holders = holders
        # Good for ``period`` from before the count, not after it: a process that joined
        # while this one counted is covered too.
        self._pacer.reshare(self._rate / holders, self._period - (self._now() - began))

    def _now(self) -> float:
        return self._monotonic() if self._monotonic else asyncio.get_running_loop().time()

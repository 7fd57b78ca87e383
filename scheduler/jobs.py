"""Housekeeping jobs: named functions a test can call directly.

Each takes a session factory and the current time and calls one use case.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.series import extend_series
from events.waitlist import expire_offers

log = logging.getLogger(__name__)

Job = Callable[[async_sessionmaker[AsyncSession], datetime], Awaitable[None]]


async def expire_waitlist_offers(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    """Release offers whose time is up; the next people in line get theirs."""
    async with sessionmaker() as session:
        offers = await expire_offers(session, now)
    if offers:
        log.info("offered %d freed seats to the waitlist", len(offers))


async def materialise_series(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    """Create the occurrences of recurring series that came within their horizon."""
    async with sessionmaker() as session:
        created = await extend_series(session, now)
    if created:
        log.info("materialised %d occurrences of recurring series", created)


# Job name → (function, interval in seconds).
JOBS: dict[str, tuple[Job, int]] = {
    "expire_waitlist_offers": (expire_waitlist_offers, 60),
    "materialise_series": (materialise_series, 6 * 3600),
}

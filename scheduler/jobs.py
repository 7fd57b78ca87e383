"""Housekeeping jobs: named functions a test can call directly.

Each takes a session factory and the current time, calls one use case, and returns how
many outbox messages it queued (so the clockwork can wake the dispatcher at once).
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.broadcasts import release_due_broadcasts
from events.editions import complete_past_events
from events.outbox.reminders import queue_due_reminders
from events.series import extend_series
from events.waitlist import expire_offers

log = logging.getLogger(__name__)

Job = Callable[[async_sessionmaker[AsyncSession], datetime], Awaitable[int]]


async def expire_waitlist_offers(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> int:
    """Release offers whose time is up; the next people in line get theirs."""
    async with sessionmaker() as session:
        offers = await expire_offers(session, now)
    if offers:
        log.info("offered %d freed seats to the waitlist", len(offers))
    return len(offers)


async def materialise_series(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Create the occurrences of recurring series that came within their horizon."""
    async with sessionmaker() as session:
        created = await extend_series(session, now)
    if created:
        log.info("materialised %d occurrences of recurring series", created)
    return 0


async def queue_reminders(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Queue the reminders whose time has come (once each, whatever the restarts)."""
    async with sessionmaker() as session:
        queued = await queue_due_reminders(session, now)
    if queued:
        log.info("queued %d reminders", queued)
    return queued


async def release_broadcasts(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Queue the messages of broadcasts scheduled for now or earlier."""
    async with sessionmaker() as session:
        released = await release_due_broadcasts(session, now)
    if released:
        log.info("released %d scheduled broadcasts", released)
    return released


async def complete_events(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Close events a day after they ended (no-shows recorded)."""
    async with sessionmaker() as session:
        completed = await complete_past_events(session, now)
    if completed:
        log.info("completed %d past events", completed)
    return 0


# Job name → (function, interval in seconds).
JOBS: dict[str, tuple[Job, int]] = {
    "expire_waitlist_offers": (expire_waitlist_offers, 60),
    "queue_reminders": (queue_reminders, 60),
    "release_broadcasts": (release_broadcasts, 15),
    "complete_events": (complete_events, 3600),
    "materialise_series": (materialise_series, 6 * 3600),
}

"""APScheduler as the clock: it only wakes jobs and the dispatcher; the database holds
the state."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.clock import Clock, system_clock
from scheduler.jobs import JOBS, Job

log = logging.getLogger(__name__)


async def run_job(
    name: str,
    job: Job,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    on_queued: Callable[[], None] | None = None,
) -> None:
    """Run one job and log its failure, so one broken job never stops the others. When it
    queued messages, wake the dispatcher rather than wait for its next look."""
    now: datetime = clock()
    try:
        queued = await job(sessionmaker, now)
    except Exception:
        log.exception("scheduled job %s failed", name)
        return
    if queued and on_queued is not None:
        on_queued()


def start_scheduler(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock = system_clock,
    on_queued: Callable[[], None] | None = None,
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    for name, (job, seconds) in JOBS.items():
        # Reminders missed while Redbridge was down go out at start, not a minute later.
        first: dict[str, datetime] = (
            {"next_run_time": datetime.now(UTC)} if name == "queue_reminders" else {}
        )
        scheduler.add_job(
            run_job,
            "interval",
            seconds=seconds,
            args=(name, job, sessionmaker, clock, on_queued),
            id=name,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=seconds,
            **first,
        )
    scheduler.start()
    return scheduler

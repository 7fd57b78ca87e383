"""APScheduler as the clock: it only runs jobs; the database holds the state. A job that
queues messages wakes the dispatcher through the session's outbox bell
(``events.store.OutboxBell``), as any other writer does."""

import logging
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
) -> None:
    """Run one job and log its failure, so one broken job never stops the others."""
    now: datetime = clock()
    try:
        await job(sessionmaker, now)
    except Exception:
        log.exception("scheduled job %s failed", name)


def start_scheduler(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock = system_clock,
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
            args=(name, job, sessionmaker, clock),
            id=name,
            name=name,  # what APScheduler's own warnings call it (else "run_job")
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=seconds,
            **first,
        )
    scheduler.start()
    # One line a job; APScheduler's own two a job are off (see redbridge.logs).
    for name, (_job, seconds) in JOBS.items():
        log.info("scheduled job %s every %s", name, _every(seconds))
    return scheduler


def _every(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"

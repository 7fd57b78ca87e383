"""The housekeeping jobs: named functions called directly with an injected time, and the
clockwork that runs them (one failing job never stops the others)."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.clock import Clock
from events.enums import PublicationStatus, RegistrationStatus
from events.models import Event, Registration
from events.registrations import register
from scheduler.clockwork import run_job, start_scheduler
from scheduler.jobs import JOBS, complete_events, queue_reminders
from tests.factories import create_event, create_participant, create_programme


async def test_a_failing_job_is_logged_and_the_next_still_runs(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    ran: list[str] = []

    async def broken(_sessionmaker: async_sessionmaker[AsyncSession], _now: datetime) -> int:
        ran.append("broken")
        raise RuntimeError("boom")

    async def fine(_sessionmaker: async_sessionmaker[AsyncSession], _now: datetime) -> int:
        ran.append("fine")
        return 2

    clock: Clock = lambda: now  # noqa: E731 - a fixed clock
    await run_job("broken", broken, sessionmaker, clock)
    await run_job("fine", fine, sessionmaker, clock)
    assert ran == ["broken", "fine"]


async def test_the_scheduler_holds_every_job_and_reminders_run_at_start(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    scheduler = start_scheduler(sessionmaker, lambda: now)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == set(JOBS)
        assert all(job.next_run_time is not None for job in jobs.values())
        # Missed reminders go out at start, not an interval later.
        assert (
            jobs["queue_reminders"].next_run_time <= jobs["expire_waitlist_offers"].next_run_time
        )
    finally:
        scheduler.shutdown(wait=False)


async def test_events_are_completed_a_day_after_they_end(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> None:
    await create_programme(session, now, "jobs")
    event = await create_event(session, now, "jobs", starts_at=now + timedelta(days=1))
    came = await create_participant(session, now)
    stayed_away = await create_participant(session, now)
    attended = await register(session, now, event.id, came.id)
    absent = await register(session, now, event.id, stayed_away.id)
    async with sessionmaker() as writing:
        row = await writing.get(Registration, attended.id)
        assert row is not None
        row.status = RegistrationStatus.ATTENDED
        await writing.commit()

    ended = event.ends_at
    assert await complete_events(sessionmaker, ended + timedelta(hours=23)) == 0
    async with sessionmaker() as check:
        still = await check.get(Event, event.id)
        assert still is not None
        assert still.status == PublicationStatus.PUBLISHED
    await complete_events(sessionmaker, ended + timedelta(days=1, minutes=1))
    async with sessionmaker() as check:
        done = await check.get(Event, event.id)
        assert done is not None
        assert done.status == PublicationStatus.COMPLETED
        statuses = dict((await check.execute(select(Registration.id, Registration.status))).all())
    assert statuses == {attended.id: "attended", absent.id: "no_show"}
    # A completed event has nothing left to remind anyone of.
    assert await queue_reminders(sessionmaker, ended + timedelta(days=2)) == 0

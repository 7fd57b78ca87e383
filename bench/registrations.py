"""Registrations per second under contention: 1,000 concurrent attempts for 100 seats.

    python bench/registrations.py [--postgres-url URL] [--attempts N] [--capacity N]

Runs on SQLite (a fresh temporary file) and on PostgreSQL: the URL given with
``--postgres-url`` or ``REDBRIDGE_TEST_POSTGRES_URL``, otherwise a throwaway PostgreSQL 15
server started here (default settings, fsync on) and stopped afterwards.

Participants and the event are created first and not timed. The timed part is one
``asyncio.gather`` of ``events.registrations.register`` calls, each in its own session.
Afterwards exactly ``capacity`` registrations must be confirmed and the rest waitlisted;
anything else prints ``INVARIANT BROKEN`` and the script exits with status 1.
"""

import argparse
import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.access import SYSTEM
from events.editions import create_event, publish_event
from events.enums import ProgrammeKind, RegistrationMode, RegistrationStatus
from events.errors import DomainError
from events.inputs import EventDraft, ParticipantDetails, ProgrammeDraft
from events.migrations.runner import upgrade
from events.models import AuditEntry, Event, Participant, Programme, Registration
from events.participants import upsert_participant
from events.programmes import create_programme, publish_programme
from events.registrations import register
from events.store import create_engine, create_sessionmaker
from tests.support.ports import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
COUNTRIES = ("AM", "AZ", "GE")


@dataclass(frozen=True)
class Result:
    backend: str
    attempts: int
    capacity: int
    statuses: Counter[str]  # registration status in the database afterwards
    errors: Counter[str]  # attempts that raised, by error
    seconds: float

    @property
    def confirmed(self) -> int:
        return self.statuses[RegistrationStatus.CONFIRMED]

    @property
    def waitlisted(self) -> int:
        return self.statuses[RegistrationStatus.WAITLISTED]

    @property
    def intact(self) -> bool:
        return (
            self.confirmed == self.capacity
            and self.waitlisted == self.attempts - self.capacity
            and not self.errors
        )

    def line(self) -> str:
        return (
            f"{self.backend:<12}{self.attempts} attempts  {self.confirmed} confirmed  "
            f"{self.waitlisted} waitlisted  {self.attempts / self.seconds:.1f} registrations/s"
            f"  ({self.seconds:.2f} s)"
        )


@dataclass(frozen=True)
class Fixture:
    programme_slug: str
    event_id: int
    participant_ids: list[int]


async def _prepare(
    sessions: async_sessionmaker[AsyncSession], now: datetime, attempts: int, capacity: int
) -> Fixture:
    """An open, published event and one participant per attempt (not timed)."""
    tag = secrets.token_hex(4)
    slug = f"bench-{tag}"
    async with sessions() as session:
        await create_programme(
            session,
            now,
            SYSTEM,
            ProgrammeDraft(
                slug=slug, kind=ProgrammeKind.OTHER, title={"en": "Registration benchmark"}
            ),
        )
        await publish_programme(session, now, SYSTEM, slug)
        event = await create_event(
            session,
            now,
            SYSTEM,
            slug,
            EventDraft(
                slug=f"{slug}-event",
                title={"en": "Registration benchmark"},
                starts_at=now + timedelta(days=30),
                ends_at=now + timedelta(days=30, hours=2),
                timezone="Asia/Tbilisi",
                city="Tbilisi",
                country="GE",
                capacity=capacity,
                mode=RegistrationMode.OPEN,
            ),
        )
        await publish_event(session, now, SYSTEM, event.id)
        participants = [
            await upsert_participant(
                session,
                now,
                ParticipantDetails(
                    name=f"Bench participant {number}", country=COUNTRIES[number % 3]
                ),
            )
            for number in range(attempts)
        ]
        await session.commit()
        return Fixture(slug, event.id, [participant.id for participant in participants])


async def _attempt(
    sessions: async_sessionmaker[AsyncSession], now: datetime, event_id: int, participant_id: int
) -> str | None:
    """One registration in its own session; the error's name if it raised."""
    try:
        async with sessions() as session:
            await register(session, now, event_id, participant_id)
    except DomainError as error:
        return error.code
    except Exception as error:  # a benchmark reports failures, it does not stop
        return type(error).__name__
    return None


async def _statuses(sessions: async_sessionmaker[AsyncSession], event_id: int) -> Counter[str]:
    async with sessions() as session:
        rows = await session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event_id)
            .group_by(Registration.status)
        )
        return Counter({str(status): number for status, number in rows})


async def _clean_up(sessions: async_sessionmaker[AsyncSession], fixture: Fixture) -> None:
    """Remove the benchmark's rows from a database that is not ours to throw away."""
    async with sessions() as session:
        programme_id = await session.scalar(
            select(Programme.id).where(Programme.slug == fixture.programme_slug)
        )
        await session.execute(
            delete(Registration).where(Registration.event_id == fixture.event_id)
        )
        await session.execute(delete(Event).where(Event.id == fixture.event_id))
        await session.execute(delete(AuditEntry).where(AuditEntry.programme_id == programme_id))
        await session.execute(delete(Programme).where(Programme.id == programme_id))
        await session.execute(
            delete(Participant).where(Participant.id.in_(fixture.participant_ids))
        )
        await session.commit()


async def run(backend: str, url: str, attempts: int, capacity: int, *, keep: bool) -> Result:
    await upgrade(url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    now = datetime.now(UTC)
    try:
        fixture = await _prepare(sessions, now, attempts, capacity)
        started = time.perf_counter()
        outcomes = await asyncio.gather(
            *(
                _attempt(sessions, now, fixture.event_id, participant_id)
                for participant_id in fixture.participant_ids
            )
        )
        seconds = time.perf_counter() - started
        statuses = await _statuses(sessions, fixture.event_id)
        if not keep:
            await _clean_up(sessions, fixture)
    finally:
        await engine.dispose()
    errors = Counter(outcome for outcome in outcomes if outcome is not None)
    return Result(backend, attempts, capacity, statuses, errors, seconds)


# --- A throwaway PostgreSQL server --------------------------------------------------------


def _as_postgres(*command: str) -> list[str]:
    """Run PostgreSQL's binaries as ``postgres`` when we are root (they refuse root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start PostgreSQL 15 in a temporary directory on a free loopback port; yield its URL."""
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError(f"PostgreSQL 15 is not installed in {PG_BIN}; pass --postgres-url")
    root = Path(tempfile.mkdtemp(prefix="redbridge-bench-pg-"))
    data = root / "data"
    log = root / "server.log"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    pg_ctl = str(PG_BIN / "pg_ctl")
    try:
        _run(
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
        )
        options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root}"
        _run(pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        try:
            yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
        finally:
            _run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(*command: str) -> None:
    done = subprocess.run(_as_postgres(*command), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        name = Path(command[0]).name
        raise RuntimeError(f"{name} failed ({done.returncode}): {done.stderr.strip()}")


# --- Command line ---------------------------------------------------------------------------


def _report(result: Result) -> bool:
    print(result.line(), flush=True)
    if result.errors:
        details = ", ".join(f"{name}: {number}" for name, number in result.errors.most_common())
        print(f"{'':<12}attempts that raised: {details}")
    if not result.intact:
        print(
            f"{'':<12}INVARIANT BROKEN: expected {result.capacity} confirmed and "
            f"{result.attempts - result.capacity} waitlisted, found {dict(result.statuses)}"
        )
    return result.intact


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("REDBRIDGE_TEST_POSTGRES_URL"),
        help="an existing PostgreSQL database (default: $REDBRIDGE_TEST_POSTGRES_URL, "
        "else a throwaway PostgreSQL 15 server)",
    )
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    attempts: int = args.attempts
    capacity: int = args.capacity
    if not 0 < capacity <= attempts:
        parser.error("need 0 < capacity <= attempts")

    print(
        f"{attempts} concurrent registration attempts, one session each, "
        f"for an open event with {capacity} seats."
    )
    intact = True
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="redbridge-bench-") as directory:
            url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
            result = asyncio.run(run("sqlite", url, attempts, capacity, keep=True))
        intact = _report(result) and intact
    if not args.skip_postgres:
        if args.postgres_url:
            print(f"{'':<12}PostgreSQL: the given database (benchmark rows removed afterwards)")
            result = asyncio.run(
                run("postgresql", args.postgres_url, attempts, capacity, keep=False)
            )
        else:
            with throwaway_postgres() as url:
                print(
                    f"{'':<12}PostgreSQL 15: throwaway server at "
                    f"{url.rsplit('@', 1)[1].split('/')[0]}, default settings (fsync on)"
                )
                result = asyncio.run(run("postgresql", url, attempts, capacity, keep=True))
        intact = _report(result) and intact
    return 0 if intact else 1


if __name__ == "__main__":
    sys.exit(main())

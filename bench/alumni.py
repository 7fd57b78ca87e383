"""How long a page of the alumni directory takes on SQLite with 50,000 profiles.

    python -m bench.alumni [--profiles 50000] [--repeat 20]

Run from the repository's root. A fresh SQLite file (migrated as in production) gets
two programmes of ten editions each, and ``--profiles`` alumni with a profile each, one
to three editions apiece; every field's audience is drawn (a quarter each of nobody,
the same edition, the same programme, all alumni), as are countries, languages and
interests. Then ``events.alumni.directory.search`` is timed as one viewer (an alumnus
of two editions) would call it, for the first page and a deep one without filters, and
for each filter alone and combined. Printed: the median and the slowest of
``--repeat`` runs, in milliseconds, and how many people the page showed. The goal
(issue 16) is under 50 ms a page.
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from events.alumni.directory import DirectoryFilter, search
from events.alumni.profiles import INTERESTS, SPOKEN, packed
from events.migrations.runner import upgrade
from events.models import AlumniProfile, Alumnus, Event, Participant, Programme
from events.store import create_engine, create_sessionmaker

NOW = datetime(2027, 1, 10, 12, tzinfo=UTC)
COUNTRIES = ["AM"] * 3 + ["AZ"] * 3 + ["GE"] * 3 + ["RU", "TR", "DE"]
CHUNK = 5000


async def _fill(url: str, profiles: int, seed: int) -> tuple[int, list[int], list[int]]:
    """The data; returns the viewer's participant id, the editions and the programmes."""
    draw = random.Random(seed)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            programmes = []
            for number in range(2):
                programme = Programme(
                    slug=f"programme-{number}",
                    kind="summer_school",
                    title={"en": f"Programme {number}"},
                    description={},
                    default_language="en",
                    status="published",
                    created_at=NOW,
                    updated_at=NOW,
                )
                session.add(programme)
                await session.flush()
                programmes.append(programme.id)
            editions: list[tuple[int, int]] = []
            for number in range(20):
                starts_at = NOW - timedelta(days=400 + 30 * number)
                event = Event(
                    programme_id=programmes[number % 2],
                    slug=f"edition-{number}",
                    title={"en": f"Edition {number}"},
                    description={},
                    default_language="en",
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(days=5),
                    timezone="Asia/Tbilisi",
                    city={"en": "Tbilisi"},
                    country="GE",
                    capacity=3000,
                    eligible_countries=[],
                    country_quotas={},
                    gender_quotas={},
                    questions=[],
                    status="completed",
                    created_at=NOW,
                    updated_at=NOW,
                )
                session.add(event)
                await session.flush()
                editions.append((event.id, event.programme_id))
            await session.commit()
            connection = await session.connection()
            viewer = 0
            for start in range(0, profiles, CHUNK):
                count = min(CHUNK, profiles - start)
                people = [
                    {
                        "name": f"Alumnus {start + i}",
                        "language": draw.choice(SPOKEN[:5]),
                        "country": draw.choice(COUNTRIES),
                        "is_reachable": True,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for i in range(count)
                ]
                result = await connection.execute(
                    insert(Participant).returning(Participant.id), people
                )
                ids = [row[0] for row in result]
                memberships, rows = [], []
                for pid in ids:
                    for event_id, programme_id in draw.sample(editions, draw.randint(1, 3)):
                        memberships.append(
                            {
                                "event_id": event_id,
                                "programme_id": programme_id,
                                "participant_id": pid,
                                "source": "attended",
                                "name": "",
                                "created_at": NOW,
                                "confirmed_at": NOW,
                            }
                        )
                    rows.append(
                        {
                            "participant_id": pid,
                            "bio": "Hello",
                            "city": "Tbilisi",
                            "country": draw.choice(COUNTRIES),
                            "languages": packed(draw.sample(SPOKEN, draw.randint(1, 3))),
                            "interests": packed(draw.sample(INTERESTS, draw.randint(0, 3))),
                            "tags": "",
                            **{
                                f"{field}_seen": draw.randint(0, 3)
                                for field in (
                                    "name",
                                    "bio",
                                    "city",
                                    "country",
                                    "languages",
                                    "interests",
                                )
                            },
                            "created_at": NOW,
                            "updated_at": NOW,
                        }
                    )
                await connection.execute(insert(Alumnus), memberships)
                await connection.execute(insert(AlumniProfile), rows)
                viewer = viewer or ids[0]
            await session.commit()
            return viewer, [e for e, _ in editions], programmes
    finally:
        await engine.dispose()


async def _time(url: str, viewer: int, where: DirectoryFilter, page: int, repeat: int) -> str:
    engine = create_engine(url)
    try:
        sessionmaker = create_sessionmaker(engine)
        times, shown = [], 0
        for _ in range(repeat + 1):  # the first run warms the caches and is not counted
            async with sessionmaker() as session:
                started = time.perf_counter()
                found = await search(session, viewer, where, page)
                times.append((time.perf_counter() - started) * 1000)
                shown = len(found.cards)
        counted = times[1:]
        return (
            f"median {statistics.median(counted):6.1f} ms, slowest {max(counted):6.1f} ms, "
            f"{shown} shown"
        )
    finally:
        await engine.dispose()


async def main(profiles: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'alumni.db'}"
        await upgrade(url)
        started = time.perf_counter()
        viewer, editions, programmes = await _fill(url, profiles, seed=16)
        print(f"{profiles} profiles loaded in {time.perf_counter() - started:.1f} s")
        cases = [
            ("first page, no filter", DirectoryFilter(), 0),
            ("page 200, no filter", DirectoryFilter(), 200),
            ("programme", DirectoryFilter(programme_id=programmes[1]), 0),
            ("edition", DirectoryFilter(edition_id=editions[3]), 0),
            ("country", DirectoryFilter(country="AZ"), 0),
            ("language", DirectoryFilter(language="ka"), 0),
            ("interest", DirectoryFilter(interest="music"), 0),
            ("rare country (none)", DirectoryFilter(country="FR"), 0),
            (
                "edition + country + language + interest",
                DirectoryFilter(
                    edition_id=editions[2], country="GE", language="ru", interest="economy"
                ),
                0,
            ),
        ]
        for name, where, page in cases:
            print(f"{name:<42} {await _time(url, viewer, where, page, repeat)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.profiles, arguments.repeat))

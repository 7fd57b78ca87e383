"""The dashboard's event page with 5,000 registrations: server time and page weight.

    python -m bench.dashboard [--people N] [--repeat N]

Loads one event with ``N`` (default 5,000) registrations into a fresh SQLite file (people
from three countries, three genders, five languages; the first 400 confirmed, the rest on
the waiting list; rows written in bulk, since only reading is measured), serves the real
app with the dashboard under uvicorn in a second process, signs in as the event's
organiser (a session opened by the use case, as the sign-in link would) and times with a
minimal keep-alive HTTP/1.1 client on 127.0.0.1 (so the figure is the server's):

- the first page, unfiltered; the 60th page; a status and country filter; a name search;
- the overview, for scale.

Goal: under 200 ms (median) for the event page. Then the page's weight: the HTML and
every asset it loads (stylesheet and script), as sent (goal: under 200 KB).
"""

import argparse
import asyncio
import multiprocessing
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import uvicorn

from api.app import create_app
from events.access import SYSTEM, create_token
from events.dashboard_sign_in import start_session
from events.editions import build_event
from events.enums import PublicationStatus, RegistrationStatus, Role
from events.feeds.render import Links
from events.inputs import EventDraft, ProgrammeDraft
from events.migrations.runner import upgrade
from events.models import Participant, Registration
from events.programmes import create_programme, publish_programme
from events.store import create_engine, create_sessionmaker
from locales.translator import Catalogues
from redbridge.settings import Settings
from tests.support.ports import free_port
from web.app import install_dashboard
from web.config import DashboardConfig
from web.session import COOKIE

GOAL_MS = 200.0
GOAL_KB = 200.0
CONFIRMED = 400
ORGANISER = 555_000_001
COUNTRIES = ("AM", "AZ", "GE")
GENDERS = ("female", "male", None)
LANGUAGES = ("en", "hy", "az", "ka", "ru")
NAMES = ("Ani", "Nino", "Aysel", "Giorgi", "Armen", "Leyla", "Tamar", "Rashad", "Mariam")


async def _load(url: str, people: int, now: datetime) -> tuple[int, str]:
    """The event and its registrations; returns the event's id and a session's secret."""
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session:
            draft = ProgrammeDraft(slug="forum", kind="economic_forum", title={"en": "Forum"})
            programme = await create_programme(session, now, SYSTEM, draft)
            await publish_programme(session, now, SYSTEM, programme.slug)
            starts_at = now + timedelta(days=30)
            event = build_event(
                programme.id,
                EventDraft(
                    slug="forum-2027",
                    title={"en": "South Caucasus Economic Forum"},
                    description={"en": "Two days of panels."},
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(days=2),
                    timezone="Asia/Tbilisi",
                    venue="Expo",
                    city="Tbilisi",
                    country="GE",
                    capacity=CONFIRMED,
                ),
                now,
                PublicationStatus.PUBLISHED,
            )
            session.add(event)
            await session.flush()
            for number in range(people):
                person = Participant(
                    telegram_user_id=1_000_000 + number,
                    name=f"{NAMES[number % len(NAMES)]} {number:05d}",
                    language=LANGUAGES[number % len(LANGUAGES)],
                    country=COUNTRIES[number % 3],
                    gender=GENDERS[number % 3],
                    birth_year=1995 + number % 10,
                    created_at=now,
                    updated_at=now,
                )
                session.add(person)
                await session.flush()
                confirmed = number < CONFIRMED
                session.add(
                    Registration(
                        event_id=event.id,
                        participant_id=person.id,
                        status=RegistrationStatus.CONFIRMED
                        if confirmed
                        else RegistrationStatus.WAITLISTED,
                        answers={},
                        country=person.country,
                        gender=person.gender,
                        ticket_code=f"T{number:08d}" if confirmed else None,
                        created_at=now + timedelta(seconds=number),
                        updated_at=now,
                        confirmed_at=now if confirmed else None,
                        waitlisted_at=None if confirmed else now,
                    )
                )
            await session.commit()
            await create_token(
                session,
                now,
                role=Role.ORGANISER,
                name="bench",
                programme_slugs=["forum"],
                telegram_user_id=ORGANISER,
            )
            opened = await start_session(session, now, ORGANISER, timedelta(hours=2))
            return event.id, opened.secret
    finally:
        await engine.dispose()


def _serve(url: str, port: int, stop: EventType) -> None:
    async def serve() -> None:
        engine = create_engine(url)
        sessionmaker = create_sessionmaker(engine)
        links = Links(Settings().public_url)
        app = create_app(links, sessionmaker)
        install_dashboard(
            app, DashboardConfig(sessionmaker, lambda: datetime.now(UTC), links), Catalogues()
        )
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )

        async def stop_when_told() -> None:
            await asyncio.to_thread(stop.wait)
            server.should_exit = True

        stopper = asyncio.create_task(stop_when_told())
        try:
            await server.serve()
        finally:
            await stopper
            await engine.dispose()

    asyncio.run(serve())


class RawClient:
    """A minimal HTTP/1.1 keep-alive client: the request, then the status line, the
    headers and Content-Length bytes of body."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer

    @classmethod
    async def connect(cls, port: int) -> "RawClient":
        for _ in range(1000):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**24)
            except OSError:
                await asyncio.sleep(0.01)
            else:
                return cls(reader, writer)
        raise RuntimeError("the server did not start")

    async def get(self, path: str, cookie: str, gzip: bool = False) -> tuple[int, bytes]:
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", f"Cookie: {COOKIE}={cookie}"]
        if gzip:
            lines.append("Accept-Encoding: gzip")
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await self._writer.drain()
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self._reader.readexactly(length)

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()


def _summary(samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=20)[-1]
    return f"median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms"


async def _measure(port: int, event_id: int, secret: str, repeat: int) -> tuple[float, float]:
    client = await RawClient.connect(port)
    pages = {
        "event page, first page": f"/dashboard/events/{event_id}",
        "event page, 60th page": f"/dashboard/events/{event_id}?page=60",
        "waiting list from Georgia": f"/dashboard/events/{event_id}?status=waitlisted&country=GE",
        "name search 'nino'": f"/dashboard/events/{event_id}?name=nino",
        "overview (for scale)": "/dashboard",
    }
    medians = {}
    for label, path in pages.items():
        status, _body = await client.get(path, secret)  # warm: Babel, templates, SQLite cache
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            await client.get(path, secret)
            samples.append((time.perf_counter() - started) * 1000)
        medians[label] = statistics.median(samples)
        print(f"{label:28} {_summary(samples)}")
    # The page's weight: its HTML and the assets it links to, as sent.
    _status, html = await client.get(pages["event page, first page"], secret)
    assets = re.findall(rb'(?:href|src)="(/dashboard/static/[^"]+)"', html)
    total = len(html)
    print(f"page weight: HTML {len(html) / 1024:.1f} KB", end="")
    for asset in assets:
        _status, body = await client.get(asset.decode(), secret)
        total += len(body)
        print(f", {asset.decode().split('/')[-1].split('?')[0]} {len(body) / 1024:.1f} KB", end="")
    print(f"; total {total / 1024:.1f} KB (uncompressed)")
    await client.close()
    worst = max(v for k, v in medians.items() if k.startswith(("event", "waiting", "name")))
    return worst, total / 1024


def run(url: str, people: int, repeat: int) -> bool:
    event_id, secret = asyncio.run(_prepare(url, people))
    port = free_port()
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    server = context.Process(target=_serve, args=(url, port, stop))
    server.start()
    try:
        worst, weight = asyncio.run(_measure(port, event_id, secret, repeat))
    finally:
        stop.set()
        server.join(timeout=60)
    print(
        f"goal {'met' if worst < GOAL_MS else 'MISSED'}: the slowest event page's median "
        f"{worst:.1f} ms (under {GOAL_MS:.0f} ms)"
    )
    print(
        f"goal {'met' if weight < GOAL_KB else 'MISSED'}: the page with its assets "
        f"{weight:.1f} KB (under {GOAL_KB:.0f} KB)"
    )
    return True


async def _prepare(url: str, people: int) -> tuple[int, str]:
    await upgrade(url)
    return await _load(url, people, datetime.now(UTC).replace(microsecond=0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="redbridge-dashboard-") as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        print(f"database: SQLite (temporary file), {args.people} registrations")
        ok = run(url, args.people, args.repeat)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Calendar feed timings over HTTP: cold build, unchanged feed served again, 304.

    python bench/feeds.py [--events N] [--repeat N] [--database-url URL]

Loads ``N`` (default 1,000) published events into a fresh SQLite file (or the database
given, which must be empty: it is migrated first), serves the real app under uvicorn on
127.0.0.1 in a second process, as a server would be, and fetches ``/calendar/all.ics``:

1. cold: the first request, which renders the whole feed with icalendar;
2. unchanged: the same request again, answered from the feed cache after one cheap
   query (goal: under 10 ms);
3. conditional: the same request with ``If-None-Match``, answered ``304``.

Figures 2 and 3 are medians (and 95th percentiles) over ``--repeat`` requests, each with
two clients asking for gzip as calendar apps do: httpx, whose own work in Python is a
large part of what it measures, and a minimal keep-alive HTTP/1.1 client, which shows
the server's cost; the goal is judged on the latter. ``GET /healthz`` (one ``SELECT 1``)
is printed for scale. The server reports how often it built the feed (once).
"""

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import httpx
import uvicorn

from api.app import create_app
from events.access import SYSTEM
from events.editions import build_event
from events.enums import PublicationStatus
from events.feeds.cache import FeedCache
from events.feeds.render import Links
from events.inputs import EventDraft, ProgrammeDraft
from events.migrations.runner import upgrade
from events.programmes import create_programme, publish_programme
from events.store import create_engine, create_sessionmaker
from redbridge.settings import Settings
from tests.support.ports import free_port

GOAL_MS = 10.0
PLACES = (
    ("Yerevan", "AM", "Asia/Yerevan"),
    ("Baku", "AZ", "Asia/Baku"),
    ("Tbilisi", "GE", "Asia/Tbilisi"),
)
TITLES = {
    "en": "Town hall debate",
    "hy": "Քաղաքային քննարկում",
    "az": "Şəhər müzakirəsi",
    "ka": "საქალაქო დებატები",
    "ru": "Городские дебаты",
}


async def _load(url: str, count: int, now: datetime) -> None:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session:
            draft = ProgrammeDraft(slug="town-halls", kind="town_hall", title={"en": "Town halls"})
            programme = await create_programme(session, now, SYSTEM, draft)
            await publish_programme(session, now, SYSTEM, programme.slug)
            for number in range(count):
                city, country, zone = PLACES[number % len(PLACES)]
                starts_at = now + timedelta(days=1 + number, hours=number % 9)
                event = EventDraft(
                    slug=f"town-hall-{number:04d}",
                    title={code: f"{text} #{number}" for code, text in TITLES.items()},
                    description={"en": "An open debate.\nEveryone is welcome; bring a friend."},
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=2),
                    timezone=zone,
                    venue="Public library",
                    city=city,
                    country=country,
                    capacity=100,
                )
                session.add(build_event(programme.id, event, now, PublicationStatus.PUBLISHED))
            await session.commit()
    finally:
        await engine.dispose()


def _serve(url: str, port: int, stop: EventType) -> None:
    """The server process: the real app under uvicorn until ``stop``, then its cache counts."""

    async def serve() -> None:
        engine = create_engine(url)
        cache = FeedCache()
        links = Links(Settings().public_url)
        app = create_app(links, create_sessionmaker(engine), feed_cache=cache)
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
        print(f"   the server built the feed {cache.builds} time(s), {cache.hits} cache hits")

    asyncio.run(serve())


class RawClient:
    """A minimal HTTP/1.1 keep-alive client, as light as a calendar app's: it sends the
    request and reads the status line, the headers and Content-Length bytes of body."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer

    @classmethod
    async def connect(cls, port: int) -> "RawClient":
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**24)
        return cls(reader, writer)

    async def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Accept-Encoding: gzip"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
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


async def _timed(
    get: Callable[[str, dict[str, str]], Awaitable[int]],
    headers: dict[str, str],
    status: int,
    path: str = "/calendar/all.ics",
) -> float:
    started = time.perf_counter()
    answered = await get(path, headers)
    elapsed = (time.perf_counter() - started) * 1000
    if answered != status:
        raise RuntimeError(f"{path}: expected {status}, got {answered}")
    return elapsed


def _summary(samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=20)[-1]
    return f"median {statistics.median(samples):6.2f} ms   p95 {p95:6.2f} ms"


async def _measure(port: int, repeat: int) -> float:
    """Print the figures; return the median of an unchanged feed for the minimal client."""
    for _ in range(1000):
        try:
            probe = await RawClient.connect(port)
        except OSError:
            await asyncio.sleep(0.01)
        else:
            await probe.close()
            break
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:

        async def with_httpx(path: str, headers: dict[str, str]) -> int:
            return (await client.get(path, headers=headers)).status_code

        started = time.perf_counter()
        first = await client.get("/calendar/all.ics")
        cold = (time.perf_counter() - started) * 1000
        first.raise_for_status()
        etag = first.headers["etag"]
        raw = await RawClient.connect(port)

        async def with_raw(path: str, headers: dict[str, str]) -> int:
            return (await raw.get(path, headers))[0]

        figures: dict[str, dict[str, list[float]]] = {}
        for name, get in (("httpx", with_httpx), ("minimal client", with_raw)):
            figures[name] = {
                "unchanged": [await _timed(get, {}, 200) for _ in range(repeat)],
                "304": [await _timed(get, {"If-None-Match": etag}, 304) for _ in range(repeat)],
                "healthz": [await _timed(get, {}, 200, "/healthz") for _ in range(repeat)],
            }
        await raw.close()

    packed = first.num_bytes_downloaded / 1024
    size = f"{len(first.content) / 1024:.0f} KiB, {packed:.0f} KiB gzipped"
    print(f"feed of {len(read_events(first.content))} events: {size}")
    print(f"1. cold build (first request)       {cold:8.1f} ms")
    for name, measured in figures.items():
        print(f"   with {name}:")
        print(f"2. unchanged, served again          {_summary(measured['unchanged'])}")
        print(f"3. conditional, 304 Not Modified    {_summary(measured['304'])}")
        print(f"   for scale: GET /healthz          {_summary(measured['healthz'])}")
    return statistics.median(figures["minimal client"]["unchanged"])


def read_events(body: bytes) -> list[bytes]:
    return [line for line in body.split(b"\r\n") if line == b"BEGIN:VEVENT"]


async def _prepare(url: str, count: int) -> None:
    await upgrade(url)
    await _load(url, count, datetime.now(UTC).replace(microsecond=0))


def run(url: str, count: int, repeat: int) -> bool:
    """Load the data, serve it from a second process (as a real server would be), measure."""
    asyncio.run(_prepare(url, count))
    port = free_port()
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    server = context.Process(target=_serve, args=(url, port, stop))
    server.start()
    try:
        unchanged = asyncio.run(_measure(port, repeat))
    finally:
        stop.set()
        server.join(timeout=60)
    met = unchanged < GOAL_MS
    print(f"goal {'met' if met else 'MISSED'}: unchanged feed served in under {GOAL_MS:.0f} ms")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite)")
    args = parser.parse_args()
    if args.database_url:
        print(f"database: {args.database_url.split('@')[-1]}")
        ok = run(args.database_url, args.events, args.repeat)
    else:
        with tempfile.TemporaryDirectory(prefix="redbridge-feeds-") as directory:
            url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
            print("database: SQLite (temporary file)")
            ok = run(url, args.events, args.repeat)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Many people writing at once under Telegram's limits, with and without a broadcast.

    python -m bench.bot_burst [--people 200 1000] [--recipients N] [--skip-broadcast]

Run from the repository's root. The project's Telegram emulator runs in this process and
enforces Telegram's limits (30 messages a second per bot, one a second per chat); the
real ``python -m redbridge serve`` runs as a child process on a temporary SQLite file,
long-polling the emulator, exactly as deployed.

For each number of people: that many new people send ``/start`` and ``/help``, spread
evenly over one second (a QR code on a concert screen). Each is owed two messages (the
welcome with the language picker, one message since #13 item 8, and the help). Printed:
how many were answered, p50/p95/max time from ``/start`` to the first reply and to the
second, 429 answers, and the sending rate. Then the same while a broadcast to
``--recipients`` people (default 2,000) drains: the people write once the broadcast is
under way, and the broadcast's own rate is printed as well.

The goal (issue 18): everyone answered; first-reply p95 within what the limit allows
(two messages each: about ``2 × people / 30`` seconds) plus one second; no 429; and the
whole sending rate near the limit. Figures only; the exit status is 0 unless something
failed.
"""

import argparse
import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.broadcast import FIRST_ID, prepare
from emulator import ChatMessage, SimulatedUser, TelegramEmulator
from events.access import SYSTEM
from events.broadcast_inputs import BroadcastDraft
from events.broadcasts import create_broadcast
from events.store import create_engine, create_sessionmaker
from redbridge.settings import DISPATCH_CHAT_BURST

TOKEN = "123456:BENCH-BURST"
RATE = 30
WRITER_IDS = 70_000_000


@dataclass
class Log:
    """When the emulator stored each message from the bot, per chat (monotonic seconds)."""

    at: dict[int, list[float]]

    @classmethod
    def install(cls, tg: TelegramEmulator) -> "Log":
        log = cls({})
        store = tg.state.store

        def logged(chat: object, message: ChatMessage) -> None:
            store(chat, message)  # type: ignore[arg-type]
            if message.from_bot:
                log.at.setdefault(message.chat_id, []).append(time.monotonic())

        setattr(tg.state, "store", logged)  # noqa: B010 - wrapping on purpose
        return log

    def all_times(self) -> list[float]:
        return sorted(moment for moments in self.at.values() for moment in moments)


@contextlib.contextmanager
def serving(database_url: str, tg: TelegramEmulator, workdir: Path) -> Iterator[str]:
    """``python -m redbridge serve`` against the emulator; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith("REDBRIDGE_")}
    env |= {
        "REDBRIDGE_DATABASE_URL": database_url,
        "REDBRIDGE_BOT_TOKEN": tg.token,
        "REDBRIDGE_TELEGRAM_API_URL": tg.base_url,
        "REDBRIDGE_HOST": "127.0.0.1",
        "REDBRIDGE_PORT": str(port),
        "REDBRIDGE_DISPATCH_RATE": str(RATE),
        "REDBRIDGE_LOG_LEVEL": "WARNING",
    }
    with (workdir / "serve.log").open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "redbridge", "serve"],
            cwd=workdir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(90)


async def until_serving(base_url: str, tg: TelegramEmulator) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as client:
        for _ in range(1200):
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/healthz")).status_code == 200 and tg.stats.calls[
                    "getUpdates"
                ]:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError("redbridge serve did not come up")


async def write(people: list[SimulatedUser]) -> list[float]:
    """Each sends /start and /help, evenly over one second; when each wrote."""
    began = time.monotonic()
    wrote = []
    for number, person in enumerate(people):
        await asyncio.sleep(max(0.0, began + number / len(people) - time.monotonic()))
        wrote.append(time.monotonic())
        await person.send("/start")
        await person.send("/help")
    return wrote


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p50 = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {p50:.2f} s, p95 {p95:.2f} s, max {ordered[-1]:.2f} s"


async def one_run(people_count: int, recipients: int, broadcast: bool) -> bool:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="redbridge-bench-burst-") as directory:
        url = f"sqlite+aiosqlite:///{directory}/bench.db"
        event_id, _ = await prepare(url, recipients, 0, now)
        async with TelegramEmulator(TOKEN, "redbridge_bench_bot") as tg:
            tg.flood_limits(
                enabled=True,
                global_per_second=RATE,
                per_chat_per_second=1,
                per_chat_burst=DISPATCH_CHAT_BURST,
            )
            for number in range(recipients):
                tg.user(FIRST_ID + number, f"Person {number}", started=True)
            writers = [tg.user(WRITER_IDS + n, f"Guest {n}") for n in range(people_count)]
            log = Log.install(tg)
            with serving(url, tg, Path(directory)) as base_url:
                await until_serving(base_url, tg)
                if broadcast:
                    await start_broadcast(url, event_id)
                    while len(log.all_times()) < 150:  # five seconds of draining
                        await asyncio.sleep(0.05)
                too_many_before = tg.stats.too_many_requests
                wrote = await write(writers)
                deadline = time.monotonic() + 4 * people_count / RATE + 60
                while time.monotonic() < deadline and not all(
                    len(log.at.get(person.id, [])) >= 2 for person in writers
                ):
                    await asyncio.sleep(0.1)
                too_many = tg.stats.too_many_requests - too_many_before
                if broadcast:
                    while time.monotonic() < deadline + recipients / RATE and (
                        sum(1 for n in range(recipients) if FIRST_ID + n in log.at) < recipients
                    ):
                        await asyncio.sleep(0.2)
            report(people_count, recipients if broadcast else 0, writers, wrote, log, too_many)
    return True


async def start_broadcast(url: str, event_id: int) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            draft = BroadcastDraft.model_validate(
                {"texts": {"en": "The concert starts at 19:00.", "ru": "Концерт в 19:00."}}
            )
            await create_broadcast(session, datetime.now(UTC), SYSTEM, event_id, draft)
    finally:
        await engine.dispose()


def report(
    people_count: int,
    recipients: int,
    writers: list[SimulatedUser],
    wrote: list[float],
    log: Log,
    too_many: int,
) -> None:
    firsts, seconds = [], []
    for person, at in zip(writers, wrote, strict=True):
        times = log.at.get(person.id, [])
        if times:
            firsts.append(times[0] - at)
        if len(times) >= 2:
            seconds.append(times[1] - at)
    window_end = max((log.at[p.id][-1] for p in writers if p.id in log.at), default=wrote[-1])
    sent_meanwhile = sum(1 for moment in log.all_times() if wrote[0] <= moment <= window_end)
    span = max(window_end - wrote[0], 1e-9)
    title = f"{people_count} people" + (
        f" during a {recipients}-message broadcast" if recipients else ""
    )
    print(f"\n{title}:")
    print(f"  answered: {len(firsts)} of {people_count} (both messages: {len(seconds)})")
    print(f"  first reply: {percentiles(firsts)}; second: {percentiles(seconds)}")
    goal = 2 * people_count / RATE + 1
    p95 = sorted(firsts)[min(len(firsts) - 1, int(len(firsts) * 0.95))] if firsts else 0.0
    print(f"  goal: first-reply p95 ≤ {goal:.1f} s: {'met' if p95 <= goal else 'MISSED'}")
    print(
        f"  429 answers: {too_many}; sent while they were answered: {sent_meanwhile} in "
        f"{span:.1f} s = {sent_meanwhile / span:.1f}/s ({sent_meanwhile / span / RATE:.2f} "
        "of the limit)"
    )
    if recipients:
        broadcast_times = sorted(
            moment for n in range(recipients) for moment in log.at.get(FIRST_ID + n, [])
        )
        if len(broadcast_times) > 1:
            whole = broadcast_times[-1] - broadcast_times[0]
            print(
                f"  broadcast: {len(broadcast_times)} of {recipients} delivered in {whole:.1f} s"
                f" = {(len(broadcast_times) - 1) / whole:.1f}/s overall, "
                f"{sum(1 for m in broadcast_times if wrote[0] <= m <= window_end)} of them "
                "while the people were answered"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--people", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--skip-broadcast", action="store_true")
    args = parser.parse_args()
    print(
        f"Telegram's limits enforced by the emulator: {RATE} messages a second per bot, "
        "one a second per chat; redbridge serve on SQLite."
    )
    for people in args.people:
        asyncio.run(one_run(people, args.recipients, broadcast=False))
        if not args.skip_broadcast:
            asyncio.run(one_run(people, args.recipients, broadcast=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

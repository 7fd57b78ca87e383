"""The pacer alone: even spacing, a sliding window that never holds more than ``rate``
arrivals however requests are delayed or complete out of order, one message a second
per chat, and a pause for everyone after a 429.

Most tests run on a loop with a virtual clock (``tests.support.virtual_time``): waits
cost no real time and every delay is exact. The model of a request: it starts when the
pacer grants a slot, reaches Telegram (is counted there) at some moment before it
completes, and calls ``done()`` when its answer is back. One test runs on the real loop.
"""

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sending.pacing import CATCH_UP, MARGIN, Pacer, Slot
from tests.support.virtual_time import Deadlock, run_in_virtual_time

# Slack when comparing virtual times (each turn of the virtual loop takes a nanosecond).
EPSILON = 1e-6


async def take(pacer: Pacer, chat: int) -> Slot:
    """A slot (the pacer is never interrupted in these tests)."""
    slot = await pacer.acquire(chat)
    assert slot is not None
    return slot


def about(seconds: float) -> object:
    return pytest.approx(seconds, abs=EPSILON)


@dataclass(frozen=True)
class Request:
    """One planned send: to ``chat``, taking ``latency`` seconds; Telegram counts it
    ``arrival`` (a fraction of the latency) after it started."""

    chat: int
    latency: float = 0.0
    arrival: float = 1.0


@dataclass(frozen=True)
class Sent:
    chat: int
    started: float
    arrived: float
    done: float


async def _complete(slot: Slot, latency: float) -> None:
    await asyncio.sleep(latency)
    slot.done()


async def send_all(pacer: Pacer, plan: Sequence[Request]) -> list[Sent]:
    """Send the plan in order, each as soon as the pacer allows, as the dispatcher does:
    acquire a slot, start the request, and acquire the next while it is in flight."""
    loop = asyncio.get_running_loop()
    sent: list[Sent] = []
    in_flight: list[asyncio.Task[None]] = []
    for request in plan:
        slot = await take(pacer, request.chat)
        started = loop.time()
        arrived = started + request.arrival * request.latency
        sent.append(Sent(request.chat, started, arrived, started + request.latency))
        in_flight.append(asyncio.create_task(_complete(slot, request.latency)))
    await asyncio.gather(*in_flight)
    return sent


def most_in_any_window(moments: Sequence[float], seconds: float = 1.0) -> int:
    """The most moments any half-open window ``[t, t + seconds)`` holds (Telegram's and
    the emulator's sliding window: a send exactly a window ago no longer counts)."""
    ordered = sorted(moments)
    most, first = 0, 0
    for last, moment in enumerate(ordered):
        while ordered[first] <= moment - seconds:
            first += 1
        most = max(most, last - first + 1)
    return most


def closest(moments: Sequence[float]) -> float:
    """The smallest gap between two moments (infinite for fewer than two)."""
    ordered = sorted(moments)
    return min((b - a for a, b in zip(ordered, ordered[1:], strict=False)), default=float("inf"))


def spaced(starts: Sequence[float], rate: float) -> bool:
    """Starts keep the spacing of ``1 / rate``, but for a catch-up: ``k`` starts after
    any start take at least ``k / rate`` less ``CATCH_UP`` seconds."""
    return all(
        later - earlier >= k / rate - CATCH_UP - EPSILON
        for i, earlier in enumerate(starts)
        for k, later in enumerate(starts[i + 1 :], start=1)
    )


def by_chat(sent: Sequence[Sent]) -> dict[int, list[Sent]]:
    chats: dict[int, list[Sent]] = {}
    for one in sent:
        chats.setdefault(one.chat, []).append(one)
    return chats


def bucket_overflows(moments: Sequence[float], capacity: int, rate: float) -> int:
    """How many of the moments a token bucket (Telegram's tolerance of short bursts, as
    the emulator models it) of ``capacity`` sends, refilled at ``rate`` a second, refuses."""
    tokens, last, refused = float(capacity), 0.0, 0
    for moment in sorted(moments):
        tokens = min(capacity, tokens + (moment - last) * rate)
        last = moment
        if tokens >= 1 - EPSILON:
            tokens -= 1
        else:
            refused += 1
    return refused


def run(rate: float, per_chat: float, plan: Sequence[Request], burst: int = 0) -> list[Sent]:
    async def main() -> list[Sent]:
        return await send_all(Pacer(rate, per_chat, per_chat_burst=burst), plan)

    return run_in_virtual_time(main)


# --- Spacing and the window -------------------------------------------------------------


def test_starts_are_spaced_evenly_not_bunched_at_the_start_of_a_window() -> None:
    sent = run(10, 1, [Request(chat) for chat in range(10)])

    starts = [one.started for one in sent]
    assert starts[0] == about(0.0)
    assert closest(starts) >= 0.1 - EPSILON
    assert starts[-1] == about(0.9)


def test_a_sender_that_fell_behind_catches_up_a_bounded_burst() -> None:
    """Time lost between sends (reading the next rows, say) may be made up, but never
    more than ``CATCH_UP`` seconds of it: then the even spacing resumes."""
    rate = 20

    async def main() -> list[float]:
        loop = asyncio.get_running_loop()
        pacer = Pacer(rate, 1)
        first = await take(pacer, 0)
        first.done()
        await asyncio.sleep(2)  # idle
        starts = []
        for chat in range(1, 16):
            slot = await take(pacer, chat)
            starts.append(loop.time())
            slot.done()
        return starts

    starts = run_in_virtual_time(main)
    burst = [start for start in starts if start <= starts[0] + EPSILON]
    assert 1 < len(burst) <= CATCH_UP * rate + 1
    after = starts[len(burst) - 1 :]
    assert closest(after) >= 1 / rate - EPSILON
    assert spaced(starts, rate)


def test_the_window_holds_rate_sends_then_waits_a_second_after_the_first_completed() -> None:
    # Five a second, each answered 0.3 s after it started.
    sent = run(5, 1, [Request(chat, latency=0.3) for chat in range(11)])

    starts = [one.started for one in sent]
    # The sixth may start once the first completed (0.3) a window (1 s) ago.
    assert starts[5] == about(0.3 + 1 + MARGIN)
    assert starts[10] == about(starts[5] + 0.3 + 1 + MARGIN)
    assert most_in_any_window([one.arrived for one in sent]) <= 5


def test_a_send_still_in_flight_holds_the_window_although_later_ones_completed() -> None:
    # Three a second; the first takes 4 s, the next ones answer at once.
    plan = [Request(0, latency=4.0, arrival=0.99)] + [Request(chat) for chat in range(1, 6)]
    sent = run(3, 1, plan)

    # The fourth decides on the first send, which completes at 4.0, whatever the others did.
    assert sent[3].started == about(4.0 + 1 + MARGIN)
    assert most_in_any_window([one.arrived for one in sent]) <= 3


def test_a_send_that_never_completes_stops_sending_after_the_window_is_full() -> None:
    async def main() -> None:
        pacer = Pacer(2, 1)
        await take(pacer, 1)  # never done
        second = await take(pacer, 2)
        second.done()
        await take(pacer, 3)

    with pytest.raises(Deadlock):
        run_in_virtual_time(main)


@settings(max_examples=300, deadline=None)
@given(
    rate=st.sampled_from([1, 2, 3, 4.5, 7, 10, 30]),
    per_chat=st.sampled_from([0.5, 1.0, 2.0]),
    burst=st.sampled_from([0, 0, 1, 2]),
    plan=st.lists(
        st.builds(
            Request,
            chat=st.integers(0, 6),
            latency=st.floats(0.0, 3.0),
            arrival=st.floats(0.0, 1.0),
        ),
        min_size=1,
        max_size=80,
    ),
)
def test_no_window_ever_holds_more_than_the_limit_whatever_the_latencies(
    rate: float, per_chat: float, burst: int, plan: list[Request]
) -> None:
    sent = run(rate, per_chat, plan, burst)

    assert len(sent) == len(plan)
    arrivals = [one.arrived for one in sent]
    assert most_in_any_window(arrivals) <= int(rate)
    for chat, messages in by_chat(sent).items():
        chat_arrivals = [one.arrived for one in messages]
        if burst == 0:
            gap = closest(chat_arrivals)
            assert gap >= 1 / per_chat - EPSILON, f"chat {chat}: arrivals {gap:.3f} s apart"
        assert bucket_overflows(chat_arrivals, 1 + burst, per_chat) == 0, f"chat {chat}"
        assert most_in_any_window(chat_arrivals, (1 + burst) / per_chat) <= 1 + burst
    # Completions out of order (a slow request before fast ones) are part of the plans.
    starts = [one.started for one in sent]
    assert starts == sorted(starts)
    assert spaced(starts, rate)


def test_a_fractional_rate_rounds_the_window_down() -> None:
    sent = run(2.5, 1, [Request(chat, latency=0.1) for chat in range(12)])

    assert most_in_any_window([one.arrived for one in sent]) <= 2


def test_a_rate_below_one_a_second_widens_the_window() -> None:
    sent = run(0.5, 1, [Request(chat, latency=0.1) for chat in range(4)])

    assert closest([one.arrived for one in sent]) >= 2.0


@pytest.mark.parametrize(("rate", "per_chat"), [(0, 1), (30, 0), (-1, 1)])
def test_rates_must_be_positive(rate: float, per_chat: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        Pacer(rate, per_chat)


# --- One chat -------------------------------------------------------------------------


def test_one_chat_gets_one_message_a_second_counted_from_the_last_answer() -> None:
    sent = run(30, 1, [Request(7, latency=0.2) for _ in range(5)])

    starts = [one.started for one in sent]
    for before, after in zip(starts, starts[1:], strict=False):
        assert after - before == about(0.2 + 1 + MARGIN)


def test_a_chat_may_get_a_short_burst_then_its_average_rate() -> None:
    """Three messages to one chat go at once with a burst of two; the fourth waits until
    the first completed three seconds ago, so the chat averages one a second."""
    sent = run(30, 1, [Request(7, latency=0.2) for _ in range(7)], burst=2)

    starts = [one.started for one in sent]
    assert starts[2] - starts[0] == about(2 / 30)  # only the overall spacing between them
    assert starts[3] == about(0.2 + 3 + MARGIN)
    assert starts[6] == about(starts[3] + 0.2 + 3 + MARGIN)
    assert bucket_overflows([one.arrived for one in sent], 3, 1) == 0


def test_a_burst_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        Pacer(30, 1, per_chat_burst=-1)


def test_other_chats_are_not_held_up_by_a_busy_one() -> None:
    sent = run(30, 1, [Request(1, latency=0.05), Request(1), Request(2), Request(3)])
    # Sent in the order asked: the second message to chat 1 waits, and the caller with it.
    assert sent[1].started == about(0.05 + 1 + MARGIN)

    async def main() -> list[int]:
        pacer = Pacer(30, 1)
        slot = await take(pacer, 1)
        busy = pacer.busy_chats()
        slot.done()
        return busy

    # The dispatcher asks which chats are busy and claims messages for the others.
    assert run_in_virtual_time(main) == [1]


def test_a_chat_is_busy_until_a_second_after_its_answer() -> None:
    async def main() -> list[tuple[float, list[int]]]:
        loop = asyncio.get_running_loop()
        pacer = Pacer(30, 1)
        seen = []
        slot = await take(pacer, 4)
        seen.append((loop.time(), pacer.busy_chats()))
        await asyncio.sleep(0.5)
        slot.done()
        assert pacer.chat_free_at(4) == about(1.5 + MARGIN)
        await asyncio.sleep(0.9)
        seen.append((loop.time(), pacer.busy_chats()))
        await asyncio.sleep(0.2)
        seen.append((loop.time(), pacer.busy_chats()))
        return seen

    assert [busy for _, busy in run_in_virtual_time(main)] == [[4], [4], []]


def test_a_faster_per_chat_rate_shortens_the_chat_window() -> None:
    sent = run(30, 2, [Request(9) for _ in range(4)])

    assert closest([one.started for one in sent]) == about(0.5 + MARGIN)


# --- 429 ---------------------------------------------------------------------------------


def test_a_pause_holds_every_chat_until_it_is_over() -> None:
    async def main() -> list[float]:
        loop = asyncio.get_running_loop()
        pacer = Pacer(30, 1)
        first = await take(pacer, 1)
        first.done()
        pacer.pause(3)  # Telegram answered 429 with retry_after 3
        starts = []
        for chat in (2, 3, 4):
            slot = await take(pacer, chat)
            starts.append(loop.time())
            slot.done()
        return starts

    starts = run_in_virtual_time(main)
    assert starts[0] == about(3.0)
    assert spaced(starts, 30)


def test_a_pause_during_a_wait_extends_it() -> None:
    async def main() -> float:
        loop = asyncio.get_running_loop()
        pacer = Pacer(30, 1)
        first = await take(pacer, 1)
        first.done()

        async def paused_later() -> None:
            await asyncio.sleep(0.5)
            pacer.pause(2)

        pausing = asyncio.create_task(paused_later())
        second = await take(pacer, 1)  # would be free at 1.005 without the pause
        second.done()
        await pausing
        return loop.time()

    assert run_in_virtual_time(main) == about(2.5)


def test_a_shorter_pause_does_not_shorten_a_longer_one() -> None:
    async def main() -> float:
        loop = asyncio.get_running_loop()
        pacer = Pacer(30, 1)
        pacer.pause(5)
        pacer.pause(1)
        slot = await take(pacer, 1)
        slot.done()
        return loop.time()

    assert run_in_virtual_time(main) == about(5.0)


# --- The real loop ------------------------------------------------------------------------


async def test_on_the_real_loop_the_window_holds_with_random_latencies() -> None:
    """40 sends at 20 a second with real delays of up to 80 ms: about 2 s."""
    generator = random.Random(20261128)
    plan = [
        Request(generator.randrange(200), generator.uniform(0, 0.08), generator.random())
        for _ in range(40)
    ]
    loop = asyncio.get_running_loop()
    began = loop.time()

    sent = await send_all(Pacer(20, 1), plan)

    assert most_in_any_window([one.arrived for one in sent]) <= 20
    for messages in by_chat(sent).values():
        assert closest([one.arrived for one in messages]) >= 1.0
    # A repeated chat holds up the sends behind it (they go in order): allow for a few.
    assert loop.time() - began < 8

"""Who goes next when many wait: replies before the outbox, in the order people wrote,
a busy chat holding up only its own messages, and a caller who gives up freeing its place.

On the virtual clock of ``tests.support.virtual_time``, like the pacer's own tests.
"""

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from sending.pacing import Lane, Pacer, Slot
from tests.sending.test_pacing import most_in_any_window
from tests.support.virtual_time import run_in_virtual_time


async def granted_order(
    pacer: Pacer, waiters: list[tuple[str, int, Lane, float]], latency: float = 0.01
) -> list[tuple[str, float]]:
    """Queue every waiter at once (name, chat, lane, rank); return (name, start) in the
    order the pacer granted them. Each request takes ``latency`` seconds."""
    loop = asyncio.get_running_loop()
    order: list[tuple[str, float]] = []

    async def one(name: str, chat: int, lane: Lane, rank: float) -> None:
        slot = await pacer.acquire(chat, lane, rank)
        assert slot is not None
        order.append((name, loop.time()))
        await asyncio.sleep(latency)
        slot.done()

    tasks = [asyncio.create_task(one(*waiter)) for waiter in waiters]
    await asyncio.gather(*tasks)
    return order


def names(order: list[tuple[str, float]]) -> list[str]:
    return [name for name, _ in order]


def test_replies_go_before_the_outbox_whoever_asked_first() -> None:
    async def main() -> list[tuple[str, float]]:
        pacer = Pacer(10, 1)
        outbox = [(f"outbox-{i}", 100 + i, Lane.OUTBOX, 0.0) for i in range(5)]
        replies = [(f"reply-{i}", 200 + i, Lane.REPLY, float(i)) for i in range(3)]
        return await granted_order(pacer, outbox + replies)

    order = names(run_in_virtual_time(main))
    # The first outbox message was granted at once (nobody else was waiting yet); then
    # every reply, then the rest of the outbox.
    assert order == ["outbox-0", "reply-0", "reply-1", "reply-2"] + [
        f"outbox-{i}" for i in range(1, 5)
    ]


def test_replies_go_in_the_order_people_wrote_not_the_order_they_asked() -> None:
    async def main() -> list[tuple[str, float]]:
        pacer = Pacer(5, 1)
        blocker = await pacer.acquire(1, Lane.REPLY, 0.0)  # holds the first slot a while
        assert blocker is not None
        waiters = [(f"update-{rank}", 10 + rank, Lane.REPLY, float(rank)) for rank in (5, 3, 4)]
        pending = asyncio.create_task(granted_order(pacer, waiters))
        await asyncio.sleep(0.5)
        blocker.done()
        return await pending

    assert names(run_in_virtual_time(main)) == ["update-3", "update-4", "update-5"]


def test_a_busy_chat_holds_up_only_its_own_messages() -> None:
    async def main() -> list[tuple[str, float]]:
        pacer = Pacer(30, 1)
        waiters = [
            ("alice-1", 1, Lane.REPLY, 1.0),
            ("alice-2", 1, Lane.REPLY, 1.0),
            ("bob", 2, Lane.REPLY, 2.0),
            ("carol", 3, Lane.OUTBOX, 0.0),
        ]
        return await granted_order(pacer, waiters)

    order = run_in_virtual_time(main)
    assert names(order) == ["alice-1", "bob", "carol", "alice-2"]
    starts = dict(order)
    # Alice's second message waits for her chat's second; the others did not wait for it.
    assert starts["alice-2"] >= starts["alice-1"] + 1.0
    assert starts["carol"] < 0.2


def test_one_persons_messages_keep_their_order() -> None:
    async def main() -> list[tuple[str, float]]:
        pacer = Pacer(30, 1)
        waiters = [(f"message-{i}", 7, Lane.REPLY, 1.0) for i in range(4)]
        return await granted_order(pacer, waiters)

    assert names(run_in_virtual_time(main)) == [f"message-{i}" for i in range(4)]


def test_a_waiter_that_gives_up_leaves_the_queue_and_the_next_one_goes() -> None:
    async def main() -> list[str]:
        pacer = Pacer(2, 1)
        first = await pacer.acquire(1)
        assert first is not None
        given_up = asyncio.create_task(pacer.acquire(2, Lane.REPLY, 0.0))
        await asyncio.sleep(0.1)
        assert pacer.waiting == 1
        given_up.cancel()
        await asyncio.gather(given_up, return_exceptions=True)
        assert pacer.waiting == 0
        first.done()
        later = await pacer.acquire(3)
        assert later is not None
        later.done()
        return ["ok"]

    assert run_in_virtual_time(main) == ["ok"]


def test_waiters_are_told_none_when_the_pacer_is_interrupted() -> None:
    async def main() -> list[Slot | None]:
        pacer = Pacer(1, 1)
        first = await pacer.acquire(1)
        waiting = [asyncio.create_task(pacer.acquire(chat, Lane.REPLY)) for chat in (2, 3)]
        await asyncio.sleep(0.1)
        pacer.interrupt()
        assert first is not None
        return [*(await asyncio.gather(*waiting)), await pacer.acquire(4)]

    assert run_in_virtual_time(main) == [None, None, None]


def test_chats_with_a_waiting_reply_are_busy_for_the_outbox() -> None:
    async def main() -> list[int]:
        pacer = Pacer(1, 1)
        first = await pacer.acquire(1)
        waiting = asyncio.create_task(pacer.acquire(2, Lane.REPLY, 0.0))
        await asyncio.sleep(0.1)
        busy = pacer.busy_chats()
        assert first is not None
        first.done()
        slot = await waiting
        assert slot is not None
        slot.done()
        return busy

    assert run_in_virtual_time(main) == [1, 2]


@settings(max_examples=150, deadline=None)
@given(
    waiters=st.lists(
        st.tuples(
            st.integers(0, 8),  # chat
            st.sampled_from(list(Lane)),
            st.integers(0, 20),  # rank
            st.floats(0.0, 0.5),  # latency
            st.floats(0.0, 2.0),  # when it asks
        ),
        min_size=1,
        max_size=60,
    )
)
def test_lanes_never_break_the_limits_and_every_waiter_is_served(
    waiters: list[tuple[int, Lane, int, float, float]],
) -> None:
    """Whatever mix of lanes, ranks, chats, latencies and arrival times: every waiter gets
    a slot, no window holds more than the rate, one chat gets one a second, and within a
    chat and lane the order of rank then arrival holds."""
    rate = 10

    async def main() -> list[tuple[int, int, float, float]]:
        loop = asyncio.get_running_loop()
        pacer = Pacer(rate, 1)
        sent: list[tuple[int, int, float, float]] = []  # index, chat, start, arrival

        async def one(index: int, chat: int, lane: Lane, rank: int, latency: float) -> None:
            slot = await pacer.acquire(chat, lane, rank)
            assert slot is not None
            started = loop.time()
            sent.append((index, chat, started, started + latency / 2))
            await asyncio.sleep(latency)
            slot.done()

        async def later(index: int, waiter: tuple[int, Lane, int, float, float]) -> None:
            chat, lane, rank, latency, asks_at = waiter
            await asyncio.sleep(asks_at)
            await one(index, chat, lane, rank, latency)

        await asyncio.gather(*(later(i, waiter) for i, waiter in enumerate(waiters)))
        return sent

    sent = run_in_virtual_time(main)
    assert sorted(index for index, *_ in sent) == list(range(len(waiters)))
    assert most_in_any_window([arrival for *_, arrival in sent]) <= rate
    by_chat: dict[int, list[float]] = {}
    for _, chat, _, arrival in sent:
        by_chat.setdefault(chat, []).append(arrival)
    for arrivals in by_chat.values():
        ordered = sorted(arrivals)
        assert all(b - a >= 1.0 - 1e-6 for a, b in zip(ordered, ordered[1:], strict=False))


def test_a_lapsed_share_sends_nothing_until_it_is_renewed() -> None:
    async def main() -> list[float]:
        loop = asyncio.get_running_loop()
        pacer = Pacer(30, 1)
        pacer.reshare(10, valid_for=1.0)
        starts = []
        for chat in range(3):
            slot = await pacer.acquire(chat)
            assert slot is not None
            starts.append(loop.time())
            slot.done()
        await asyncio.sleep(1.0)  # the share lapsed at 1.0
        waiting = asyncio.create_task(pacer.acquire(9))
        await asyncio.sleep(2.0)
        assert not waiting.done()
        pacer.reshare(15, valid_for=1.0)
        slot = await waiting
        assert slot is not None
        starts.append(loop.time())
        return starts

    starts = run_in_virtual_time(main)
    # A tenth of a second apart at a share of 10 a second; then only after the renewal.
    assert [round(start, 3) for start in starts[:3]] == [0.0, 0.1, 0.2]
    assert round(starts[3], 3) == 3.2  # asked at 1.2, renewed at 3.2

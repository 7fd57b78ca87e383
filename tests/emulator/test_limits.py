"""The flood limiter and the fault plan, driven by a hand-moved clock."""

import pytest

from emulator.errors import ApiError
from emulator.limits import Fault, FaultPlan, FloodLimiter, FloodSettings
from tests.emulator.conftest import FakeClock


def retry_after(limiter: FloodLimiter, chat_id: int) -> int:
    with pytest.raises(ApiError) as raised:
        limiter.admit(chat_id)
    assert raised.value.error_code == 429
    assert raised.value.description == f"Too Many Requests: retry after {raised.value.retry_after}"
    assert raised.value.retry_after is not None
    return raised.value.retry_after


def limiter(clock: FakeClock, **settings: float) -> FloodLimiter:
    flood = FloodLimiter(clock)
    flood.configure(True, FloodSettings(**settings))  # type: ignore[arg-type]
    return flood


def test_disabled_limiter_admits_everything(clock: FakeClock) -> None:
    flood = FloodLimiter(clock)
    for _ in range(1000):
        flood.admit(1)


def test_one_message_per_chat_per_second(clock: FakeClock) -> None:
    flood = limiter(clock)
    flood.admit(1)
    flood.admit(2)  # other chats are not affected
    assert retry_after(flood, 1) == 1
    clock.advance(0.5)
    assert retry_after(flood, 1) == 1  # rounded up to whole seconds, at least 1
    clock.advance(0.5)
    flood.admit(1)


def test_rejected_sends_are_not_counted(clock: FakeClock) -> None:
    flood = limiter(clock)
    flood.admit(1)
    for _ in range(5):
        retry_after(flood, 1)
    clock.advance(1.0)
    flood.admit(1)


def test_per_chat_burst(clock: FakeClock) -> None:
    flood = limiter(clock, per_chat_burst=2)
    for _ in range(3):
        flood.admit(1)
    assert retry_after(flood, 1) == 1
    clock.advance(1.0)
    flood.admit(1)  # refilled at one a second, not back to the full burst
    retry_after(flood, 1)


def test_global_limit_is_a_sliding_window(clock: FakeClock) -> None:
    flood = limiter(clock, global_per_second=30)
    for chat_id in range(20):
        flood.admit(chat_id)
    clock.advance(0.6)
    for chat_id in range(20, 30):
        flood.admit(chat_id)
    assert retry_after(flood, 99) == 1
    clock.advance(0.4)  # the first 20 left the window
    for chat_id in range(100, 120):
        flood.admit(chat_id)
    assert retry_after(flood, 99) == 1


def test_retry_after_covers_the_longest_wait(clock: FakeClock) -> None:
    flood = limiter(clock, per_chat_per_second=0.25)  # one message every 4 s
    flood.admit(1)
    assert retry_after(flood, 1) == 4


def test_invalid_settings_are_refused(clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="at least some"):
        FloodLimiter(clock).configure(True, FloodSettings(global_per_second=0))


def test_fault_plan_consumes_matching_calls_in_order() -> None:
    plan = FaultPlan()
    only_sends = Fault(502, methods=frozenset({"sendmessage"}))
    plan.add(2, only_sends)
    plan.add(1, Fault(500))
    assert plan.take("getupdates") == Fault(500)
    assert plan.take("getupdates") is None
    assert plan.take("sendmessage") is only_sends
    assert plan.take("sendmessage") is only_sends
    assert plan.take("sendmessage") is None

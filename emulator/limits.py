"""Switchable flood control (429 with retry_after) and injected faults (5xx, proxy pages)."""

import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from emulator.errors import too_many_requests

Clock = Callable[[], float]
FaultBody = Literal["json", "html", "hang"]

# The methods that count against Telegram's sending limits.
SEND_METHODS = frozenset(
    {"sendmessage", "senddocument", "sendphoto", "editmessagetext", "editmessagereplymarkup"}
    | {"editmessagecaption", "editmessagemedia", "copymessage", "forwardmessage"}
)


@dataclass(frozen=True)
class FloodSettings:
    """Limits of :class:`FloodLimiter`.

    ``global_per_second``: sends in any sliding one-second window, all chats together.
    ``per_chat_per_second`` and ``per_chat_burst``: a token bucket per chat holding
    ``max(1, per_chat_per_second) + per_chat_burst`` sends, refilled at
    ``per_chat_per_second`` a second. With the default burst of 0 and a rate of 1 that
    is exactly "at most one message to a chat in any one-second window"; a burst of 2
    lets three quick messages through before the 429s start, like Telegram tolerating
    short bursts.
    """

    global_per_second: int = 30
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 0


@dataclass
class _Bucket:
    tokens: float
    updated: float


class FloodLimiter:
    """Decides whether a send may go through now; the clock is injectable for tests."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.enabled = False
        self.settings = FloodSettings()
        self._recent: deque[float] = deque()
        self._buckets: dict[int, _Bucket] = {}

    def configure(self, enabled: bool, settings: FloodSettings) -> None:
        """Switch limits on or off with new settings; forgets earlier sends."""
        if settings.global_per_second < 1 or settings.per_chat_per_second <= 0:
            raise ValueError("flood limits must allow at least some messages")
        self.enabled = enabled
        self.settings = settings
        self._recent.clear()
        self._buckets.clear()

    def admit(self, chat_id: int) -> None:
        """Count one send to ``chat_id``, or raise a 429 ``ApiError`` and count nothing."""
        if not self.enabled:
            return
        now = self.clock()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        waits = []
        if len(self._recent) >= self.settings.global_per_second:
            waits.append(self._recent[0] + 1.0 - now)
        bucket = self._refilled(chat_id, now)
        if bucket.tokens < 1:
            waits.append((1 - bucket.tokens) / self.settings.per_chat_per_second)
        if waits:
            raise too_many_requests(max(1, math.ceil(max(waits))))
        self._recent.append(now)
        bucket.tokens -= 1

    def _refilled(self, chat_id: int, now: float) -> _Bucket:
        # Room for at least one message, or a rate below 1/s could never send anything.
        capacity = max(1.0, self.settings.per_chat_per_second) + self.settings.per_chat_burst
        bucket = self._buckets.setdefault(chat_id, _Bucket(capacity, now))
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(capacity, bucket.tokens + elapsed * self.settings.per_chat_per_second)
        bucket.updated = now
        return bucket


@dataclass(frozen=True)
class Fault:
    """How to fail one call.

    ``body``: ``"json"`` answers Telegram's error envelope with ``status``; ``"html"``
    answers an HTML error page like a reverse proxy does; ``"hang"`` answers nothing
    until the client gives up (or the emulator stops). ``after_delivery`` performs the
    call first and fails only the answer, as when a proxy times out after Telegram sent.
    """

    status: int = 502
    body: FaultBody = "json"
    methods: frozenset[str] | None = None
    after_delivery: bool = False

    def applies_to(self, method: str) -> bool:
        """Whether this fault targets ``method`` (lower-cased name)."""
        return self.methods is None or method in self.methods


@dataclass
class _Planned:
    fault: Fault
    remaining: int


class FaultPlan:
    """Faults waiting for the next matching calls, oldest plan first."""

    def __init__(self) -> None:
        self._planned: list[_Planned] = []

    def add(self, count: int, fault: Fault) -> None:
        """Fail the next ``count`` calls that ``fault`` applies to."""
        if count > 0:
            self._planned.append(_Planned(fault, count))

    def take(self, method: str) -> Fault | None:
        """The fault for this call of ``method``, consuming one use of it."""
        for plan in self._planned:
            if plan.fault.applies_to(method):
                plan.remaining -= 1
                if plan.remaining == 0:
                    self._planned.remove(plan)
                return plan.fault
        return None

    def clear(self) -> None:
        """Cancel every planned fault."""
        self._planned.clear()


def method_set(methods: Iterable[str] | None) -> frozenset[str] | None:
    """Method names as the dispatcher compares them (Telegram's are case-insensitive)."""
    return None if methods is None else frozenset(name.lower() for name in methods)

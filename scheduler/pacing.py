"""Keeping under Telegram's flood limits without wasting them.

Telegram counts a message when it arrives, which we never see; we see when our request
completed, and it arrived before that. So a send may start only when the send
``limit`` places earlier *completed* at least a window ago: then any two sends ``limit``
apart arrive more than a window apart, and no window ever holds more than ``limit``,
however the network delays them. Starts are also spaced evenly (``1 / rate``), so a
burst does not fill the window at once. The same rule with a limit of one applies per
chat. A 429 stops every send until its ``retry_after`` has passed.

Time is the event loop's monotonic clock: flood limits are about real seconds.
"""

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# Added to every window: clocks and schedulers are not exact.
MARGIN = 0.005
# Spacing may catch up this much time the sender lost (reading the next rows, say): a
# short burst that the window still bounds, instead of capacity lost for good.
CATCH_UP = 0.25


@dataclass
class _Send:
    done_at: float | None = None


@dataclass
class _Window:
    """The last ``limit`` sends, in the order they started."""

    limit: int
    seconds: float
    sends: deque[_Send] = field(default_factory=deque)

    def free_at(self) -> float:
        """When the next send may start (never, while the one that decides is in flight)."""
        if len(self.sends) < self.limit:
            return 0.0
        done_at = self.sends[-self.limit].done_at
        return float("inf") if done_at is None else done_at + self.seconds + MARGIN

    def start(self) -> _Send:
        send = _Send()
        self.sends.append(send)
        while len(self.sends) > self.limit:
            self.sends.popleft()
        return send


class Pacer:
    """Grants send slots: ``rate`` a second overall, ``per_chat`` a second per chat."""

    def __init__(
        self,
        rate: float,
        per_chat: float,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if rate <= 0 or per_chat <= 0:
            raise ValueError("rates must be positive")
        self._spacing = 1.0 / rate
        self._overall = _Window(limit=max(1, int(rate)), seconds=max(1.0, 1.0 / rate))
        self._per_chat_seconds = 1.0 / per_chat
        self._chats: dict[int, _Window] = {}
        self._next_start = 0.0
        self._paused_until = 0.0
        self._interrupted = False
        self._clock = clock
        self._changed = asyncio.Event()

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    def _chat(self, chat_id: int) -> _Window:
        window = self._chats.get(chat_id)
        if window is None:
            window = self._chats[chat_id] = _Window(limit=1, seconds=self._per_chat_seconds)
        return window

    def chat_free_at(self, chat_id: int) -> float:
        window = self._chats.get(chat_id)
        return 0.0 if window is None else window.free_at()

    def busy_chats(self) -> list[int]:
        """Chats that may not be written to yet (so the dispatcher passes them over)."""
        now = self._now()
        busy = [chat for chat, window in self._chats.items() if window.free_at() > now]
        # Forget chats whose window has long passed, so the table stays small.
        for chat in [c for c, w in self._chats.items() if w.free_at() + 60 < now]:
            del self._chats[chat]
        return busy

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing is sent until ``seconds`` from now."""
        self._paused_until = max(self._paused_until, self._now() + seconds)

    def interrupt(self) -> None:
        """End every wait: ``acquire`` returns None from now on (the sender is stopping)."""
        self._interrupted = True
        self._changed.set()

    async def acquire(self, chat_id: int) -> "Slot | None":
        """Wait for a slot for ``chat_id``; call ``Slot.done()`` when the request completed.
        None once ``interrupt()`` was called."""
        chat = self._chat(chat_id)
        while True:
            if self._interrupted:
                return None
            now = self._now()
            ready_at = max(
                self._next_start,
                self._paused_until,
                self._overall.free_at(),
                chat.free_at(),
            )
            if ready_at <= now:
                break
            self._changed.clear()
            timeout = None if ready_at == float("inf") else ready_at - now
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        self._next_start = max(self._next_start, now - CATCH_UP) + self._spacing
        return Slot(self, (self._overall.start(), chat.start()))

    def _completed(self, slot: "Slot") -> None:
        now = self._now()
        for send in slot.sends:
            send.done_at = now
        self._changed.set()


@dataclass
class Slot:
    """One granted send; ``done()`` once its request completed (or failed)."""

    pacer: Pacer
    sends: tuple[_Send, _Send]
    finished: bool = False

    def done(self) -> None:
        if not self.finished:
            self.finished = True
            self.pacer._completed(self)

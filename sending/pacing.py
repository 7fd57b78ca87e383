"""Keeping under Telegram's flood limits without wasting them, most urgent sender first.

Telegram counts a message when it arrives, which we never see; we see when our request
completed, and it arrived before that. So a send may start only when the send
``limit`` places earlier *completed* at least a window ago: then any two sends ``limit``
apart arrive more than a window apart, and no window ever holds more than ``limit``,
however the network delays them. Starts are also spaced evenly (``1 / rate``), so a
burst does not fill the window at once. The same rule applies per chat, with a limit of
``1 + per_chat_burst`` sends in as many per-chat intervals: Telegram tolerates short
bursts in a private chat, so a reply of two or three messages goes out at once, and the
average stays at ``per_chat`` a second. A 429 stops every send until its ``retry_after``
has passed.

Who goes next is decided in one place (:meth:`Pacer._grant`): of the senders waiting, the
first by lane (replies to people writing now before the outbox), then by rank (the order
people wrote in), then by arrival, whose chat may be written to now. A busy chat holds up
only its own messages.

Time is the event loop's monotonic clock: flood limits are about real seconds.
"""

import asyncio
import bisect
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum

# Added to every window: clocks and schedulers are not exact.
MARGIN = 0.005
# Spacing may catch up this much time the sender lost (reading the next rows, say): a
# short burst that the window still bounds, instead of capacity lost for good.
CATCH_UP = 0.25
# Chats whose window passed this long ago are forgotten, so the table stays small.
FORGET_AFTER = 60.0


class Lane(IntEnum):
    """Who is waiting to send; a lower lane goes first."""

    REPLY = 0  # an answer to someone who is writing to the bot now
    OUTBOX = 1  # queued messages: confirmations, reminders, broadcasts


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


@dataclass(order=True)
class _Waiter:
    order: tuple[int, float, int]  # lane, rank, arrival
    chat_id: int = field(compare=False)
    granted: "asyncio.Future[Slot | None]" = field(compare=False)


class Pacer:
    """Grants send slots: ``rate`` a second overall, ``per_chat`` a second per chat, of
    which ``per_chat_burst`` more may go at once."""

    def __init__(
        self,
        rate: float,
        per_chat: float,
        clock: Callable[[], float] | None = None,
        per_chat_burst: int = 0,
    ) -> None:
        if rate <= 0 or per_chat <= 0:
            raise ValueError("rates must be positive")
        if per_chat_burst < 0:
            raise ValueError("a burst cannot be negative")
        self._spacing = 1.0 / rate
        self._overall = _Window(limit=max(1, int(rate)), seconds=max(1.0, 1.0 / rate))
        self._per_chat_limit = 1 + per_chat_burst
        self._per_chat_seconds = self._per_chat_limit / per_chat
        self._chats: dict[int, _Window] = {}
        self._next_start = 0.0
        self._paused_until = 0.0
        # Past this moment nothing is sent until the next ``reshare`` (see there).
        self._valid_until = float("inf")
        self._interrupted = False
        self._clock = clock
        self._waiting: list[_Waiter] = []
        self._arrivals = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    def _chat(self, chat_id: int) -> _Window:
        window = self._chats.get(chat_id)
        if window is None:
            window = self._chats[chat_id] = _Window(
                limit=self._per_chat_limit, seconds=self._per_chat_seconds
            )
        return window

    def chat_free_at(self, chat_id: int) -> float:
        window = self._chats.get(chat_id)
        return 0.0 if window is None else window.free_at()

    @property
    def waiting(self) -> int:
        """Senders waiting for a slot now."""
        return len(self._waiting)

    def busy_chats(self) -> list[int]:
        """Chats that may not be written to yet, or that someone waits to write to (so
        the dispatcher passes them over)."""
        now = self._now()
        busy = {chat for chat, window in self._chats.items() if window.free_at() > now}
        busy.update(waiter.chat_id for waiter in self._waiting)
        for chat in [c for c, w in self._chats.items() if w.free_at() + FORGET_AFTER < now]:
            if chat not in busy:
                del self._chats[chat]
        return sorted(busy)

    def reshare(self, rate: float, valid_for: float) -> None:
        """This process's share of the bot's limit, when several processes send for one
        bot: ``rate`` a second, good for ``valid_for`` seconds. Past that nothing is sent
        until the next ``reshare``, since another process may have joined meanwhile."""
        if rate <= 0:
            raise ValueError("rates must be positive")
        self._spacing = 1.0 / rate
        # A window narrower than before keeps its newest sends; a wider one simply has
        # room, since the process that left (or the share given up) sends no more.
        self._overall.limit = max(1, int(rate))
        self._overall.seconds = max(1.0, 1.0 / rate)
        self._valid_until = self._now() + valid_for
        self._grant()

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing is sent until ``seconds`` from now."""
        self._paused_until = max(self._paused_until, self._now() + seconds)
        self._grant()

    def interrupt(self) -> None:
        """End every wait: ``acquire`` returns None from now on (the sender is stopping)."""
        self._interrupted = True
        self._grant()

    async def acquire(
        self, chat_id: int, lane: Lane = Lane.OUTBOX, rank: float = 0.0
    ) -> "Slot | None":
        """Wait for a slot for ``chat_id``; call ``Slot.done()`` when the request completed.
        Among waiters, ``lane`` decides first, then ``rank``, then who asked first.
        None once ``interrupt()`` was called."""
        if self._interrupted:
            return None
        waiter = _Waiter(
            (lane, rank, next(self._arrivals)),
            chat_id,
            asyncio.get_running_loop().create_future(),
        )
        bisect.insort(self._waiting, waiter)
        self._grant()
        try:
            return await waiter.granted
        except asyncio.CancelledError:
            if waiter.granted.done() and not waiter.granted.cancelled():
                slot = waiter.granted.result()
                if slot is not None:
                    slot.done()  # granted just as the caller gave up: free it again
            elif waiter in self._waiting:
                self._waiting.remove(waiter)
                self._grant()
            raise

    def _grant(self) -> None:
        """Hand out every slot that is free now, in the waiters' order; then set a timer
        for the moment the next one may become free."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._interrupted:
            for waiter in self._waiting:
                if not waiter.granted.done():
                    waiter.granted.set_result(None)
            self._waiting.clear()
            return
        while self._waiting:
            now = self._now()
            if now >= self._valid_until:
                return  # the share lapsed: the next ``reshare`` grants again
            opens_at = max(self._next_start, self._paused_until, self._overall.free_at())
            if opens_at > now:
                self._wake_at(opens_at)
                return
            chosen = next(
                (w for w in self._waiting if self._chat(w.chat_id).free_at() <= now), None
            )
            if chosen is None:
                # Every waiter's chat is busy: wake when the first becomes free (a chat
                # whose send is in flight is woken by its ``done()``).
                self._wake_at(min(self._chat(w.chat_id).free_at() for w in self._waiting))
                return
            self._waiting.remove(chosen)
            if chosen.granted.done():  # cancelled meanwhile
                continue
            self._next_start = max(self._next_start, now - CATCH_UP) + self._spacing
            chosen.granted.set_result(
                Slot(self, (self._overall.start(), self._chat(chosen.chat_id).start()))
            )

    def _wake_at(self, moment: float) -> None:
        if moment == float("inf"):
            return
        loop = asyncio.get_running_loop()
        # The pacer's clock may be injected; timers run on the loop's.
        delay = max(0.0, moment - self._now())
        self._timer = loop.call_at(loop.time() + delay, self._grant)

    def _completed(self, slot: "Slot") -> None:
        now = self._now()
        for send in slot.sends:
            send.done_at = now
        self._grant()


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

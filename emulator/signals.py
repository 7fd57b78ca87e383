"""A broadcast wake-up that synchronous code can fire and coroutines can await."""

import asyncio


class Signal:
    """Wakes every coroutine waiting at the time of :meth:`notify`.

    ``asyncio.Condition`` needs its lock to notify, which synchronous state changes
    cannot take; swapping in a fresh ``Event`` after setting the old one gives the
    same broadcast without a lock.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake all current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Wait for the next :meth:`notify`; False when ``timeout`` seconds pass first."""
        event = self._event
        # asyncio.timeout, not wait_for: in Python 3.11 wait_for can swallow a
        # cancellation that arrives just as the event is set, and the canceller hangs.
        try:
            async with asyncio.timeout(timeout):
                await event.wait()
        except TimeoutError:
            return False
        return True

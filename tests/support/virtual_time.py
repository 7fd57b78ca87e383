"""An asyncio event loop whose clock is virtual: waiting costs no real time.

``run_in_virtual_time(main)`` runs ``main()`` on a fresh loop whose ``time()`` starts at
0 and jumps straight to the next timer whenever every task is waiting, so code that
sleeps or waits with timeouts (``asyncio.sleep``, ``asyncio.wait_for``) runs in
milliseconds while seeing the delays it asked for (plus a nanosecond a turn of the
loop, as real loops take time too). Nothing that needs real I/O
can run on it (a socket would never become ready while the clock jumps).

A loop with nothing scheduled and nothing ready is a deadlock: every task waits for
something that can never happen. It raises :class:`Deadlock` instead of hanging.
"""

import asyncio
import selectors
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

# Virtual seconds each turn of the loop takes.
TICK = 1e-9


class Deadlock(RuntimeError):
    """Every task waits and no timer is left to wake one."""


class _VirtualSelector:
    """Wraps the loop's selector: a wait of ``timeout`` seconds advances the clock."""

    def __init__(self, real: selectors.BaseSelector) -> None:
        self._select = real.select  # the real one, bound before it is replaced
        self.now = 0.0

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None:
            raise Deadlock("every task is waiting and nothing is scheduled")
        # Every turn of a real loop takes a little time too; without it, a wait for less
        # than the clock's float resolution would come due again and again at one instant.
        self.now += max(0.0, timeout) + TICK
        return self._select(0)


def run_in_virtual_time(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``main()`` to completion on a loop with a virtual clock; return its result."""
    loop = asyncio.new_event_loop()
    real = loop._selector  # type: ignore[attr-defined]
    virtual = _VirtualSelector(real)
    setattr(real, "select", virtual.select)  # noqa: B010 - patching the instance on purpose
    setattr(loop, "time", lambda: virtual.now)  # noqa: B010
    try:
        return loop.run_until_complete(main())
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()

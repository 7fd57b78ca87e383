"""Guessing slows down: an address that sent too many wrong API tokens or webhook
secrets gets ``429 Too Many Requests`` with ``Retry-After`` until its window has room.

An address over the limit is refused before its token is looked at (otherwise the
guessing would go on at full speed, only answered differently), so a good token from
that address waits too; behind a proxy, run uvicorn with ``--forwarded-allow-ips`` so the
address is the client's. Callers with no token, and the public feeds and ``/healthz``,
are never counted. The counts are per process and in memory (the ``limits`` library's
moving window): several instances each allow the limit.
"""

import math
import time
from dataclasses import dataclass, field

from fastapi import HTTPException, Request
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

TOO_MANY = "too many wrong credentials from this address; try again later"


@dataclass
class FailedAttempts:
    """Wrong credentials, counted per kind (``token``, ``webhook``) and client address."""

    per_minute: int = 10
    _limiter: MovingWindowRateLimiter = field(init=False)
    _item: RateLimitItemPerMinute = field(init=False)

    def __post_init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._item = RateLimitItemPerMinute(self.per_minute)

    def retry_after(self, kind: str, address: str) -> int | None:
        """Seconds the address must wait, or None while it has wrong attempts left."""
        if self._limiter.test(self._item, kind, address):
            return None
        reset_at = self._limiter.get_window_stats(self._item, kind, address).reset_time
        return max(1, math.ceil(reset_at - time.time()))

    def refuse_if_over(self, kind: str, address: str) -> None:
        """429 with Retry-After while the address has used up its wrong attempts."""
        wait = self.retry_after(kind, address)
        if wait is not None:
            raise HTTPException(429, TOO_MANY, {"Retry-After": str(wait)})

    def count(self, kind: str, address: str) -> None:
        self._limiter.hit(self._item, kind, address)


def address_of(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def address_in(client: tuple[str, int] | None) -> str:
    """The same, from an ASGI scope's ``client``."""
    return client[0] if client is not None else "unknown"

"""Rendered calendar feeds kept in memory until the data they were built from changes."""

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class RenderedFeed:
    body: bytes
    gzipped: bytes  # the body gzip-compressed once, for clients that accept it
    etag: str  # strong, quoted: a hash of the body
    last_modified: datetime | None  # when the newest thing in the feed changed
    filename: str
    is_private: bool

    @property
    def gzip_etag(self) -> str:
        """The ETag of the gzip-encoded representation (it differs byte for byte)."""
        return self.etag[:-1] + '-gzip"'


@dataclass(frozen=True, slots=True)
class _Entry:
    version: tuple[Any, ...]
    feed: RenderedFeed
    stored_at: float


class FeedCache:
    """Rendered feeds in memory, keyed by feed and language, least recently used first out.

    An entry is served while the data version it was built from is current. After
    ``revalidate_after`` seconds it is rebuilt once even so: a safety net for a change
    the version cannot see (a clock that went backwards between two instances). One
    build per feed at a time: concurrent requests for a changed feed wait for it.
    """

    def __init__(
        self,
        max_entries: int = 512,
        revalidate_after: float = 900.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: OrderedDict[tuple[Any, ...], _Entry] = OrderedDict()
        self._locks: dict[tuple[Any, ...], asyncio.Lock] = {}
        self._max_entries = max_entries
        self._revalidate_after = revalidate_after
        self._monotonic = monotonic
        self.builds = 0  # feeds rendered so far (tests and the benchmark read these)
        self.hits = 0

    @property
    def size(self) -> int:
        """How many rendered feeds are held."""
        return len(self._entries)

    async def get_or_build(
        self,
        key: tuple[Any, ...],
        version: tuple[Any, ...],
        build: Callable[[], Awaitable[RenderedFeed]],
    ) -> RenderedFeed:
        cached = self._lookup(key, version)
        if cached is not None:
            return cached
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                # Another request may have built it while this one waited for the lock.
                cached = self._lookup(key, version)
                if cached is not None:
                    return cached
                feed = await build()
                self.builds += 1
                self._entries[key] = _Entry(version, feed, self._monotonic())
                self._entries.move_to_end(key)
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
                return feed
        finally:
            if not lock.locked():
                self._locks.pop(key, None)

    def _lookup(self, key: tuple[Any, ...], version: tuple[Any, ...]) -> RenderedFeed | None:
        entry = self._entries.get(key)
        if entry is None or entry.version != version:
            return None
        if self._monotonic() - entry.stored_at > self._revalidate_after:
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry.feed

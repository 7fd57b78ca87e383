"""A feed served from the cache, rebuilt only when its data changed.

Calendar apps poll every feed they subscribe to, every few hours, forever. Each request
first asks the database one cheap question (``query.probe``: how many events the feed
holds and when the newest of them last changed for calendars); while the answer is the
one the cached feed was built from, the cached bytes are served as they are. Only a
change rebuilds, off the event loop.
"""

import asyncio
import hashlib

from sqlalchemy.ext.asyncio import AsyncSession

from events.feeds.cache import FeedCache, RenderedFeed
from events.feeds.kinds import FeedRequest
from events.feeds.query import contents, probe
from events.feeds.render import Links, render_compressed


async def get_feed(
    session: AsyncSession, cache: FeedCache, request: FeedRequest, links: Links
) -> RenderedFeed:
    """The feed as ``text/calendar`` bytes, from the cache while its data is unchanged.

    The bot's "Add to calendar" file is the ``event`` feed. Ends the session's read
    transaction (with a commit; nothing is written). Raises ``NotFound`` for an unknown
    or draft event or programme and for an unknown, rotated or erased personal token;
    nothing else about the token is revealed.
    """
    found = await probe(session, request)
    # End each read at once: SQLite has a single connection, and neither a request that
    # waits for another's build nor the rendering itself may hold it meanwhile. (A commit,
    # not a rollback: nothing was written, and the caller's objects stay loaded.)
    await session.commit()

    async def build() -> RenderedFeed:
        name, items = await contents(session, found)
        await session.commit()
        body, gzipped = await asyncio.to_thread(
            render_compressed, name, items, found.language, links
        )
        return RenderedFeed(
            body=body,
            gzipped=gzipped,
            etag=f'"{hashlib.sha256(body).hexdigest()[:40]}"',
            last_modified=found.last_modified,
            filename=found.filename,
            is_private=found.is_private,
        )

    return await cache.get_or_build(found.cache_key, found.version, build)

"""What handlers need besides the database: where links point, and the feed cache."""

from dataclasses import dataclass

from events.feeds.cache import FeedCache
from events.feeds.render import Links


@dataclass(frozen=True)
class BotServices:
    public_url: str
    feed_cache: FeedCache

    def links(self, bot_username: str | None) -> Links:
        return Links(public_url=self.public_url, bot_username=bot_username)

"""What the dashboard needs from the composition root, handed over once at start."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.clock import Clock
from events.feeds.render import Links

DEFAULT_INIT_DATA_MAX_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class DashboardConfig:
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    links: Links
    # The bot's token signs Mini App initData; without a bot, Mini App sign-in is off.
    bot_token: str | None = None
    session_lifetime: timedelta = timedelta(hours=12)
    init_data_max_age: timedelta = DEFAULT_INIT_DATA_MAX_AGE

    @property
    def secure_cookies(self) -> bool:
        """Cookies are sent over https only when the dashboard is served over https."""
        return self.links.public_url.startswith("https://")

"""The URLs of the feeds: what a person is offered to subscribe to."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from events.feeds.kinds import FeedKind
from events.feeds.tokens import personal_feed_token

# Paths of the feeds over HTTP (the API serves them; links and webcal:// URLs use them).
EVENT_PATH = "/calendar/events/{key}.ics"
PROGRAMME_PATH = "/calendar/programmes/{key}.ics"
ALL_PATH = "/calendar/all.ics"
PERSONAL_PATH = "/calendar/me/{key}.ics"

_PATHS = {
    FeedKind.EVENT: EVENT_PATH,
    FeedKind.PROGRAMME: PROGRAMME_PATH,
    FeedKind.ALL: ALL_PATH,
    FeedKind.PERSONAL: PERSONAL_PATH,
}


def feed_url(
    public_url: str,
    kind: FeedKind,
    key: str = "",
    *,
    webcal: bool = False,
    language: str | None = None,
) -> str:
    """The feed's URL; ``webcal=True`` gives the ``webcal://`` form calendar apps subscribe to."""
    url = public_url.rstrip("/") + _PATHS[kind].format(key=key)
    if webcal:
        url = "webcal://" + url.split("://", 1)[-1]
    return f"{url}?lang={language}" if language else url


@dataclass(frozen=True, slots=True)
class Subscription:
    """The two forms of a feed URL a person is offered."""

    webcal: str  # opens the calendar app (Apple, Outlook, Thunderbird)
    https: str  # for "add by URL" (Google Calendar)


def subscription(
    public_url: str, kind: FeedKind, key: str = "", language: str | None = None
) -> Subscription:
    return Subscription(
        webcal=feed_url(public_url, kind, key, webcal=True, language=language),
        https=feed_url(public_url, kind, key, language=language),
    )


async def personal_subscription(
    session: AsyncSession, now: datetime, participant_id: int, public_url: str
) -> Subscription:
    """The participant's personal feed URLs (creating the token on first use). The feed
    speaks the participant's language unless ``?lang=`` says otherwise."""
    token = await personal_feed_token(session, now, participant_id)
    return subscription(public_url, FeedKind.PERSONAL, token)

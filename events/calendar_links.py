"""Putting one of a participant's own registrations in their calendar: the event as an
.ics file, and the subscription links that keep calendars current (all their
registrations, privately; every event of the programme, publicly)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from events.feeds.cache import FeedCache, RenderedFeed
from events.feeds.kinds import FeedKind, FeedRequest
from events.feeds.render import Links
from events.feeds.serve import get_feed
from events.feeds.subscriptions import Subscription, personal_subscription
from events.feeds.subscriptions import subscription as feed_subscription
from events.feeds.tokens import rotate_personal_feed_token
from events.listings import public_event, public_programme
from events.own_registrations import own_registration


@dataclass(frozen=True, slots=True)
class CalendarLinks:
    event_file: RenderedFeed  # the event alone, as a file to open
    personal: Subscription  # every registration of the participant: keep it private
    programme: Subscription  # every event of the event's programme


async def calendar_links(
    session: AsyncSession,
    now: datetime,
    cache: FeedCache,
    links: Links,
    participant_id: int,
    registration_id: int,
    language: str,
    *,
    new_private_link: bool = False,
) -> CalendarLinks:
    """The event's .ics file and the subscription links for one of the participant's own
    registrations, in ``language``. With ``new_private_link`` the personal feed token is
    replaced first, so the previous private link stops working.

    Raises ``NotFound`` for another person's or an unknown registration, or when its event
    or programme is not public (any more); ``ParticipantErased`` for an erased participant.
    """
    registration = await own_registration(session, participant_id, registration_id)
    event = await public_event(session, registration.event_id)
    programme = await public_programme(session, event.programme_id)
    if new_private_link:
        await rotate_personal_feed_token(session, now, participant_id)
    event_file = await get_feed(
        session, cache, FeedRequest(FeedKind.EVENT, event.slug, language), links
    )
    personal = await personal_subscription(session, now, participant_id, links.public_url)
    return CalendarLinks(
        event_file=event_file,
        personal=personal,
        programme=feed_subscription(
            links.public_url, FeedKind.PROGRAMME, programme.slug, language
        ),
    )

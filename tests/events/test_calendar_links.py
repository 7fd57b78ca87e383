"""events.calendar_links: the .ics file and subscription links for one's own registration."""

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from events.calendar_links import calendar_links
from events.errors import NotFound, ParticipantErased
from events.feeds.cache import FeedCache
from events.feeds.kinds import FeedKind
from events.feeds.render import Links
from events.feeds.subscriptions import subscription
from events.participants import erase_participant
from events.registrations import register
from tests.factories import create_event, create_participant, create_programme

LINKS = Links("https://redbridge.example", "redbridge_bot")


async def test_the_file_and_both_subscriptions(session: AsyncSession, now: datetime) -> None:
    programme = await create_programme(session, now)
    event = await create_event(session, now, programme.slug)
    person = await create_participant(session, now)
    registration = await register(session, now, event.id, person.id)

    found = await calendar_links(
        session, now, FeedCache(), LINKS, person.id, registration.id, "ka"
    )

    assert found.event_file.filename.endswith(".ics")
    assert b"BEGIN:VEVENT" in found.event_file.body
    assert "საზაფხულო სკოლა თბილისში" in found.event_file.body.decode()  # in her language
    assert found.programme == subscription(
        LINKS.public_url, FeedKind.PROGRAMME, programme.slug, "ka"
    )
    assert found.personal.webcal.startswith("webcal://")
    again = await calendar_links(
        session, now, FeedCache(), LINKS, person.id, registration.id, "ka"
    )
    assert again.personal == found.personal  # the private link is stable until replaced


async def test_a_new_private_link_replaces_the_old_one(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    registration = await register(session, now, event.id, person.id)
    cache = FeedCache()
    before = await calendar_links(session, now, cache, LINKS, person.id, registration.id, "en")

    after = await calendar_links(
        session, now, cache, LINKS, person.id, registration.id, "en", new_private_link=True
    )

    assert after.personal != before.personal
    assert after.programme == before.programme
    kept = await calendar_links(session, now, cache, LINKS, person.id, registration.id, "en")
    assert kept.personal == after.personal


async def test_someone_elses_registration_is_not_found_and_changes_nothing(
    session: AsyncSession, now: datetime
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school")
    owner = await create_participant(session, now)
    stranger = await create_participant(session, now)
    registration = await register(session, now, event.id, owner.id)
    cache = FeedCache()
    before = await calendar_links(session, now, cache, LINKS, owner.id, registration.id, "en")

    with pytest.raises(NotFound):
        await calendar_links(
            session, now, cache, LINKS, stranger.id, registration.id, "en", new_private_link=True
        )
    with pytest.raises(NotFound):
        await calendar_links(session, now, cache, LINKS, owner.id, registration.id + 999, "en")

    after = await calendar_links(session, now, cache, LINKS, owner.id, registration.id, "en")
    assert after.personal == before.personal


async def test_an_erased_participant_gets_no_links(session: AsyncSession, now: datetime) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school")
    person = await create_participant(session, now)
    registration = await register(session, now, event.id, person.id)
    await erase_participant(session, now, None, person.id)

    with pytest.raises(ParticipantErased):
        await calendar_links(session, now, FeedCache(), LINKS, person.id, registration.id, "en")

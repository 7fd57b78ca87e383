"""Which outbox messages carry a person's join link (#19): the last reminder before the
start and the notice of a new link, for a confirmed online seat only, in every language;
never an earlier reminder, never someone in the room, waiting or cancelled."""

import pytest

from bot.notices import render
from events.enums import Participation, RegistrationStatus
from events.languages import LANGUAGES
from events.models import Event
from events.outbox.queue import Kind
from locales.translator import Catalogues
from tests.bot.samples import (
    JOIN_TOKEN,
    NOW,
    PUBLIC_URL,
    _ready,
    _registration,
    demo,
    hybrid_events,
)

OWN_LINK = f"{PUBLIC_URL}/j/{JOIN_TOKEN}"


@pytest.fixture(scope="module")
def concert() -> Event:
    [event] = hybrid_events(demo(NOW))
    assert event.join_url is not None
    return event


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_last_reminder_carries_the_own_link_and_earlier_ones_do_not(
    concert: Event, language: str
) -> None:
    t = Catalogues().translator(language)
    online = _registration(concert, RegistrationStatus.CONFIRMED, NOW, Participation.ONLINE)
    last, *earlier = sorted(concert.reminder_offsets)
    reminder = _ready(Kind.REMINDER, concert, online, params={"offset": last})
    assert OWN_LINK in render(t, reminder, PUBLIC_URL).text
    for offset in earlier:
        ready = _ready(Kind.REMINDER, concert, online, params={"offset": offset})
        assert "/j/" not in render(t, ready, PUBLIC_URL).text
    for text in (
        render(t, _ready(Kind.REMINDER, concert, online, params={"offset": last})).text,
        render(t, _ready(Kind.JOIN_LINK_CHANGED, concert, online, params={"changed_at": 1})).text,
    ):
        assert str(concert.join_url) not in text  # the real link never goes out in a message


@pytest.mark.parametrize(
    ("participation", "status"),
    [
        (Participation.IN_PERSON, RegistrationStatus.CONFIRMED),
        (Participation.ONLINE, RegistrationStatus.WAITLISTED),
        (Participation.ONLINE, RegistrationStatus.OFFERED),
        (Participation.ONLINE, RegistrationStatus.CANCELLED),
        (Participation.ONLINE, RegistrationStatus.APPLIED),
    ],
)
def test_no_link_without_a_confirmed_online_seat(
    concert: Event, participation: Participation, status: RegistrationStatus
) -> None:
    t = Catalogues().translator("ru")
    registration = _registration(concert, status, NOW, participation)
    cases: list[tuple[Kind, dict[str, object]]] = [
        (Kind.REMINDER, {"offset": min(concert.reminder_offsets)}),
        (Kind.JOIN_LINK_CHANGED, {"changed_at": 1}),
        (Kind.EVENT_CHANGED, {}),
        (Kind.OFFER, {}),
    ]
    for kind, params in cases:
        text = render(t, _ready(kind, concert, registration, params=params), PUBLIC_URL).text
        assert "/j/" not in text
        assert str(concert.join_url) not in text

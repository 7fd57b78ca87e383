"""An applicant never sees organisers' notes or scores: /mydata, in every language, shows
the answers and the status and nothing of the review."""

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.views import my_data
from events.access import SYSTEM
from events.languages import LANGUAGES
from events.own_registrations import own_registrations
from events.registrations import register
from events.reviews import review
from locales.translator import Catalogues
from tests.factories import create_event, create_participant, create_programme

NOTE = "Zebra-crossing remark 7731"  # text no translation or date could contain


@pytest.mark.parametrize("language", LANGUAGES)
async def test_my_data_leaves_out_the_review(
    session: AsyncSession, now: datetime, language: str
) -> None:
    await create_programme(session, now)
    event = await create_event(session, now, "summer-school", mode="application")
    person = await create_participant(session, now, language=language)
    registration = await register(session, now, event.id, person.id)
    await review(session, now, SYSTEM, registration.id, 5, NOTE)

    text = my_data(
        Catalogues().translator(language),
        person,
        list(await own_registrations(session, person.id)),
    )

    assert NOTE not in text

"""Feedback surveys over HTTP: the setup (422 naming the field, 409 once sent), the
results per event and per programme (the anonymity threshold), and who may see them."""

from datetime import datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.editions import complete_past_events
from events.enums import Role
from events.feedback.answers import SurveyResponse, submit_answer
from events.feedback.settings import SurveySetup
from events.models import FeedbackInvitation, Programme
from tests.api.conftest import TokenFactory
from tests.factories import create_programme
from tests.feedback_support import Surveyed, attended_event

SCHOOL = "school"
FORUM = "forum"


async def _surveyed(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime, **overrides: object
) -> Surveyed:
    async with sessionmaker() as session:
        for slug in (SCHOOL, FORUM):
            if not await _has_programme(session, slug):
                await create_programme(session, now, slug)
        return await attended_event(session, now, SCHOOL, **overrides)  # type: ignore[arg-type]


async def _has_programme(session: AsyncSession, slug: str) -> bool:
    return bool(await session.scalar(select(Programme.id).where(Programme.slug == slug)))


async def _answer(
    sessionmaker: async_sessionmaker[AsyncSession],
    found: Surveyed,
    person: int,
    response: SurveyResponse,
) -> None:
    async with sessionmaker() as session:
        invitation = await session.scalar(
            select(FeedbackInvitation.id).where(
                FeedbackInvitation.event_id == found.event.id,
                FeedbackInvitation.participant_id == person,
            )
        )
        assert invitation is not None
        at = found.completed_at + timedelta(hours=1)
        await submit_answer(session, at, person, invitation, response)


async def test_setup_names_the_bad_field_and_is_refused_once_sent(
    api: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    token_headers: TokenFactory,
) -> None:
    found = await _surveyed(sessionmaker, now, complete=False)
    organiser = await token_headers(Role.ORGANISER, [SCHOOL])
    url = f"/api/v1/events/{found.event.id}/survey"
    first = await api.get(url, headers=organiser)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "event_id": found.event.id,
        "enabled": True,
        "questions": [],
        "anonymous": True,
        "sent": False,
    }
    refused = [
        ({"questions": ["track", "nights", "visa"]}, "questions"),
        ({"questions": ["about"]}, "questions.0"),
        ({"questions": ["track", "nowhere"]}, "questions.1"),
        ({"questions": ["track", "track"]}, "questions.1"),
        ({"questions": ["Track!"]}, "questions.0"),
        ({"anonymous": "yes"}, "anonymous"),
        ({"enabled": True, "extra": 1}, "extra"),
    ]
    for body, field in refused:
        answer = await api.put(url, json=body, headers=organiser)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert [error["field"] for error in answer.json()["errors"]] == [field], answer.text
    assert (await api.get(url, headers=organiser)).json()["questions"] == []

    body = {"enabled": True, "questions": ["track", "visa"], "anonymous": False}
    saved = await api.put(url, json=body, headers=organiser)
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"event_id": found.event.id, "sent": False, **body}

    async with sessionmaker() as session:
        await complete_past_events(session, found.completed_at)
    frozen = await api.put(url, json={"anonymous": True}, headers=organiser)
    assert frozen.status_code == 409
    assert frozen.json()["code"] == "survey_frozen"
    assert "already sent" in frozen.json()["detail"]
    assert (await api.get(url, headers=organiser)).json()["sent"] is True


async def test_results_per_event_and_programme_keep_small_anonymous_surveys_hidden(
    api: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    token_headers: TokenFactory,
) -> None:
    anonymous = await _surveyed(
        sessionmaker, now, attendees=3, setup=SurveySetup(questions=["track"])
    )
    named = await _surveyed(
        sessionmaker,
        now,
        attendees=1,
        setup=SurveySetup(questions=["visa", "nights"], anonymous=False),
    )
    organiser = await token_headers(Role.ORGANISER, [SCHOOL])
    for person, rating in zip(anonymous.attended[:2], (5, 3), strict=True):
        await _answer(
            sessionmaker, anonymous, person, SurveyResponse(rating, {"track": "economy"}, "Fine")
        )
    await _answer(
        sessionmaker,
        named,
        named.attended[0],
        SurveyResponse(4, {"visa": "yes", "nights": "3"}, "Kind <hosts>"),
    )

    hidden = await api.get(f"/api/v1/events/{anonymous.event.id}/feedback", headers=organiser)
    assert hidden.status_code == 200, hidden.text
    body = hidden.json()
    assert (body["invited"], body["answered"], body["shown"]) == (3, 2, False)
    assert (body["ratings"], body["questions"], body["comments"]) == (None, [], [])

    shown = (await api.get(f"/api/v1/events/{named.event.id}/feedback", headers=organiser)).json()
    assert shown["shown"] is True
    assert shown["ratings"] == {
        "answered": 1,
        "average": 4.0,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
    }
    assert [(q["key"], q["counts"], q["average"]) for q in shown["questions"]] == [
        ("visa", {"yes": 1, "no": 0}, None),
        ("nights", {"3": 1}, 3.0),
    ]
    assert len(shown["comments"]) == 1
    assert shown["comments"][0]["text"] == "Kind <hosts>"
    assert shown["comments"][0]["name"]

    await _answer(sessionmaker, anonymous, anonymous.attended[2], SurveyResponse(1, {}, ""))
    opened = (
        await api.get(f"/api/v1/events/{anonymous.event.id}/feedback", headers=organiser)
    ).json()
    assert opened["shown"] is True
    assert opened["ratings"]["average"] == 3.0
    assert opened["comments"] == [{"text": "Fine", "name": None}] * 2

    programme = await api.get(f"/api/v1/programmes/{SCHOOL}/feedback", headers=organiser)
    assert programme.status_code == 200, programme.text
    totals = programme.json()
    assert (totals["invited"], totals["answered"]) == (4, 4)
    assert totals["ratings"]["distribution"] == {"1": 1, "2": 0, "3": 1, "4": 1, "5": 1}
    assert [e["event_id"] for e in totals["events"]] == [anonymous.event.id, named.event.id]


async def test_only_the_programmes_organisers_and_admins_see_feedback(
    api: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    token_headers: TokenFactory,
    admin: dict[str, str],
) -> None:
    found = await _surveyed(sessionmaker, now)
    stranger = await token_headers(Role.ORGANISER, [FORUM])
    checker = await token_headers(Role.CHECKER, [SCHOOL])
    urls = [
        f"/api/v1/events/{found.event.id}/feedback",
        f"/api/v1/events/{found.event.id}/survey",
        f"/api/v1/programmes/{SCHOOL}/feedback",
    ]
    for url in urls:
        assert (await api.get(url, headers=admin)).status_code == 200
        assert (await api.get(url, headers=stranger)).status_code == 403
        assert (await api.get(url, headers=checker)).status_code == 403
        assert (await api.get(url)).status_code == 401
    put = await api.put(urls[1], json={"enabled": False}, headers=stranger)
    assert put.status_code == 403
    assert (await api.get("/api/v1/events/999999/feedback", headers=admin)).status_code == 404
    assert (await api.get("/api/v1/programmes/nowhere/feedback", headers=admin)).status_code == 404

"""Applying to an application-mode event in chat: the event's own questions (free text, a
choice, yes/no, a number, an optional one), wrong answers asked again, the application
stored with the right answers. Against the real ``redbridge serve``."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from events.access import create_token
from events.enums import QuestionKind, RegistrationStatus, Role
from tests.bot.conftest import Live, in_every_language, on_both_backends
from tests.bot.process import (
    BIRTH_YEAR_QUESTION,
    COUNTRY_QUESTION,
    EXPERIENCE_RANGE,
    GENDER_QUESTION,
    MOTIVATION_LIMIT,
    NAME_QUESTION,
    PROGRAMME_SLUG,
    RECEIVED,
    Person,
    choice_label,
    conversation_of,
    labels,
    participant_of,
    prompt,
    registrations_of,
    shown,
    summary_heading,
    walk_begin,
    walk_profile,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

USE_BUTTONS = "Please use the buttons below."


async def draft_answers(live: Live, person: Person) -> dict[str, Any]:
    """The answers kept in the person's unfinished application."""
    conversation = await conversation_of(live.sessionmaker, person.id)
    assert conversation is not None
    answers: dict[str, Any] = conversation.data["signup"]["answers"]
    return answers


@in_every_language
async def test_apply_with_custom_questions(live: Live, language: str) -> None:
    event = await live.application_event()
    ani = live.person(language)
    _ = ani._
    await walk_begin(ani, event)
    first = await walk_profile(ani, name="Ani", country="AZ", gender="Female", birth_year=1999)
    assert prompt("motivation", language) in shown(first)
    assert labels(first) == []  # free text, required: no buttons

    # Free text: too long is asked again with a hint; nothing is kept.
    too_long = ani.n_(
        "Please write an answer of up to {limit} character.",
        "Please write an answer of up to {limit} characters.",
        MOTIVATION_LIMIT,
    ).format(limit=MOTIVATION_LIMIT)
    await ani.say("x" * (MOTIVATION_LIMIT + 1), too_long, prompt("motivation", language))
    assert await draft_answers(live, ani) == {}
    motivation = "To meet my neighbours & talk about <rivers>."
    choice = await ani.say(motivation, prompt("track", language))

    # A choice: typing instead of pressing is asked again; the buttons are the choices.
    expected_choices = [choice_label("track", key, language) for key in ("economy", "culture")]
    assert labels(choice) == expected_choices
    again = await ani.say(expected_choices[0], _(USE_BUTTONS), prompt("track", language))
    assert labels(again) == expected_choices
    assert await draft_answers(live, ani) == {"motivation": motivation}
    yes_no = await ani.tap_for(expected_choices[1], prompt("visa", language))

    # Yes or no, by button only.
    assert labels(yes_no) == [_("Yes"), _("No")]
    await ani.say("yes", _(USE_BUTTONS), prompt("visa", language))
    await ani.tap_for(_("Yes"), prompt("experience", language))

    # A number in a range.
    low, high = EXPERIENCE_RANGE
    hint = _("Please write a whole number from {min} to {max}.").format(min=low, max=high)
    for wrong in ("three", "41", "-1", "2.5"):
        await ani.say(wrong, hint, prompt("experience", language))
    assert "experience" not in await draft_answers(live, ani)
    optional = await ani.say("3", prompt("note", language), _("(optional)"))
    assert labels(optional) == [_("Skip")]

    # The optional question is skipped; the summary shows every answer given.
    summary = await ani.tap_for(_("Skip"), summary_heading(ani, event))
    text = shown(summary)
    for question, answer in (
        ("motivation", motivation),
        ("track", expected_choices[1]),
        ("visa", _("Yes")),
        ("experience", "3"),
    ):
        assert f"{prompt(question, language)}\n→ {answer}" in text
    assert prompt("note", language) not in text
    assert await registrations_of(live.sessionmaker, ani.id) == []

    await ani.tap_for(_("Agree and send"), _(RECEIVED))
    [application] = await registrations_of(live.sessionmaker, ani.id)
    assert application.event_id == event.id
    assert application.status == RegistrationStatus.APPLIED
    assert application.answers == {
        "motivation": motivation,
        "track": "culture",
        "visa": True,
        "experience": 3,
    }
    assert (application.country, application.gender) == ("AZ", "female")
    listing = await ani.say("/my", _("Your registrations:"))
    assert ani.entry_label(event.title[language], _("application received")) in labels(listing)


@on_both_backends
async def test_the_organisers_see_the_application_through_the_api(live: Live) -> None:
    event = await live.application_event()
    ani = live.person("ka")
    _ = ani._
    await walk_begin(ani, event)
    await walk_profile(ani, name="Nino", country="GE", gender="Female", birth_year=2000)
    await ani.say("Because bridges matter.", prompt("track", "ka"))
    await ani.tap_for(choice_label("track", "economy", "ka"), prompt("visa", "ka"))
    await ani.tap_for(_("No"), prompt("experience", "ka"))
    await ani.say("0", prompt("note", "ka"))
    await ani.say("I use a wheelchair.", summary_heading(ani, event))
    await ani.tap_for(_("Agree and send"), _(RECEIVED))

    async with live.sessionmaker() as session:
        _token, secret = await create_token(
            session,
            datetime.now(UTC),
            role=Role.ORGANISER,
            name="selection committee",
            programme_slugs=[PROGRAMME_SLUG],
        )
    [application] = await registrations_of(live.sessionmaker, ani.id)
    async with httpx.AsyncClient(base_url=live.process.base_url, timeout=10) as api:
        answer = await api.get(
            f"/api/v1/registrations/{application.id}",
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["participant_name"], body["status"], body["event_id"]) == (
        "Nino",
        "applied",
        event.id,
    )
    assert body["answers"] == {
        "motivation": "Because bridges matter.",
        "track": "economy",
        "visa": False,
        "experience": 0,
        "note": "I use a wheelchair.",
    }


@on_both_backends
async def test_long_answers_still_reach_the_summary_and_are_stored(live: Live) -> None:
    """Questions may allow 2000 characters each; the summary of three such answers is
    longer than the 4096 characters Telegram allows in one message, yet the applicant
    must be able to check and send their application."""
    essay = {
        "kind": QuestionKind.TEXT,
        "max_length": 2000,
        "prompt": {"en": "Tell us about yourself."},
    }
    questions = [essay | {"key": key} for key in ("about", "project", "hopes")]
    event = await live.application_event(questions=questions)
    ani = live.person("en")
    await walk_begin(ani, event)
    await walk_profile(ani)
    answers = {key: (key[0] * 1999) + "." for key in ("about", "project", "hopes")}
    for key in ("about", "project"):
        await ani.say(answers[key], "Tell us about yourself.")
    await ani.send(answers["hopes"])
    summary = await ani.expect(summary_heading(ani, event))
    assert summary
    consent = await ani.button(ani._("Agree and send"))
    ani.drain()  # the rest of the summary, sent in parts
    await ani.tap(ani._("Agree and send"), message=consent)
    await ani.expect(ani._(RECEIVED))
    [application] = await registrations_of(live.sessionmaker, ani.id)
    assert application.answers == answers


@in_every_language
async def test_an_ineligible_applicant_is_told_why_and_nothing_is_stored(
    live: Live, language: str
) -> None:
    event = await live.application_event(
        questions=[], min_age=18, max_age=30, eligible_countries=["AM", "AZ", "GE"]
    )
    ani = live.person(language)
    _ = ani._
    await walk_begin(ani, event)
    await ani.expect(_(NAME_QUESTION))
    await ani.say("Ani", _(COUNTRY_QUESTION))
    await ani.tap_for(ani.t.country("AZ"), _(GENDER_QUESTION))
    await ani.tap(_("Female"))
    # The event needs the birth year: there is no Skip button.
    asked = await ani.expect(_(BIRTH_YEAR_QUESTION))
    assert labels(asked) == []
    assert _("(optional)") not in shown(asked)
    # Told right after the profile, before any question or the summary.
    refusal = await ani.say("1980", _("This event is for another age group."))
    assert labels(refusal) == [_("Programmes"), _("My registrations"), _("Language")]
    assert await participant_of(live.sessionmaker, ani.id) is None
    assert await registrations_of(live.sessionmaker, ani.id) == []

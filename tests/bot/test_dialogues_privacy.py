"""Switching language, seeing and editing one's profile, seeing everything stored and
erasing it. Against the real ``redbridge serve``."""

import pytest

from events.enums import RegistrationStatus
from events.languages import LANGUAGE_NAMES
from tests.bot.conftest import Live, in_every_language, on_both_backends, on_sqlite
from tests.bot.process import (
    BIRTH_YEAR_QUESTION,
    COUNTRY_QUESTION,
    EVENT_TITLE,
    GENDER_QUESTION,
    GREETING,
    NAME_QUESTION,
    QUESTIONS,
    REGISTERED,
    labels,
    participant_of,
    registration_by_id,
    registrations_of,
    shown,
    signed_up,
    summary_heading,
    walk_begin,
    walk_profile,
    walk_register,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

DONE = "Done: I will write to you in English."
FORGET_QUESTION = (
    "This erases your name, profile, answers and tickets, and cancels your upcoming "
    "registrations. It cannot be undone. Erase everything?"
)
MENU = ("Programmes", "My registrations", "Language")


def other_than(language: str) -> str:
    return "ru" if language != "ru" else "hy"


@in_every_language
async def test_language_switches_at_once_and_is_kept_on_registering(
    live: Live, language: str
) -> None:
    event = await live.event()
    ani = live.person(other_than(language))
    await ani.say("/start", ani._(GREETING), ani._("You can choose your language at any time:"))
    picker = await ani.say("/language", ani._("Choose your language:"))
    assert labels(picker) == list(LANGUAGE_NAMES.values())

    ani.speaks(language)
    done = await ani.tap_for(LANGUAGE_NAMES[language], ani._(DONE))
    assert labels(done) == [ani._(label) for label in MENU]
    await ani.say("/help", ani._("What I can do:"))
    # /start no longer offers the picker: the choice is made.
    await ani.say("/start", ani._(GREETING))
    await ani.say("/help", ani._("What I can do:"))

    assert ani._(REGISTERED) in shown(await walk_register(ani, event))
    participant = await participant_of(live.sessionmaker, ani.id)
    assert participant is not None
    assert participant.language == language


@in_every_language
async def test_a_participant_switches_language_from_the_menu(live: Live, language: str) -> None:
    """A registered participant's language is stored at once (reminders follow it)."""
    event = await live.event()
    ani = live.person(other_than(language))
    await walk_register(ani, event)
    menu = await ani.say("/help", ani._("What I can do:"))
    await ani.tap(ani._("Language"), message=menu)
    await ani.expect(ani._("Choose your language:"))
    ani.speaks(language)
    await ani.tap_for(LANGUAGE_NAMES[language], ani._(DONE))
    participant = await participant_of(live.sessionmaker, ani.id)
    assert participant is not None
    assert participant.language == language
    listing = await ani.say("/my", ani._("Your registrations:"))
    assert ani.entry_label(event.title[language], ani._("confirmed")) in labels(listing)


@in_every_language
async def test_profile_is_shown_and_edited(live: Live, language: str) -> None:
    event = await live.event()
    ani = live.person(language)
    _ = ani._
    await ani.say("/profile", _("You have no profile yet. It is created when you first register."))
    await walk_register(ani, event, name="Ani", country="AM", gender="Female", birth_year=2001)
    profile = await ani.say(
        "/profile",
        _("Name: {name}").format(name="Ani"),
        _("Country: {country}").format(country=ani.t.country("AM")),
        _("Gender: Female"),
        _("Birth year: {year}").format(year=2001),
    )
    assert labels(profile) == [_("Edit my profile")]

    await ani.tap_for(_("Edit my profile"), _(NAME_QUESTION))
    await ani.say("Ani Petrosyan-Aliyeva", _(COUNTRY_QUESTION))
    await ani.tap_for(ani.t.country("GE"), _(GENDER_QUESTION))
    await ani.tap(_("Prefer not to say"))
    await ani.expect(_(BIRTH_YEAR_QUESTION))
    await ani.tap_for(
        _("Skip"),
        _("Your profile is saved."),
        _("Name: {name}").format(name="Ani Petrosyan-Aliyeva"),
        _("Country: {country}").format(country=ani.t.country("GE")),
        _("Gender: not stated"),
        _("Birth year: not stated"),
    )
    participant = await participant_of(live.sessionmaker, ani.id)
    assert participant is not None
    assert (participant.name, participant.country, participant.gender) == (
        "Ani Petrosyan-Aliyeva",
        "GE",
        None,
    )
    assert (participant.birth_year, participant.language) == (None, language)
    await ani.say("/profile", _("Name: {name}").format(name="Ani Petrosyan-Aliyeva"))


@in_every_language
async def test_mydata_lists_what_is_stored_and_forget_erases_it(live: Live, language: str) -> None:
    event = await live.event(questions=[QUESTIONS[0]])  # one free-text question
    ani = live.person(language)
    _ = ani._
    nothing = _("Redbridge stores nothing about you except your language choice.")
    await ani.say("/mydata", nothing)
    await walk_begin(ani, event)
    await walk_profile(ani, name="Ani")
    await ani.say("Rivers & <bridges>", summary_heading(ani, event))
    await ani.tap_for(_("Agree and send"), _(REGISTERED))
    [registration] = await registrations_of(live.sessionmaker, ani.id)
    participant = await participant_of(live.sessionmaker, ani.id)
    assert participant is not None
    assert participant.consented_at is not None
    prompt = QUESTIONS[0]["prompt"][language]
    await ani.say(
        "/mydata",
        _("This is everything Redbridge stores about you:"),
        _("Name: {name}").format(name="Ani"),
        _("Country: {country}").format(country=ani.t.country("AM")),
        _("Gender: Female"),
        _("Birth year: {year}").format(year=2001),
        _("Language: {language}").format(language=LANGUAGE_NAMES[language]),
        _("Telegram ID: {id}").format(id=ani.id),
        _("Consent given: {date}").format(date=ani.t.date(participant.consented_at, "UTC")),
        _("Registrations"),
        f"{EVENT_TITLE[language]} — {_('confirmed')}",
        f"{prompt}\n  → Rivers & <bridges>",  # the answer under its question, as asked
    )

    question = await ani.say("/forget", _(FORGET_QUESTION))
    assert labels(question) == [_("Yes, erase my data"), _("No, keep it")]
    await ani.tap_for(_("No, keep it"), _("Nothing was erased."))
    assert await participant_of(live.sessionmaker, ani.id) is not None

    await ani.say("/forget", _(FORGET_QUESTION))
    await ani.tap_for(
        _("Yes, erase my data"), _("Your data has been erased. Goodbye, and take care.")
    )
    assert await participant_of(live.sessionmaker, ani.id) is None
    erased = await registration_by_id(live.sessionmaker, registration.id)
    assert (erased.status, erased.cancel_reason) == (RegistrationStatus.CANCELLED, "erased")
    assert (erased.answers, erased.ticket_code) == ({}, None)
    await ani.say("/mydata", nothing)
    await ani.say("/profile", _("You have no profile yet. It is created when you first register."))
    listing = await ani.say("/my", _("You have no registrations yet."))
    assert labels(listing) == [_(label) for label in MENU]


@in_every_language
async def test_after_forget_the_bot_keeps_the_language_the_person_chose(
    live: Live, language: str
) -> None:
    """Their Telegram app is set to another language: the choice is what counts, before
    and after /forget (the one thing /mydata says is kept)."""
    ani = live.person(other_than(language), speaks=language)
    await ani.send("/language")
    await ani.next()
    await ani.tap_for(LANGUAGE_NAMES[language], ani._(DONE))
    await walk_register(ani, await live.event())
    await ani.say("/forget", ani._(FORGET_QUESTION))
    await ani.tap_for(
        ani._("Yes, erase my data"), ani._("Your data has been erased. Goodbye, and take care.")
    )
    assert await participant_of(live.sessionmaker, ani.id) is None

    await ani.say("/help", ani._("What I can do:"))
    await ani.say(
        "/mydata", ani._("Redbridge stores nothing about you except your language choice.")
    )
    await ani.say("/start", ani._(GREETING))


@on_both_backends
async def test_an_old_edit_profile_button_after_forget_creates_no_profile(live: Live) -> None:
    """After /forget, the "Edit my profile" button of an earlier /profile message must not
    start collecting (and storing, with a consent date) personal data again."""
    ani = live.person("en")
    await walk_register(ani, await live.event())
    profile = await ani.say("/profile", ani._("Name: {name}").format(name="Ani"))
    await ani.say("/forget", ani._(FORGET_QUESTION))
    await ani.tap_for(
        ani._("Yes, erase my data"), ani._("Your data has been erased. Goodbye, and take care.")
    )
    answer = await ani.tap(ani._("Edit my profile"), message=profile)
    if answer.text is None:  # the bot started asking for the profile again: finish it
        await ani.expect(ani._(NAME_QUESTION))
        await ani.say("Ani", ani._(COUNTRY_QUESTION))
        await ani.tap_for(ani.t.country("AM"), ani._(GENDER_QUESTION))
        await ani.tap(ani._("Female"))
        await ani.expect(ani._(BIRTH_YEAR_QUESTION))
        await ani.say("2001", ani._("Your profile is saved."))
    assert await participant_of(live.sessionmaker, ani.id) is None
    assert answer.text == ani._("This button is no longer active.")


@on_sqlite
async def test_mydata_with_long_answers_fits_in_telegram_messages(live: Live) -> None:
    """Everything stored must be shown, even when it is longer than one Telegram message
    (4096 characters): here three applications with answers of 1500 characters."""
    essay = {"key": "about", "kind": "text", "max_length": 2000, "prompt": {"en": "About you"}}
    ani = live.person("en")
    answers = [letter * 1500 for letter in "xyz"]
    for answer in answers:
        event = await live.event(questions=[essay])
        await signed_up(
            live.sessionmaker, event, "Ani", answers={"about": answer}, telegram_user_id=ani.id
        )
    await ani.send("/mydata")
    received = shown(await ani.next())
    while not all(answer in received for answer in answers):
        received += shown(await ani.next())

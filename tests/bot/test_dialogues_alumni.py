"""The alumni network in the chat, against the real ``redbridge serve``: an imported
alumna is invited and confirms, fills in her profile and chooses who sees it, finds
another alumna in the directory and asks to exchange contacts; the other accepts, and
only then do both get each other's contact. In every language."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.callbacks import ContactAction, Directory
from emulator import ChatMessage
from events.access import SYSTEM
from events.alumni.connections import request_contact
from events.alumni.imports import import_alumni
from events.alumni.profiles import set_audience, set_country, set_text, toggle
from events.alumni.visibility import Audience
from events.models import AlumniProfile, AlumniReport, Event
from tests.alumni_support import confirmed_alumnus, past_edition
from tests.bot.conftest import Live, in_every_language
from tests.bot.process import PROGRAMME_SLUG, Person, labels, next_user_id, shown

pytestmark = pytest.mark.asyncio(loop_scope="session")

GREETING = (
    "Welcome to Redbridge! Here you can find programmes that bring young people and civil "
    "society of the South Caucasus together, register or apply, and get reminders."
)


def person(live: Live, name: str, language: str, username: str | None) -> Person:
    user = live.tg.user(next_user_id(), name, username=username, language_code=language)
    return Person(user, live.catalogues, language)


async def _import_and_others(live: Live, ani: Person, leyla: Person, language: str) -> Event:
    """A past edition; Ani imported for it (not confirmed yet); Leyla, Nino and Aram its
    confirmed alumni. Leyla shows everything to all alumni; Nino shows nothing; Aram shows
    his name only to alumni of another edition. Returns the edition, whose title is its own
    (the dialogues of a session share the stack, and other tests' alumni show too)."""
    now = datetime.now(UTC)
    async with live.sessionmaker() as session:
        title = {"en": f"River camp {next_user_id()}"}
        edition = await past_edition(session, now, PROGRAMME_SLUG, title=title)
        other = await past_edition(session, now, PROGRAMME_SLUG)
        await import_alumni(
            session,
            now,
            SYSTEM,
            PROGRAMME_SLUG,
            f"name,telegram,edition,country\nAni,{ani.id},{edition.slug},AM\n",
        )
        found = await confirmed_alumnus(
            session, now, [(PROGRAMME_SLUG, edition)], "Leyla", language, leyla.id
        )
        await set_text(session, now, found.participant_id, "bio", "I <3 rivers & bridges")
        await set_text(session, now, found.participant_id, "city", "Ganja")
        await set_country(session, now, found.participant_id, "AZ")
        await toggle(session, now, found.participant_id, "interests", "music")
        for field in ("name", "bio", "city", "country", "interests"):
            await set_audience(session, now, found.participant_id, field, Audience.ALL)
        nino = await confirmed_alumnus(session, now, [(PROGRAMME_SLUG, edition)], "Nino")
        await set_country(session, now, nino.participant_id, "AZ")
        aram = await confirmed_alumnus(session, now, [(PROGRAMME_SLUG, other)], "Aram")
        await set_country(session, now, aram.participant_id, "AZ")
        await set_audience(session, now, aram.participant_id, "name", Audience.EDITION)
        await set_audience(session, now, aram.participant_id, "country", Audience.ALL)
        return edition


def nothing_of(message: ChatMessage, *secrets: str) -> None:
    text = shown(message) + " ".join(labels(message))
    assert not [secret for secret in secrets if secret in text], text


MENU_TEXT = (
    "Find people you met at Redbridge events and stay in touch. Your profile is hidden until "
    "you choose who may see each part of it, and contacts are exchanged only when both of you "
    "agree."
)
WELCOME = (
    "Thank you: you are in the alumni network now. Your profile stays hidden until you "
    "choose who may see each part of it."
)
SENT = (
    "Your request has been sent. If {name} accepts, you will both receive each other's "
    "Telegram contact."
)


@in_every_language
async def test_an_imported_alumna_joins_finds_someone_and_they_exchange_contacts(
    live: Live, language: str
) -> None:
    handle = f"ani_{next_user_id()}"
    ani = person(live, "Ani", language, handle)
    leyla = person(live, "Leyla", language, None)
    _ = ani._
    edition = await _import_and_others(live, ani, leyla, language)
    await leyla.say("/start", leyla._(GREETING))

    # Invited once, after the answer to whatever she wrote first.
    await ani.say("/start", _(GREETING))
    invitation = await ani.expect(_("The organisers have listed you among the alumni of:"))
    assert labels(invitation) == [_("Yes, that is me"), _("No, that is not me")]
    await ani.say("/help", _("What I can do:"), _("/alumni – the alumni network"))
    menu = await ani.tap_for_edit(_("Yes, that is me"), _(WELCOME))
    assert labels(menu) == [_("My alumni profile"), _("Find alumni")]

    # Her profile: hidden by default; she writes a bio and shows her name to all alumni.
    profile = await ani.tap_for_edit(_("My alumni profile"), _("Name"), "Ani")
    nobody = _("Who sees it: {audience}").format(audience=_("Nobody"))
    assert shown(profile).count(nobody) == 6
    await ani.tap(_("About me"))
    await ani.expect(
        _("Please write a few words about yourself, up to 300 characters. A dash (-) clears it.")
    )
    await ani.say("x" * 301, _("Please keep it to 300 characters."))
    await ani.say("Hiking <b>and</b> jazz", _("Saved."), "Hiking <b>and</b> jazz")
    await ani.tap_for_edit(
        _("Who sees what"), _("Which part of your profile? Choose, then choose who may see it.")
    )
    await ani.tap_for_edit(_("Name"), _("Who may see this: {field}?").format(field=_("Name")))
    shown_to_all = _("Who sees it: {audience}").format(audience=_("All alumni"))
    await ani.tap_for_edit(_("All alumni"), shown_to_all)

    # Her edition's group chat, once the organisers gave one: in her menu, for her alone.
    group = "https://t.me/+Cohort2026_ab"
    async with live.sessionmaker() as session:
        stored = await session.get(Event, edition.id)
        assert stored is not None
        stored.cohort_link = group
        await session.commit()
    menu = await ani.say("/alumni", _(MENU_TEXT))
    line = _("Group chat of the alumni of {event}: {link}").format(
        event=ani.t.pick(edition.title), link=group
    )
    assert line in shown(menu)

    # The directory, by country: Leyla is found; Nino (hidden) and Aram (his name only for
    # another edition's alumni) are not, though all three live in Azerbaijan.
    await ani.tap_for_edit(
        _("Find alumni"), _("No filters: everyone who shows their name to you.")
    )
    await ani.tap_for_edit(_("Country"), _("Choose one:"))
    azerbaijan = ani.t.country("AZ")
    await ani.tap_for_edit(azerbaijan, _("Country: {country}").format(country=azerbaijan))
    # (The demo's alumni are there too: they fill the first pages.)
    results = await ani.tap_for_edit(_("Show alumni"), _("Alumni, page {page}:").format(page=1))
    assert "Nino" not in shown(results)
    assert "Aram" not in shown(results)
    # Narrowed to her edition, Leyla alone.
    await ani.tap_for_edit(_("Filters"), _("Country: {country}").format(country=azerbaijan))
    await ani.tap_for_edit(_("Event"), _("Choose one:"))
    # The editions are listed in full, numbered; their buttons are short.
    picked = await ani.tap_entry(
        edition.title["en"], ani.t.date(edition.starts_at, edition.timezone)
    )
    assert _("Event: {title}").format(title=edition.title["en"]) in shown(picked)
    results = await ani.tap_for_edit(
        _("Show alumni"), "Leyla", edition.title["en"], "Ganja", "I <3 rivers & bridges"
    )
    assert labels(results) == ["1", _("Filters")]
    card = await ani.tap_for_edit("1", "Leyla", _("Interests and tags"), _("Music"))
    nothing_of(card, str(leyla.id))
    await ani.tap(_("Ask to exchange contacts"))
    await ani.expect("Leyla")
    sent = await ani.say("We met at the river debate!", _(SENT).format(name="Leyla"))
    nothing_of(sent, str(leyla.id))

    # Leyla hears of it through the outbox, with the note, and accepts.
    request = await leyla.expect("Ani", "We met at the river debate!")
    nothing_of(request, str(ani.id), handle)
    assert labels(request) == [_("Accept"), _("Decline"), _("Block"), _("Report")]
    accepted = await leyla.tap_for_edit(_("Accept"), f"@{handle}")
    assert "Ani" in shown(accepted)
    # Ani gets Leyla's contact: Leyla has no username, so a link that opens her chat.
    contact = await ani.expect("Leyla")
    assert f"tg://user?id={leyla.id}" in contact.html

    # Asking again is refused, in Ani's language.
    again = await ani.tap(_("Ask to exchange contacts"), message=card)
    assert again.text == _("There is already a request between you; it cannot be sent again.")


FORGET_QUESTION = (
    "This erases your name, profile, answers and tickets, and cancels your upcoming "
    "registrations. It cannot be undone. Erase everything?"
)
REPORTED = (
    "Thank you. The organisers will look at this request. This person can no longer find "
    "you or write to you."
)


@in_every_language
async def test_a_report_blocks_and_forged_or_stale_buttons_change_nothing(
    live: Live, language: str
) -> None:
    ani = person(live, "Ani", language, None)
    _ = ani._
    now = datetime.now(UTC)
    async with live.sessionmaker() as session:
        edition = await past_edition(session, now, PROGRAMME_SLUG)
        me = await confirmed_alumnus(
            session, now, [(PROGRAMME_SLUG, edition)], "Ani", language, ani.id
        )
        await set_text(session, now, me.participant_id, "bio", "Rivers")
        rustam = await confirmed_alumnus(session, now, [(PROGRAMME_SLUG, edition)], "Rustam")
        await set_audience(session, now, rustam.participant_id, "name", Audience.ALL)
        await set_audience(session, now, me.participant_id, "name", Audience.EDITION)
        nino = await confirmed_alumnus(session, now, [(PROGRAMME_SLUG, edition)], "Nino")
        await set_text(session, now, nino.participant_id, "bio", "Hidden")
    await ani.say("/start", _(GREETING))
    async with live.sessionmaker() as session:
        request = await request_contact(
            session, now, rustam.participant_id, me.participant_id, "A rude <note>", None
        )

    message = await ani.expect("Rustam", "A rude <note>")
    await ani.tap_for_edit(_("Report"), _(REPORTED))
    async with live.sessionmaker() as session:
        [report] = await session.scalars(
            select(AlumniReport).where(AlumniReport.connection_id == request.id)
        )
        assert report.note == "A rude <note>"

    # The report's buttons pressed again, forged buttons, hidden and blocked people.
    accept = ContactAction(action="accept", id=request.id).pack()
    assert (await ani.forge(accept, message)).text == _("This is no longer possible.")
    unknown = ContactAction(action="accept", id=2**31 - 1).pack()
    assert (await ani.forge(unknown, message)).text == _("This is no longer available.")
    not_found = _("This person cannot be found in the directory.")
    for hidden in (nino.participant_id, rustam.participant_id, me.participant_id):
        forged = Directory(action="open", id=hidden).pack()
        assert (await ani.forge(forged, message)).text == not_found
        ask = ContactAction(action="ask", id=hidden).pack()
        assert (await ani.forge(ask, message)).text == not_found
    assert (await ani.forge("ad:page:x", message)).text == _("This button is no longer active.")

    # What is stored, as /mydata shows it; then /forget removes the profile.
    await ani.say(
        "/mydata",
        _("Events attended: {events}").format(events=ani.t.pick(edition.title)),
        "Rivers",
        _("{field}: {value}").format(field="Rustam", value=_("asked you; you declined")),
    )
    await ani.say("/forget", _(FORGET_QUESTION))
    await ani.tap_for(
        _("Yes, erase my data"), _("Your data has been erased. Goodbye, and take care.")
    )
    async with live.sessionmaker() as session:
        assert await session.get(AlumniProfile, me.participant_id) is None

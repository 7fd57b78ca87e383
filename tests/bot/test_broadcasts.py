"""Organisers write to their participants in chat, in-process against the emulator:
/broadcast (event, audience and its size, text and translations with a preview, send),
following a broadcast up (progress, cancelling it) and /broadcasts. Nothing is stored
before "Send now"; people who do not manage the event get a polite refusal and change
nothing. Runs on SQLite and PostgreSQL.
"""

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import BroadcastControl, Compose
from emulator import ChatMessage, SimulatedUser
from events.access import SYSTEM
from events.broadcast_inputs import BROADCAST_TEXT_LIMIT
from events.editions import create_event, publish_event
from events.enums import ProgrammeKind
from events.inputs import EventDraft, ParticipantDetails, ProgrammeDraft
from events.languages import LANGUAGE_NAMES
from events.models import Broadcast, Event, OutboxMessage
from events.outbox.queue import Kind, State
from events.programmes import create_programme, publish_programme
from events.registrations import sign_up
from locales.translator import Translator
from tests.bot.inprocess import (
    LAB_OPEN_TITLE,
    ORGANISER_ID,
    InProcessBot,
    inprocess,  # noqa: F401 - the fixture
)

ONLY_ORGANISERS = "This is only for organisers."
STALE = "This button is no longer active."
SEATS = "Everyone with a seat"


@pytest.fixture
async def lab(
    inprocess: InProcessBot,  # noqa: F811
    request: pytest.FixtureRequest,
) -> AsyncIterator[InProcessBot]:
    """The in-process bot with three people on the lab's open event (two seats: two
    confirmed, one on the waiting list). After a test that passed, no exception reached
    the error handler and every press was answered."""
    async with inprocess.sessionmaker() as session:
        for number, (name, gender) in enumerate((("Ani", "female"), ("Aram", "male"))):
            await _sign_up(session, inprocess, name, gender, 700_001 + number)
        await _sign_up(session, inprocess, "Leyla", "male", 700_003)
    failed_before = request.session.testsfailed
    yield inprocess
    if request.session.testsfailed > failed_before:
        return
    assert inprocess.ledger.count == 0, inprocess.ledger.last
    assert inprocess.unanswered_queries() == []
    await inprocess.check_invariants()


async def _sign_up(
    session: AsyncSession, bot: InProcessBot, name: str, gender: str, telegram_id: int
) -> None:
    await sign_up(
        session,
        bot.now,
        ParticipantDetails(name=name, country="AM", gender=gender, telegram_user_id=telegram_id),
        bot.lab.open_id,
        {"nickname": name, "diet": "vegan"},
    )


class Organiser:
    """A person in chat (by default the lab's organiser) and their translator."""

    def __init__(self, bot: InProcessBot, user: SimulatedUser, language: str) -> None:
        self.bot = bot
        self.user = user
        self.t: Translator = bot.t(language)
        self._ = self.t.gettext

    async def say(self, text: str) -> list[ChatMessage]:
        return await self.bot.send(self.user, text)

    async def press(self, label: str) -> list[ChatMessage]:
        return await self.bot.press(self.user, label)

    async def press_data(self, data: str) -> list[ChatMessage]:
        return await self.bot.press(self.user, data=data)

    async def forge(self, data: str) -> str:
        """A press with ``data`` on the newest message; the answer's text."""
        query_id = await self.bot.callback(self.user, data, "unknown")
        self.user.drain()
        return self.bot.answer_to(self.user, query_id) or ""

    def last_answer(self) -> str:
        return self.user.callback_answers[-1].text or ""

    async def write_formatted(self, text: str, bold: str) -> list[ChatMessage]:
        """Send ``text`` with the (first) substring ``bold`` formatted bold in the app."""
        return await self.write_with_entity(text, bold, {"type": "bold"})

    async def write_with_entity(
        self, text: str, part: str, entity: dict[str, str]
    ) -> list[ChatMessage]:
        """Send ``text`` with the (first) substring ``part`` formatted as ``entity``."""
        start = text.index(part)
        state = self.bot.tg.state
        chat = state.chats[self.user.id]
        message = ChatMessage(
            chat_id=self.user.id,
            message_id=chat.next_message_id(),
            date=state.now(),
            from_bot=False,
            text=text,
            entities=[{**entity, "offset": start, "length": len(part)}],
        )
        state.store(chat, message)
        state.updates.push("message", state.message_api(message))
        await self.bot.process()
        return self.user.drain()

    async def start_composing(self, event_id: int, audience: str = SEATS) -> list[ChatMessage]:
        """/broadcast, the event, the audience: the bot's replies to the last press."""
        await self.say("/broadcast")
        await self.press_data(Compose(action="event", event_id=event_id).pack())
        return await self.press(self._(audience))


def organiser(bot: InProcessBot, language: str = "en") -> Organiser:
    return Organiser(bot, bot.user(ORGANISER_ID, "Mariam", language_code=language), language)


def texts(messages: list[ChatMessage]) -> list[str]:
    return [message.text or "" for message in messages]


async def _stored(bot: InProcessBot) -> tuple[int, int]:
    """How many broadcasts and broadcast messages are stored."""
    async with bot.sessionmaker() as session:
        broadcasts = await session.scalar(select(func.count()).select_from(Broadcast))
        rows = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == Kind.BROADCAST)
        )
    return int(broadcasts or 0), int(rows or 0)


# --- Composing and sending -------------------------------------------------------------


async def test_an_organiser_composes_in_two_languages_and_sends(lab: InProcessBot) -> None:
    mariam = organiser(lab)
    _ = mariam._
    [events] = await mariam.say("/broadcast")
    assert events.text is not None
    heading, listing = events.text.split("\n\n")
    assert heading == _("Which event's participants do you want to write to?")
    # Only the lab's published events that have not ended long ago: no draft, no cancelled.
    assert f". {LAB_OPEN_TITLE} — " in listing
    assert "Lab lab-draft" not in listing
    assert "Lab lab-cancelled" not in listing
    # One numbered button per listed event.
    labels = [button.text for row in events.buttons for button in row]
    assert [label.split(". ")[0] for label in labels] == [
        line.split(". ")[0] for line in listing.splitlines()
    ]

    # The list becomes the audience picker.
    await mariam.press_data(Compose(action="event", event_id=lab.lab.open_id).pack())
    assert events.text is not None
    assert events.text.startswith(LAB_OPEN_TITLE)  # the title is escaped, not markup
    assert _(SEATS) in [button.text for row in events.buttons for button in row]
    [reach] = await mariam.press(_(SEATS))
    assert mariam.t.ngettext(
        "This will reach {count} person.", "This will reach {count} people.", 2
    ).format(count=2) in (reach.text or "")
    assert "English" in (reach.text or "")  # the language to write in

    # The organiser's own formatting is kept; what they typed as "<" stays text.
    english = "Bus leaves at 9 <sharp> & from the square."
    intro, preview = await mariam.write_formatted(english, "Bus leaves")
    assert "English" in (intro.text or "")
    assert preview.text == english
    expected_html = "<b>Bus leaves</b> at 9 &lt;sharp&gt; &amp; from the square."
    assert preview.html == expected_html
    assert [b.text for row in preview.buttons for b in row] == [
        _("Add a translation"),
        _("Send now"),
        _("Cancel"),
    ]
    assert await _stored(lab) == (0, 0)

    [languages] = await mariam.press(_("Add a translation"))
    names = [button.text for row in languages.buttons for button in row]
    assert LANGUAGE_NAMES["en"] not in names  # the event's main language is written already
    await mariam.press(LANGUAGE_NAMES["ru"])
    russian = "Автобус отправляется в 9:00 с площади."
    _intro, ru_preview = await mariam.say(russian)
    assert ru_preview.text == russian
    [languages] = await mariam.press(_("Add a translation"))
    assert "✓ " + LANGUAGE_NAMES["ru"] in [b.text for row in languages.buttons for b in row]
    await mariam.press("✓ " + LANGUAGE_NAMES["ru"])  # replace it
    russian = "Автобус отправляется в 9:00 с центральной площади."
    _intro, last_preview = await mariam.say(russian)

    [queued] = await mariam.press(_("Send now"))
    assert queued.text == mariam.t.ngettext(
        "Queued for {count} person.", "Queued for {count} people.", 2
    ).format(count=2)
    assert last_preview.buttons == []  # the buttons pressed are gone
    async with lab.sessionmaker() as session:
        [broadcast] = (await session.scalars(select(Broadcast))).all()
        rows = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast.id)
            )
        ).all()
    assert broadcast.texts == {"en": expected_html, "ru": russian}
    assert broadcast.audience["statuses"] == ["confirmed", "offered", "attended"]
    assert len(rows) == 2
    assert {row.state for row in rows} == {State.PENDING}

    await mariam.press(_("Progress"))
    report = queued.text or ""
    for line in (
        _("Queued: {count}").format(count=2),
        _("Sent: {count}").format(count=0),
        _("Failed: {count}").format(count=0),
        _("Blocked the bot: {count}").format(count=0),
        _("State: {state}").format(state=_("sending")),
        _("Audience: {audience}").format(audience=_(SEATS)),
    ):
        assert line in report, (line, report)
    assert queued.edits >= 1  # Progress edits the message in place

    # Pressing Send now again does nothing more.
    assert await mariam.forge(Compose(action="send", event_id=lab.lab.open_id).pack()) == _(STALE)
    assert await _stored(lab) == (1, 2)


async def test_the_count_follows_the_audience_with_plural_forms(lab: InProcessBot) -> None:
    mariam = organiser(lab, "ru")
    n_ = mariam.t.ngettext
    reach = texts(await mariam.start_composing(lab.lab.open_id, "The waiting list"))[0]
    assert (
        n_("This will reach {count} person.", "This will reach {count} people.", 1).format(count=1)
        in reach
    )
    assert mariam.t.language_name("en") in reach
    # The audience may still change before the text is typed.
    [reach_all] = await mariam.press(mariam._(SEATS))
    assert n_("This will reach {count} person.", "This will reach {count} people.", 2).format(
        count=2
    ) in (reach_all.text or "")
    [nobody] = await mariam.press(mariam._("Alumni (attended)"))
    assert n_("This will reach {count} person.", "This will reach {count} people.", 0).format(
        count=0
    ) in (nobody.text or "")


# --- Leaving without sending -------------------------------------------------------------


async def test_cancel_before_sending_stores_nothing(lab: InProcessBot) -> None:
    mariam = organiser(lab)
    _ = mariam._
    await mariam.start_composing(lab.lab.open_id)
    await mariam.say("Hello everyone")
    assert texts(await mariam.say("/cancel"))[0] == _("Stopped. Nothing was saved.")
    assert await _stored(lab) == (0, 0)
    # The preview's buttons are stale now.
    assert await mariam.forge(Compose(action="send", event_id=lab.lab.open_id).pack()) == _(STALE)
    # A text now is not taken for a broadcast.
    assert texts(await mariam.say("Hello again")) == [
        _("How can I help? Choose below or try /help.")
    ]

    # The Cancel button does the same.
    await mariam.start_composing(lab.lab.open_id)
    await mariam.say("Hello everyone")
    assert texts(await mariam.press(_("Cancel"))) == [_("Stopped. Nothing was saved.")]
    assert await _stored(lab) == (0, 0)


async def test_a_text_too_long_is_refused_and_can_be_typed_again(lab: InProcessBot) -> None:
    mariam = organiser(lab, "hy")
    _ = mariam._
    await mariam.start_composing(lab.lab.open_id)
    too_long = "Ա" * (BROADCAST_TEXT_LIMIT + 1)
    [refused] = await mariam.say(too_long)
    assert refused.text == mariam.t.ngettext(
        "This text is {count} character long; a broadcast can have at most {limit}. "
        "Please shorten it and send it again, or /cancel to stop.",
        "This text is {count} characters long; a broadcast can have at most {limit}. "
        "Please shorten it and send it again, or /cancel to stop.",
        BROADCAST_TEXT_LIMIT + 1,
    ).format(count=BROADCAST_TEXT_LIMIT + 1, limit=BROADCAST_TEXT_LIMIT)
    assert await _stored(lab) == (0, 0)
    # Still at the same step: a shorter text is taken.
    _intro, preview = await mariam.say("Ա" * BROADCAST_TEXT_LIMIT)
    assert preview.text == "Ա" * BROADCAST_TEXT_LIMIT
    # Translations are checked the same way.
    await mariam.press(_("Add a translation"))
    await mariam.press(LANGUAGE_NAMES["ka"])
    [refused] = await mariam.say("ა" * (BROADCAST_TEXT_LIMIT + 10))
    assert str(BROADCAST_TEXT_LIMIT + 10) in (refused.text or "")
    assert await _stored(lab) == (0, 0)


async def test_a_link_other_than_http_https_or_tg_is_refused_in_the_organisers_language(
    lab: InProcessBot,
) -> None:
    mariam = organiser(lab, "ru")
    _ = mariam._
    await mariam.start_composing(lab.lab.open_id)
    # Telegram apps let a text link point to ton:, which only some clients open.
    [refused] = await mariam.write_with_entity(
        "The programme is here", "here", {"type": "text_link", "url": "ton://example.ton"}
    )
    assert refused.text == _(
        "A link may only lead to an http, https or tg address. Please change the link "
        "and send the text again, or /cancel to stop."
    )
    assert await _stored(lab) == (0, 0)
    _intro, preview = await mariam.write_with_entity(
        "The programme is here", "here", {"type": "text_link", "url": "https://example.org"}
    )
    assert preview.text == "The programme is here"
    assert await _stored(lab) == (0, 0)


# --- Following up ------------------------------------------------------------------------


async def test_an_organiser_cancels_a_running_broadcast_and_lists_it(lab: InProcessBot) -> None:
    mariam = organiser(lab)
    _ = mariam._
    await mariam.start_composing(lab.lab.open_id)
    await mariam.say("Hello everyone")
    [queued] = await mariam.press(_("Send now"))

    [listing] = await mariam.say("/broadcasts")
    assert listing.text is not None
    assert listing.text.startswith(LAB_OPEN_TITLE)
    assert "1. " in listing.text
    # Times in the event's clock, named once: the lab event is in Yerevan.
    assert _("Times: {clock}").format(clock=_("local time, {offset}").format(offset="UTC+4")) in (
        listing.text
    )
    assert [b.text for row in listing.buttons for b in row] == ["📊 1"]
    [report] = await mariam.press("📊 1")
    assert _("Queued: {count}").format(count=2) in (report.text or "")

    await mariam.press(_("Cancel the broadcast"))
    assert report.text == _(
        "Cancel this broadcast? Messages not sent yet will not be sent; those already sent "
        "stay sent."
    )
    await mariam.press(_("No, keep sending"))
    assert _("State: {state}").format(state=_("sending")) in (report.text or "")
    assert await _stored(lab) == (1, 2)

    await mariam.press(_("Cancel the broadcast"))
    await mariam.press(_("Yes, cancel the broadcast"))
    assert mariam.last_answer() == _("The broadcast is cancelled.")
    assert _("State: {state}").format(state=_("cancelled")) in (report.text or "")
    assert _("Queued: {count}").format(count=0) in (report.text or "")
    assert [b.text for row in report.buttons for b in row] == [_("Progress")]
    async with lab.sessionmaker() as session:
        states = (await session.scalars(select(OutboxMessage.state))).all()
    assert set(states) == {State.CANCELLED}
    # Cancelling twice changes nothing.
    stop = BroadcastControl(action="stop_yes", id=queued_id(queued)).pack()
    await mariam.forge(stop)
    assert await _stored(lab) == (1, 2)


def queued_id(message: ChatMessage) -> int:
    for row in message.buttons:
        for candidate in row:
            data = candidate.callback_data or ""
            if data.startswith("bq:"):
                return BroadcastControl.unpack(data).id
    raise LookupError("no broadcast button")


async def test_broadcasts_lists_nothing_at_first(lab: InProcessBot) -> None:
    mariam = organiser(lab, "ka")
    assert texts(await mariam.say("/broadcasts")) == [
        mariam._("No broadcasts yet. Write one with /broadcast.")
    ]


# --- Refusals ----------------------------------------------------------------------------


async def test_people_who_do_not_organise_the_event_are_refused(
    lab: InProcessBot, now: datetime
) -> None:
    ani = Organiser(lab, lab.user(first_name="Ani", language_code="az"), "az")
    _ = ani._
    assert texts(await ani.say("/broadcast")) == [_(ONLY_ORGANISERS)]
    assert texts(await ani.say("/broadcasts")) == [_(ONLY_ORGANISERS)]
    for data in (
        Compose(action="event", event_id=lab.lab.open_id).pack(),
        Compose(action="audience", event_id=lab.lab.open_id, value="seats").pack(),
        BroadcastControl(action="stop_yes", id=1).pack(),
    ):
        answer = await ani.forge(data)
        assert answer in (_(ONLY_ORGANISERS), _(STALE)), data
    assert await _stored(lab) == (0, 0)

    # The lab's organiser does not manage another programme's event.
    async with lab.sessionmaker() as session:
        await create_programme(
            session,
            now,
            SYSTEM,
            ProgrammeDraft(slug="elsewhere", kind=ProgrammeKind.CONCERT, title={"en": "Else"}),
        )
        await publish_programme(session, now, SYSTEM, "elsewhere")
        lab_open = await session.get(Event, lab.lab.open_id)
        assert lab_open is not None
        other = await create_event(
            session,
            now,
            SYSTEM,
            "elsewhere",
            EventDraft.model_validate(
                {
                    "slug": "elsewhere-night",
                    "title": {"en": "Night"},
                    "starts_at": lab_open.starts_at,
                    "ends_at": lab_open.ends_at,
                    "timezone": "Asia/Tbilisi",
                    "city": "Tbilisi",
                    "country": "GE",
                    "capacity": 10,
                }
            ),
        )
        await publish_event(session, now, SYSTEM, other.id)
    mariam = organiser(lab)
    [events] = await mariam.say("/broadcast")
    assert events.text is not None
    assert "Night" not in events.text
    answer = await mariam.forge(Compose(action="event", event_id=other.id).pack())
    assert answer == mariam._("This is only for the organisers of this programme.")
    # A forged audience press for the other event does not get past the draft either.
    await mariam.start_composing(lab.lab.open_id)
    forged = Compose(action="audience", event_id=other.id, value="seats").pack()
    assert await mariam.forge(forged) == mariam._(STALE)
    assert await _stored(lab) == (0, 0)


async def test_other_messages_while_composing_get_a_hint(lab: InProcessBot) -> None:
    mariam = organiser(lab)
    _ = mariam._
    await mariam.say("/broadcast")
    await mariam.press_data(Compose(action="event", event_id=lab.lab.open_id).pack())
    assert texts(await mariam.say("everyone")) == [
        _("Please use the buttons above, or /cancel to stop.")
    ]
    await mariam.press(_(SEATS))
    # Commands still work in the middle, and the draft waits.
    stats = texts(await mariam.say("/stats"))
    assert _("To write to your participants: /broadcast") in stats[-1]
    assert texts(await mariam.say("/nonsense")) == [_("Unknown command. Try /help.")]
    _intro, preview = await mariam.say("Hello")
    assert preview.text == "Hello"
    assert texts(await mariam.say("Hello again")) == [
        _("Please use the buttons above, or /cancel to stop.")
    ]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_help_lists_the_organisers_commands_to_organisers_only(
    lab: InProcessBot, language: str
) -> None:
    mariam = organiser(lab, language)
    _ = mariam._
    [help_text] = texts(await mariam.say("/help"))
    commands = [
        _("/stats – registrations for your events"),
        _("/broadcast – write to your participants"),
        _("/broadcasts – your messages and how far they got"),
        _("/dashboard – the organiser dashboard, in a browser or in Telegram"),
    ]
    assert _("For organisers:") in help_text
    assert all(command in help_text for command in commands)

    # A participant of the lab event (registered in English, which she keeps).
    ani = Organiser(lab, lab.user(700_001, "Ani", language_code=language), "en")
    [participants_help] = texts(await ani.say("/help"))
    assert ani._("/my – your registrations and tickets") in participants_help
    assert "/stats" not in participants_help
    assert "/broadcast" not in participants_help
    assert "/dashboard" not in participants_help
    assert ani._("For organisers:") not in participants_help

"""Bad input, in-process against the emulator: each gets a polite translated answer or
silence, nothing crashes (the ``ErrorLedger`` stays at zero), nothing is stored
half-way, and whatever a person or an organiser wrote comes out escaped in HTML.

The emulator parses every message the bot sends as Telegram does, so ``message.text``
is what the person reads: a name such as ``<b>Ani</b> & co`` that was not escaped
would show as a bold "Ani" (or fail the send), not literally.
"""

from collections.abc import AsyncIterator
from typing import Literal

import pytest
from sqlalchemy import select

from bot.callbacks import Browse, Mine, Signup
from emulator import ChatMessage, SimulatedUser
from events.enums import RegistrationStatus
from events.inputs import clean_line
from events.languages import LANGUAGES
from events.models import OutboxMessage
from events.outbox.queue import Kind, Message, State, enqueue
from locales.translator import Translator
from tests.bot.inprocess import (
    LAB_OPEN_TITLE,
    ORGANISER_ID,
    InProcessBot,
    escaped,
    inprocess,  # noqa: F401 - the fixture
)

LANGUAGE_CODES = {"en": "en", "hy": "hy", "az": "az-Latn", "ka": "ka", "ru": "ru-RU"}


class Person:
    """A simulated user with the translator for the language the bot should use."""

    def __init__(self, bot: InProcessBot, user: SimulatedUser, language: str) -> None:
        self.bot = bot
        self.user = user
        self.t: Translator = bot.t(language)
        self._ = self.t.gettext

    async def say(self, text: str) -> list[ChatMessage]:
        return await self.bot.send(self.user, text)

    async def press(self, label: str) -> list[ChatMessage]:
        return await self.bot.press(self.user, label)

    def last_answer(self) -> str:
        return self.user.callback_answers[-1].text or ""

    async def start_registration(self, slug: str = "lab-open") -> None:
        """Open the event's deep link and press Register (or Apply): the name question."""
        await self.say(f"/start e-{slug}")
        label = self._("Register") if slug == "lab-open" else self._("Apply")
        replies = await self.press(label)
        assert texts(replies)[-1] == self._("What name should the organisers see?")

    async def fill_profile(self, name: str) -> None:
        """Name, Armenia, female, no birth year: the first custom question."""
        await self.say(name)
        await self.press(self.t.country("AM"))
        await self.press(self._("Female"))
        await self.press(self._("Skip"))

    async def register(self, name: str, nickname: str = "Ani") -> list[ChatMessage]:
        """Register for the lab's open event from the start; the bot's last replies."""
        await self.start_registration()
        await self.fill_profile(name)
        await self.say(nickname)
        await self.press(self._("Skip"))  # nights
        await self.bot.press(
            self.user, data=Signup(action="choice", event_id=self.event_id, value="vegan").pack()
        )
        await self.press(self._("No"))  # bus
        return await self.press(self._("Agree and send"))

    @property
    def event_id(self) -> int:
        return self.bot.lab.open_id


def texts(messages: list[ChatMessage]) -> list[str]:
    return [message.text or message.caption or "" for message in messages]


@pytest.fixture
async def lab(
    inprocess: InProcessBot,  # noqa: F811
    request: pytest.FixtureRequest,
) -> AsyncIterator[InProcessBot]:
    """The in-process bot. After a test that passed, no exception may have reached the
    error handler, every press was answered and the database keeps its rules."""
    failed_before = request.session.testsfailed
    yield inprocess
    if request.session.testsfailed > failed_before:
        return  # the test's own failure says what went wrong
    assert inprocess.ledger.count == 0, inprocess.ledger.last
    assert inprocess.unanswered_queries() == []
    await inprocess.check_invariants()


def person(bot: InProcessBot, language: str = "en", name: str = "Ani") -> Person:
    return Person(bot, bot.user(first_name=name, language_code=LANGUAGE_CODES[language]), language)


# --- Text where a button is expected ---------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_text_where_a_button_is_expected_gets_a_hint(
    lab: InProcessBot, language: str
) -> None:
    ani = person(lab, language)
    _ = ani._
    await ani.start_registration()
    await ani.say("Ani")
    await ani.press(ani.t.country("GE"))
    assert texts(await ani.say("female")) == [
        _("Please use the buttons above, or /cancel to stop.")
    ]
    await ani.press(_("Female"))
    await ani.press(_("Skip"))
    await ani.say("Ani")
    await ani.press(_("Skip"))
    replies = await ani.say("vegan")  # a choice question: buttons only
    assert len(replies) == 1
    assert replies[0].text is not None
    assert replies[0].text.startswith(_("Please use the buttons below."))
    assert [button.text for row in replies[0].buttons for button in row] == [
        ani.t.pick({"en": "Vegan <3", "ru": "Веган"}),
        "Anything & everything",
    ]
    assert await lab.participant(ani.user) is None


async def test_text_at_the_consent_step_stores_nothing(lab: InProcessBot) -> None:
    ani = person(lab, "ru")
    _ = ani._
    await ani.start_registration()
    await ani.fill_profile("Ани")
    await ani.say("Ани")
    await ani.press(_("Skip"))
    await lab.press(
        ani.user, data=Signup(action="choice", event_id=lab.lab.open_id, value="any").pack()
    )
    summary = await ani.press(_("Skip"))
    assert summary[-1].button(_("Agree and send"))
    assert texts(await ani.say("да")) == [_("Please use the buttons above, or /cancel to stop.")]
    assert texts(await ani.say("/cancel"))[0] == _("Stopped. Nothing was saved.")
    assert await lab.participant(ani.user) is None
    assert await lab.registrations_of(ani.user) == []


# --- Over-long and blank answers --------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_over_long_answers_are_refused_with_the_limit(
    lab: InProcessBot, language: str
) -> None:
    ani = person(lab, language)
    t = ani.t
    await ani.start_registration()
    name_limit = t.ngettext(
        "Please write a name of at most {limit} character.",
        "Please write a name of at most {limit} characters.",
        100,
    ).format(limit=100)
    assert texts(await ani.say("A" * 101)) == [name_limit]
    assert texts(await ani.say("Ж" * 5000)) == [name_limit]  # more than Telegram allows
    await ani.fill_profile("Ani")
    replies = await ani.say("far too long a nickname")  # at most 12
    hint = t.ngettext(
        "Please write an answer of up to {limit} character.",
        "Please write an answer of up to {limit} characters.",
        12,
    ).format(limit=12)
    assert texts(replies)[0].startswith(hint)
    assert escaped("Your <nickname> & initials?") in replies[0].html
    await ani.say("Ani")
    replies = await ani.say("99")  # nights: 1 to 5
    assert texts(replies)[0].startswith(
        t.gettext("Please write a whole number from {min} to {max}.").format(min=1, max=5)
    )
    assert await lab.participant(ani.user) is None


@pytest.mark.parametrize("blank", ["   ", "\u200b\u200d", "\u202e\u2066", "\t\n"])
async def test_a_blank_name_is_refused(lab: InProcessBot, blank: str) -> None:
    ani = person(lab)
    await ani.start_registration()
    replies = await ani.say(blank)
    assert texts(replies) == [
        ani.t.ngettext(
            "Please write a name of at most {limit} character.",
            "Please write a name of at most {limit} characters.",
            100,
        ).format(limit=100)
    ]
    assert await lab.participant(ani.user) is None


# --- Names: emoji, right-to-left, zero-width, HTML -------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("A\u200bn\u200di \U0001f338", "Ani \U0001f338"),
        ("\u202eאני\u202c  מירושלים", "אני מירושלים"),
        ("\u2066نينو\u2069\ufeff", "نينو"),
        # The zero-width joiner goes too, so a joined emoji falls apart into its parts.
        ("Ани 👩🏽\u200d🎓", "Ани 👩🏽🎓"),
    ],
)
async def test_names_lose_invisible_characters_and_keep_the_rest(
    lab: InProcessBot, typed: str, stored: str
) -> None:
    ani = person(lab)
    replies = await ani.register(typed)
    assert texts(replies) == [ani._("You are registered. See you there!")]
    participant = await lab.participant(ani.user)
    assert participant is not None
    assert participant.name == stored == clean_line(typed)
    profile = await ani.say("/profile")
    assert ani._("Name: {name}").format(name=stored) in texts(profile)[0]


async def test_an_html_looking_name_is_shown_and_stored_literally(lab: InProcessBot) -> None:
    name = "<b>Ani</b> & co"
    ani = person(lab)
    _ = ani._
    await ani.start_registration()
    await ani.fill_profile(name)
    await ani.say("<i>x</i>&")
    await ani.press(_("Skip"))
    await lab.press(
        ani.user, data=Signup(action="choice", event_id=lab.lab.open_id, value="vegan").pack()
    )
    summary = (await ani.press(_("Skip")))[-1]
    assert summary.text is not None
    assert _("Name: {name}").format(name=name) in summary.text
    assert "<i>x</i>&" in summary.text
    assert escaped(name) in summary.html
    assert not any(entity["type"] in ("bold", "italic") for entity in summary.entities[1:])
    assert texts(await ani.press(_("Agree and send"))) == [_("You are registered. See you there!")]

    participant = await lab.participant(ani.user)
    assert participant is not None
    assert participant.name == name
    (registration,) = await lab.registrations_of(ani.user)
    assert registration.answers["nickname"] == "<i>x</i>&"
    for command in ("/profile", "/mydata"):
        (reply,) = await ani.say(command)
        assert reply.text is not None
        assert _("Name: {name}").format(name=name) in reply.text, command
        assert escaped(name) in reply.html

    # The organiser checks the ticket in: the name is escaped there too.
    assert registration.ticket_code is not None
    organiser = Person(lab, lab.user(ORGANISER_ID, "Org"), "en")
    (checked,) = await organiser.say(f"/start t-{registration.ticket_code}")
    assert checked.text == "✅ " + organiser._("Checked in: {name}, {title}").format(
        name=name, title=LAB_OPEN_TITLE
    )
    assert escaped(name) in checked.html


async def test_organiser_text_that_looks_like_html_is_escaped(lab: InProcessBot) -> None:
    ani = person(lab)
    (card,) = await ani.say("/start e-lab-open")
    assert card.text is not None
    assert card.text.startswith(LAB_OPEN_TITLE)
    assert "Hall <A> & B" in card.text
    assert "A <small> event for tests & checks." in card.text
    assert [entity["type"] for entity in card.entities] == ["bold"]  # the title, nothing else
    (programme,) = await ani.say("/start p-lab")
    assert programme.text is not None
    assert programme.text.startswith("Lab <programme> & friends")
    assert "<i>not</i> real" in programme.text


# --- Commands ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_unknown_commands_are_answered_politely(lab: InProcessBot, language: str) -> None:
    ani = person(lab, language)
    unknown = ani._("Unknown command. Try /help.")
    for command in ("/foo", "/START_NOW", "/stats_all", "/" + "x" * 64):
        assert texts(await ani.say(command)) == [unknown], command


async def test_an_unknown_command_mid_registration_keeps_the_draft(lab: InProcessBot) -> None:
    ani = person(lab, "ka")
    await ani.start_registration()
    assert texts(await ani.say("/whatever")) == [ani._("Unknown command. Try /help.")]
    replies = await ani.say("Nino")
    assert texts(replies)[0] == ani._("Which country do you live in?")


@pytest.mark.parametrize(
    "payload",
    ["x-foo", "e-" + "a" * 70, "e-<b>", "e-лаб", "t-", "p-nope-nope"],
)
async def test_a_broken_deep_link_says_so(lab: InProcessBot, payload: str) -> None:
    ani = person(lab, "az")
    replies = await ani.say(f"/start {payload}")
    assert texts(replies)[0] in {
        ani._("This link is not valid. Here is what Redbridge offers:"),
        ani._("This programme can't be found or is no longer available."),
        ani._("This event can't be found or is no longer available."),
    }


async def test_a_ticket_link_opened_by_a_participant_explains_itself(lab: InProcessBot) -> None:
    ani = person(lab, "hy")
    replies = await ani.say("/start t-ABCDEF123")
    assert texts(replies) == [
        ani._("This is a ticket. Please show it to the organisers at the entrance.")
    ]


# --- Forged and stale buttons -----------------------------------------------------------


async def test_a_forged_cancel_of_someone_elses_registration_changes_nothing(
    lab: InProcessBot,
) -> None:
    ani = person(lab, "en", "Ani")
    nino = person(lab, "ru", "Nino")
    await ani.register("Ani")
    (registration,) = await lab.registrations_of(ani.user)
    assert registration.status == RegistrationStatus.CONFIRMED
    await nino.say("/start")
    (message,) = [m for m in nino.user.messages if m.buttons][-1:]
    for action in ("cancel_yes", "show", "ticket", "ics", "accept", "decline", "rotate"):
        query = await lab.callback(
            nino.user, Mine(action=action, id=registration.id).pack(), message
        )
        assert lab.answer_to(nino.user, query) == nino._("This is no longer available."), action
    assert nino.user.drain() == []  # nothing about Ani's registration was sent to Nino
    assert nino.user.documents == []
    assert nino.user.photos == []
    (unchanged,) = await lab.registrations_of(ani.user)
    assert unchanged.status == RegistrationStatus.CONFIRMED


async def test_forged_and_garbage_callback_data_is_answered_politely(lab: InProcessBot) -> None:
    ani = person(lab, "ru")
    _ = ani._
    await ani.say("/start")
    message = ani.user.messages[-1]
    inactive = _("This button is no longer active.")
    expected = {
        "zzz": inactive,
        "m:cancel_yes:abc": inactive,
        "b:event:1e3": inactive,
        "\x00\xff": inactive,
        Signup(action="consent", event_id=lab.lab.open_id).pack(): inactive,
        Signup(action="choice", event_id=lab.lab.open_id, value="vegan").pack(): inactive,
        Mine(action="cancel_yes", id=10**6).pack(): _("This is no longer available."),
        Browse(what="event", id=lab.lab.draft_id).pack(): _("This is no longer available."),
        Browse(what="poster", id=lab.lab.open_id).pack(): _("This is only for organisers."),
        Signup(action="start", event_id=lab.lab.closed_id).pack(): _(
            "Registration for this event is closed."
        ),
        Signup(action="start", event_id=lab.lab.cancelled_id).pack(): _(
            "This event has been cancelled."
        ),
    }
    for data, answer in expected.items():
        query = await lab.callback(ani.user, data, message)
        assert lab.ledger.count == 0, (data, lab.ledger.last)
        assert lab.answer_to(ani.user, query) == answer, data
    assert await lab.participant(ani.user) is None


@pytest.mark.parametrize("identifier", [2**31, 2**63, -(2**63) - 1, 2**70, -1])
async def test_ids_beyond_the_database_range_are_refused_politely(
    lab: InProcessBot, identifier: int
) -> None:
    """Row ids are 32-bit: a forged button with a bigger (or negative) one names nothing.
    It must not reach the database, which would fail (SQLite beyond 64 bits, PostgreSQL
    beyond 32)."""
    ani = person(lab)
    await ani.register("Ani")
    message = ani.user.messages[-1]
    polite = {ani._("This button is no longer active."), ani._("This is no longer available.")}
    for data in (
        f"b:event:{identifier}",
        f"b:programme:{identifier}",
        f"m:show:{identifier}",
        f"m:cancel_yes:{identifier}",
        f"s:start:{identifier}:",
        f"s:consent:{identifier}:",
    ):
        query = await lab.callback(ani.user, data, message)
        assert lab.ledger.count == 0, (data, lab.ledger.last)
        assert lab.answer_to(ani.user, query) in polite, data


@pytest.mark.parametrize("where", ["unknown", "inaccessible"])
async def test_a_button_on_a_message_that_is_gone_still_works_or_says_so(
    lab: InProcessBot, where: str
) -> None:
    ani = person(lab, "ka")
    await ani.say("/start")
    on: Literal["unknown", "inaccessible"] = "unknown" if where == "unknown" else "inaccessible"
    query = await lab.callback(ani.user, Browse(what="all").pack(), on)
    assert lab.answer_to(ani.user, query) == ""
    (listing,) = ani.user.drain()
    assert listing.text is not None
    assert listing.text.startswith(ani._("Choose a programme:"))


# --- A user who blocked the bot ----------------------------------------------------------


async def test_a_user_who_blocks_the_bot_mid_dialogue_crashes_nothing(lab: InProcessBot) -> None:
    ani = person(lab)
    await ani.start_registration()
    await lab.queue_text(ani.user, "Ani")
    ani.user.block()  # before the bot answers: its reply gets 403
    await lab.process()
    assert lab.ledger.count == 0, lab.ledger.last
    assert await lab.participant(ani.user) is None
    # Writing again unblocks; the dialogue goes on (or starts again) politely.
    replies = await ani.say("/cancel")
    assert texts(replies)[0] in {ani._("Stopped. Nothing was saved."), ani._("Nothing to stop.")}


async def test_a_blocked_user_pressing_an_old_button_crashes_nothing(lab: InProcessBot) -> None:
    ani = person(lab)
    await ani.say("/start")
    ani.user.block()
    await ani.user.press(ani._("Programmes"))
    await lab.process()
    assert lab.ledger.count == 0, lab.ledger.last


async def test_a_participant_who_blocks_the_bot_is_unreachable_until_they_write(
    lab: InProcessBot,
) -> None:
    ani = person(lab)
    await ani.register("Ani")
    await lab.queue_text(ani.user, "/my")
    ani.user.block()
    await lab.process()
    assert lab.ledger.count == 0, lab.ledger.last
    blocked = await lab.participant(ani.user)
    assert blocked is not None
    assert blocked.is_reachable is False
    (registration,) = await lab.registrations_of(ani.user)
    assert registration.status == RegistrationStatus.CONFIRMED  # nothing else changed
    assert texts(await ani.say("/help"))  # writing again unblocks the bot
    back = await lab.participant(ani.user)
    assert back is not None
    assert back.is_reachable is True


async def test_blocking_the_bot_drops_queued_messages_and_unblocking_restores(
    lab: InProcessBot,
) -> None:
    """Telegram's my_chat_member update (the person blocked the bot) marks them unreachable
    before any send fails, and their queued messages are dropped, not retried."""
    ani = person(lab)
    await ani.register("Ani")
    participant = await lab.participant(ani.user)
    assert participant is not None
    async with lab.sessionmaker() as session:
        await enqueue(
            session,
            lab.now,
            [
                Message(
                    participant_id=participant.id,
                    kind=Kind.OFFER_EXPIRED,
                    dedupe_key=f"test:{participant.id}",
                    params={},
                )
            ],
        )
        await session.commit()
    ani.user.block()
    await lab.process()
    blocked = await lab.participant(ani.user)
    assert blocked is not None
    assert blocked.is_reachable is False
    async with lab.sessionmaker() as session:
        queued = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.participant_id == participant.id)
        )
    assert queued is not None
    assert queued.state == State.BLOCKED
    ani.user.unblock()
    await lab.process()
    back = await lab.participant(ani.user)
    assert back is not None
    assert back.is_reachable is True

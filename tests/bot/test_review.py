"""/review against the real ``redbridge serve``: an organiser goes through an event's
applications one at a time (profile, answers, the balance against the targets), scores,
confirms, waitlists and rejects them, each applicant hears the decision in their own
language (a waitlisted one with their place in line); pages through a long queue, picks
among several events; sees a balanced proposal, adjusts it (one out, one in, the balance
recomputed) and accepts it in one step, which decides and tells everyone once however
often it is pressed; a stale or forged swap changes nothing. Organisers of another programme,
and participants, get nothing and change nothing."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.callbacks import Review
from events.access import SYSTEM
from events.enums import RegistrationStatus
from events.models import Event, OutboxMessage, Registration, SelectionProposal
from events.outbox.queue import Kind
from events.reviews import set_targets
from events.targets import GenderParity, SelectionTargets
from tests.bot.conftest import Live, in_every_language, on_both_backends, on_sqlite
from tests.bot.process import (
    EVENT_TITLE,
    Person,
    choice_label,
    labels,
    make_organiser,
    make_programme,
    prompt,
    registration_by_id,
    shown,
    signed_up,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

ONLY_ORGANISERS = "This is only for organisers."
NOT_YOURS = "This is only for the organisers of this programme."
NO_EVENTS = "You have no events that take applications."
# A name with everything HTML would take as markup: it must reach the reader as written.
TRICKY = "Lusine <b>&</b> Co"
WAITING = (
    "Your application for {title} is on the waiting list. We will write to you if a seat opens up."
)
ACCEPTED = "Good news: your application for {title} is accepted and your seat is confirmed."
NOT_SELECTED = (
    "Thank you for applying to {title}. This time the organisers could not offer you a seat. "
    "We hope to see you at another event."
)
SCORE = "Score: {score} of 5"
PARITY = "Women {women}, men {men}, not stated {undisclosed} (parity ± {tolerance})"
COUNTS = "Selected: {selected}, waiting list: {waitlisted}, not selected: {rejected}"
ACCEPTED_ALL = (
    "The proposal is accepted. Confirmed: {confirmed}, waiting list: {waitlisted}, "
    "not selected: {rejected}. Everyone will be told in their own language."
)
POSITION = "Application {number} of {total}"


def answers(motivation: str) -> dict[str, object]:
    return {"motivation": motivation, "track": "culture", "visa": True, "experience": 3}


async def apply(
    live: Live,
    event: Event,
    person: Person,
    name: str,
    participation: str | None = None,
    **details: object,
) -> int:
    """``person`` applied (through the use case), in the language they speak, after
    writing to the bot (which may not write first)."""
    await person.say("/help", person._("What I can do:"))
    registration = await signed_up(
        live.sessionmaker,
        event,
        name,
        answers(f"Motivation of {name} <i>&</i>"),
        participation,
        telegram_user_id=person.id,
        language=person.language,
        **details,
    )
    return registration.id


async def parity(live: Live, event_id: int, tolerance: int = 0) -> None:
    async with live.sessionmaker() as session:
        targets = SelectionTargets(gender_parity=GenderParity(tolerance=tolerance))
        await set_targets(session, datetime.now(UTC), SYSTEM, event_id, targets)


def title(person: Person) -> str:
    return EVENT_TITLE[person.language]


@in_every_language
async def test_an_organiser_reviews_and_decides_one_application_at_a_time(
    live: Live, language: str
) -> None:
    programme = await make_programme(live.sessionmaker)
    event = await live.application_event(programme_slug=programme, capacity=4)
    await parity(live, event.id, tolerance=1)
    lusine, aram, leyla = (live.person(language, name) for name in ("Lusine", "Aram", "Leyla"))
    first = await apply(live, event, lusine, TRICKY, gender="female", birth_year=2001)
    second = await apply(live, event, aram, "Aram", gender="male", country="AM")
    third = await apply(live, event, leyla, "Leyla", gender="female", country="AZ")
    mariam = live.person(language, "Mariam")
    await make_organiser(live.sessionmaker, mariam.id, programme)
    _ = mariam._
    t = mariam.t

    # Her only application-mode event opens at once, with its first application.
    card = await mariam.say(
        "/review",
        title(mariam),
        _(POSITION).format(number=1, total=3),
        _("Name: {name}").format(name=TRICKY),  # escaped on the way, read as written
        _("Country: {country}").format(country=t.country("GE")),
        _("Gender: Female"),
        _("Birth year: {year}").format(year=2001),
        _("Has not taken part before"),
        _("Score: not given yet"),
        prompt("motivation", language),
        f"Motivation of {TRICKY} <i>&</i>",
        choice_label("track", "culture", language),
        prompt("visa", language),
        _("Balance so far (confirmed and proposed)"),
        _("Confirmed: {confirmed}, proposed: {proposed}, seats: {capacity}").format(
            confirmed=0, proposed=0, capacity=4
        ),
    )
    assert _("Confirm") in labels(card)
    assert _("Balanced proposal") in labels(card)
    assert labels(card)[:5] == ["1", "2", "3", "4", "5"]

    # A score, kept privately and marked on the card.
    answer = await mariam.tap("4", message=card)
    assert answer.text == _("Score saved: {score} of 5").format(score=4)
    await mariam.until(lambda: card if _(SCORE).format(score=4) in shown(card) else None, "score")
    assert "✓4" in labels(card)
    assert (await registration_by_id(live.sessionmaker, first)).review_score == 4

    # Skip to the second; confirm it: the third takes its place.
    await mariam.tap_for_edit(_("Skip"), _(POSITION).format(number=2, total=3), "Aram")
    answer = await mariam.tap(_("Confirm"), message=card)
    assert answer.text == _("Confirmed. The person will be told.")
    await mariam.until(lambda: card if "Leyla" in shown(card) else None, "the next application")
    assert _(POSITION).format(number=2, total=2) in shown(card)
    parity_line = _(
        "Women {women}, men {men}, not stated {undisclosed} (parity ± {tolerance})"
    ).format(women=0, men=1, undisclosed=0, tolerance=1)
    assert parity_line + " ✅" in shown(card)
    await aram.expect(aram._(ACCEPTED).format(title=title(aram)))

    # Waitlist the third: she is told her place in line.
    await mariam.tap(_("Waiting list"), message=card)
    await mariam.until(
        lambda: card if _(POSITION).format(number=1, total=1) in shown(card) else None, "edit"
    )
    await leyla.expect(
        leyla._(WAITING).format(title=title(leyla)),
        leyla._("Your place on the waiting list: {position}").format(position=1),
    )

    # Reject the first: the queue is empty.
    await mariam.tap(_("Reject"), message=card)
    empty = _("No applications are waiting for a decision.")
    await mariam.until(lambda: card if empty in shown(card) else None, "the empty queue")
    await lusine.expect(lusine._(NOT_SELECTED).format(title=title(lusine)))
    statuses = [
        (await registration_by_id(live.sessionmaker, key)).status for key in (first, second, third)
    ]
    assert statuses == ["rejected", "confirmed", "waitlisted"]

    # What she decided is final for the applicant: /mydata says nothing of the score.
    mydata = shown(await lusine.say("/mydata"))
    assert lusine.t.gettext("Score: {score} of 5").format(score=4) not in mydata
    assert "4" not in mydata.split(lusine._("Registrations"))[-1].replace("2001", "")


@in_every_language
async def test_a_balanced_proposal_is_accepted_in_one_step_exactly_once(
    live: Live, language: str
) -> None:
    programme = await make_programme(live.sessionmaker)
    event = await live.application_event(programme_slug=programme, capacity=2)
    await parity(live, event.id)
    names = {"Ani": "female", "Nino": "female", "Aram": "male", "Giorgi": "male"}
    people = [live.person(language, name) for name in names]
    keys = [
        await apply(live, event, person, name, gender=gender)
        for person, (name, gender) in zip(people, names.items(), strict=True)
    ]
    mariam = live.person(language, "Mariam")
    await make_organiser(live.sessionmaker, mariam.id, programme)
    _ = mariam._

    card = await mariam.say("/review", _(POSITION).format(number=1, total=4))
    await mariam.tap(_("Balanced proposal"), message=card)
    proposal = await mariam.button(_("Accept the proposal"))
    text = shown(proposal)
    assert _("Balanced proposal: {title}").format(title=title(mariam)) in text
    assert (
        _("Selected: {selected}, waiting list: {waitlisted}, not selected: {rejected}").format(
            selected=2, waitlisted=2, rejected=0
        )
        in text
    )
    women_and_men = _(
        "Women {women}, men {men}, not stated {undisclosed} (parity ± {tolerance})"
    ).format(women=1, men=1, undisclosed=0, tolerance=0)
    assert women_and_men + " ✅" in text

    accept = next(
        button.callback_data
        for row in proposal.buttons
        for button in row
        if button.text == _("Accept the proposal")
    )
    assert accept is not None
    assert len(accept.encode()) <= 64
    await mariam.tap_for_edit(
        _("Accept the proposal"),
        _(
            "The proposal is accepted. Confirmed: {confirmed}, waiting list: {waitlisted}, "
            "not selected: {rejected}. Everyone will be told in their own language."
        ).format(confirmed=2, waitlisted=2, rejected=0),
    )
    # Pressed again (a double tap, a retry): nothing is decided or sent twice.
    again = await mariam.forge(accept, proposal)
    assert (again.text, again.show_alert) == (_("This proposal was accepted already."), True)

    told = []
    for person in people:
        message = await person.next()
        told.append(shown(message))
        # The next thing each hears is the answer to /help: one decision each.
        await person.say("/help", person._("What I can do:"))
    confirmed = [
        person
        for person, text in zip(people, told, strict=True)
        if person._(ACCEPTED).format(title=title(person)) in text
    ]
    assert len(confirmed) == 2
    places = sorted(
        position
        for position in (1, 2)
        for person, text in zip(people, told, strict=True)
        if person._("Your place on the waiting list: {position}").format(position=position) in text
    )
    assert places == [1, 2]
    async with live.sessionmaker() as session:
        decisions = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.registration_id.in_(keys), OutboxMessage.kind == Kind.DECISION)
        )
        stored = list(
            await session.scalars(select(Registration.status).where(Registration.id.in_(keys)))
        )
    assert decisions == 4
    assert sorted(stored) == ["confirmed", "confirmed", "waitlisted", "waitlisted"]


async def open_proposal(live: Live, event_id: int) -> SelectionProposal:
    async with live.sessionmaker() as session:
        found = await session.scalar(
            select(SelectionProposal).where(
                SelectionProposal.event_id == event_id, SelectionProposal.state == "open"
            )
        )
    assert found is not None
    return found


async def four_applicants(
    live: Live, language: str
) -> tuple[Event, dict[int, Person], dict[int, str], Person]:
    """A two-seat event with gender parity, two women and two men applying, and its
    organiser; the people and their names by registration id."""
    programme = await make_programme(live.sessionmaker)
    event = await live.application_event(programme_slug=programme, capacity=2)
    await parity(live, event.id)
    names = {"Ani": "female", "Nino": "female", "Aram": "male", "Giorgi": "male"}
    people, named = {}, {}
    for name, gender in names.items():
        person = live.person(language, name)
        key = await apply(live, event, person, name, gender=gender)
        people[key], named[key] = person, name
    mariam = live.person(language, "Mariam")
    await make_organiser(live.sessionmaker, mariam.id, programme)
    return event, people, named, mariam


@in_every_language
async def test_an_organiser_adjusts_a_proposal_and_accepts_it_once(
    live: Live, language: str
) -> None:
    event, people, named, mariam = await four_applicants(live, language)
    _ = mariam._
    card = await mariam.say("/review", _(POSITION).format(number=1, total=4))
    await mariam.tap(_("Balanced proposal"), message=card)
    proposal = await mariam.button(_("Adjust"))
    balanced = _(PARITY).format(women=1, men=1, undisclosed=0, tolerance=0)
    assert balanced + " ✅" in shown(proposal)
    before = await open_proposal(live, event.id)
    man = next(key for key in before.selected if named[key] in ("Aram", "Giorgi"))
    woman = next(key for key in before.waitlist if named[key] in ("Ani", "Nino"))

    # Adjust: the selected people, numbered; the man out; the waiting list to pick from.
    await mariam.tap_for_edit(
        _("Adjust"),
        _("Whom do you want to take out of the selection?"),
        *(named[key] for key in before.selected),
    )
    assert _("Back to the proposal") in labels(proposal)
    picked = await mariam.tap_entry(named[man])
    assert picked is proposal
    place = before.waitlist.index(woman) + 1
    assert _("Taking out: {name}").format(name=named[man]) in shown(proposal)
    assert _("waiting list, place {place}").format(place=place) in shown(proposal)
    assert all(
        len(button.callback_data.encode()) <= 64
        for row in proposal.buttons
        for button in row
        if button.callback_data
    )
    edits = proposal.edits
    await mariam.tap(mariam.entry_label(named[woman]), message=proposal)
    await mariam.until(lambda: proposal if proposal.edits > edits else None, "the proposal")

    # The proposal again, the swap in it and its balance recomputed: two women now.
    text = shown(proposal)
    assert _(COUNTS).format(selected=2, waitlisted=2, rejected=0) in text
    assert _(PARITY).format(women=2, men=0, undisclosed=0, tolerance=0) + " ⚠️" in text
    assert balanced not in text
    after = await open_proposal(live, event.id)
    assert after.id == before.id
    assert after.selected == [woman if key == man else key for key in before.selected]
    assert after.waitlist == [man if key == woman else key for key in before.waitlist]
    assert [(move["out"], move["in"]) for move in after.adjustments] == [(man, woman)]

    # Accepted in one step: the adjusted selection, each person told once.
    await mariam.tap_for_edit(
        _("Accept the proposal"), _(ACCEPTED_ALL).format(confirmed=2, waitlisted=2, rejected=0)
    )
    accept = Review(action="accept", event_id=event.id, id=after.id).pack()
    again = await mariam.forge(accept, proposal)
    assert (again.text, again.show_alert) == (_("This proposal was accepted already."), True)
    for key, person in people.items():
        told = shown(await person.next())
        heard = person._(ACCEPTED).format(title=title(person)) in told
        assert heard == (key in after.selected)
        await person.say("/help", person._("What I can do:"))
    async with live.sessionmaker() as session:
        decisions = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.registration_id.in_(people), OutboxMessage.kind == Kind.DECISION)
        )
        rows = await session.execute(
            select(Registration.id, Registration.status).where(Registration.id.in_(people))
        )
        stored = {row.id: row.status for row in rows}
    assert decisions == 4
    assert {key for key, status in stored.items() if status == "confirmed"} == set(after.selected)
    assert {key for key, status in stored.items() if status == "waitlisted"} == set(after.waitlist)


@on_sqlite
async def test_a_stale_or_forged_swap_changes_nothing(live: Live) -> None:
    event, people, _named, mariam = await four_applicants(live, "hy")
    _ = mariam._
    card = await mariam.say("/review", _(POSITION).format(number=1, total=4))
    await mariam.tap(_("Balanced proposal"), message=card)
    message = await mariam.button(_("Adjust"))
    first = await open_proposal(live, event.id)
    out, other = first.selected
    waiting = first.waitlist[0]

    def press(action: str, value: str = "", event_id: int = event.id) -> str:
        return Review(action=action, event_id=event_id, id=first.id, value=value).pack()

    refusals = {
        press("out", str(waiting)): _("This person is no longer in the selection."),
        press("in", f"{waiting}.{out}"): _("This person is no longer in the selection."),
        press("in", f"{out}.{other}"): _("This person can no longer be taken in."),
        press("in", f"{out}.999999"): _("This person can no longer be taken in."),
    }
    for data, expected in refusals.items():
        answer = await mariam.forge(data, message)
        assert (answer.text, answer.show_alert) == (expected, True)
    inactive = _("This button is no longer active.")
    for data in (
        press("in", str(out)),
        press("in", "x.1"),
        press("adjust", event_id=event.id + 1),
    ):
        assert (await mariam.forge(data, message)).text == inactive

    # Another programme's organiser, and a participant, get nothing.
    stranger = live.person("ru", "Other")
    await make_organiser(live.sessionmaker, stranger.id, await make_programme(live.sessionmaker))
    nothing = await stranger.say("/review", stranger._(NO_EVENTS))
    for data in (press("adjust"), press("out", str(out)), press("in", f"{out}.{waiting}")):
        answer = await stranger.forge(data, nothing)
        assert (answer.text, answer.show_alert) == (stranger._(NOT_YOURS), True)
    applicant = next(iter(people.values()))
    refused = await applicant.say("/review", applicant._(ONLY_ORGANISERS))
    answer = await applicant.forge(press("in", f"{out}.{waiting}"), refused)
    assert answer.text == applicant._(ONLY_ORGANISERS)
    unchanged = await open_proposal(live, event.id)
    assert (unchanged.selected, unchanged.adjustments) == (first.selected, [])

    # A newer proposal replaces this one; once accepted, it cannot be adjusted either.
    await mariam.tap(_("Draw again"), message=message)
    newest = await mariam.until(
        lambda: m if (m := mariam.message_with(_("Adjust"))) is not message else None, "a draw"
    )
    answer = await mariam.forge(press("in", f"{out}.{waiting}"), message)
    replaced = _("A newer proposal replaced this one. Please use the newest one.")
    assert (answer.text, answer.show_alert) == (replaced, True)
    second = await open_proposal(live, event.id)
    await mariam.tap(_("Accept the proposal"), message=newest)
    leaving, coming = second.selected[0], second.waitlist[0]
    late = Review(action="in", event_id=event.id, id=second.id, value=f"{leaving}.{coming}")
    answer = await mariam.forge(late.pack(), newest)
    assert (answer.text, answer.show_alert) == (_("This proposal was accepted already."), True)
    async with live.sessionmaker() as session:
        stored = await session.get(SelectionProposal, second.id)
        assert stored is not None
        assert (stored.state, stored.selected, stored.adjustments) == (
            "confirmed",
            second.selected,
            [],
        )
        rows = await session.execute(
            select(Registration.id, Registration.status).where(Registration.id.in_(people))
        )
        statuses = {row.id: row.status for row in rows}
    assert {key for key, status in statuses.items() if status == "confirmed"} == set(
        second.selected
    )


@on_both_backends
async def test_review_is_for_the_organisers_of_the_programme_only(live: Live) -> None:
    programme = await make_programme(live.sessionmaker)
    event = await live.application_event(programme_slug=programme, capacity=2)
    applicant = live.person("en", "Ani")
    key = await apply(live, event, applicant, "Ani", gender="female")
    other = live.person("ru", "Other")
    await make_organiser(live.sessionmaker, other.id, await make_programme(live.sessionmaker))
    stranger = live.person("hy")

    # Buttons forged under the messages they got.
    refused = await stranger.say("/review", stranger._(ONLY_ORGANISERS))
    nothing = await other.say("/review", other._(NO_EVENTS))
    presses = [
        Review(action="show", event_id=event.id).pack(),
        Review(action="list", event_id=event.id).pack(),
        Review(action="score", event_id=event.id, id=key, value="5").pack(),
        Review(action="decide", event_id=event.id, id=key, value="confirm").pack(),
        Review(action="propose", event_id=event.id).pack(),
    ]
    for data in presses:
        answer = await other.forge(data, nothing)
        assert (answer.text, answer.show_alert) == (other._(NOT_YOURS), True)
        answer = await stranger.forge(data, refused)
        assert (answer.text, answer.show_alert) == (stranger._(ONLY_ORGANISERS), True)
    stored = await registration_by_id(live.sessionmaker, key)
    assert (stored.status, stored.review_score) == (RegistrationStatus.APPLIED, None)
    async with live.sessionmaker() as session:
        sent = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.registration_id == key)
        )
    assert sent == 0
    # Nothing came to the applicant meanwhile.
    await applicant.say("/help", applicant._("What I can do:"))


@on_sqlite
async def test_several_events_are_picked_and_a_long_queue_is_paged(live: Live) -> None:
    programme = await make_programme(live.sessionmaker)
    school = await live.application_event(programme_slug=programme, capacity=5)
    await live.application_event(programme_slug=programme, capacity=5)
    for number in range(11):
        await apply(live, school, live.person("ka", f"P{number:02}"), f"P{number:02}")
    mariam = live.person("ka", "Mariam")
    await make_organiser(live.sessionmaker, mariam.id, programme)
    _ = mariam._
    t = mariam.t

    picker = await mariam.say("/review", _("Which event's applications do you want to review?"))
    assert len(labels(picker)) == 2
    card = await mariam.tap_entry(title(mariam), t.date(school.starts_at, school.timezone))
    for fragment in (_(POSITION).format(number=1, total=11), "P00"):
        assert fragment in shown(card)
    await mariam.tap_for_edit(
        _("List of applications"),
        _("Applications waiting for a decision: {count}").format(count=11),
        _("Page {page} of {pages}").format(page=1, pages=2),
    )
    page = mariam.message_with("▶")
    assert labels(page)[:2] == ["1. P00", "2. P01"]
    assert len(labels(page)) == 9
    await mariam.tap_for_edit("▶", _("Page {page} of {pages}").format(page=2, pages=2))
    assert labels(page) == ["9. P08", "10. P09", "11. P10", "◀"]
    await mariam.tap_for_edit("10. P09", _(POSITION).format(number=10, total=11), "P09")


@on_sqlite
@pytest.mark.parametrize("language", ["hy", "ru"])
async def test_a_hybrid_event_s_room_and_stream_are_proposed_apart(
    live: Live, language: str
) -> None:
    programme = await make_programme(live.sessionmaker)
    event = await live.application_event(
        programme_slug=programme,
        capacity=2,
        attendance_mode="hybrid",
        online_capacity=2,
        join_url="https://meet.example.org/summer-school",
    )
    room = {"Ani": "female", "Aram": "male", "Nino": "female"}
    online = {"Leyla": "female", "Elvin": "male", "Kamran": "male"}
    keys = {}
    for names, part in ((room, "in_person"), (online, "online")):
        for name, gender in names.items():
            person = live.person(language, name)
            keys[name] = await apply(live, event, person, name, gender=gender, participation=part)
    async with live.sessionmaker() as session:
        targets = SelectionTargets(gender_parity=GenderParity(tolerance=0))
        await set_targets(session, datetime.now(UTC), SYSTEM, event.id, targets, "online")
    mariam = live.person(language, "Mariam")
    await make_organiser(live.sessionmaker, mariam.id, programme)
    _ = mariam._

    # The card says which part the applicant chose, and shows the balance of each part
    # (only the stream has targets); a proposal is made for one part at a time.
    card = await mariam.say(
        "/review",
        _(POSITION).format(number=1, total=6),
        _("Taking part: in person"),
        _("Taking part: online"),
        _("No selection targets are set for this event."),
        _(PARITY).format(women=0, men=0, undisclosed=0, tolerance=0),
    )
    buttons = labels(card)
    assert {_("Balanced proposal: in person"), _("Balanced proposal: online")} <= set(buttons)
    assert _("Balanced proposal") not in buttons
    forged = Review(action="propose", event_id=event.id, value="backstage").pack()
    assert (await mariam.forge(forged, card)).text == _("This button is no longer active.")

    await mariam.tap(_("Balanced proposal: online"), message=card)
    proposal = await mariam.button(_("Accept the proposal"))
    text = shown(proposal)
    assert _("Taking part: online") in text
    assert _(COUNTS).format(selected=2, waitlisted=1, rejected=0) in text
    assert _(PARITY).format(women=1, men=1, undisclosed=0, tolerance=0) + " ✅" in text
    made = await open_proposal(live, event.id)
    assert made.participation == "online"
    assert keys["Leyla"] in made.selected
    assert set(made.selected) | set(made.waitlist) == {keys[name] for name in online}

    await mariam.tap_for_edit(
        _("Accept the proposal"), _(ACCEPTED_ALL).format(confirmed=2, waitlisted=1, rejected=0)
    )
    async with live.sessionmaker() as session:
        held = await session.scalars(
            select(Registration.participation).where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
        )
        assert sorted(held) == ["online", "online"]

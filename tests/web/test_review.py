"""Reviewing applications in the dashboard: one at a time with score, private note and a
decision, the list of open ones, a decision the seats no longer allow, and the balanced
proposal (drawn per part, adjusted, accepted once)."""

import re
from collections.abc import Iterable
from datetime import UTC, datetime

import pytest
from playwright.async_api import BrowserContext, expect
from sqlalchemy import func, select

from events.access import SYSTEM
from events.enums import Decision, RegistrationStatus
from events.models import Event, OutboxMessage, Registration, SelectionProposal
from events.outbox.queue import Kind
from events.registrations import decide
from events.reviews import set_targets
from events.targets import GenderParity, SelectionTargets
from tests.bot.conftest import Live, on_sqlite
from tests.bot.process import (
    EVENT_TITLE,
    Person,
    make_programme,
    shown,
    signed_up,
    unique_slug,
)
from tests.web.browsing import csrf_of, organiser_signs_in, registration_of
from tests.web.conftest import screenshot_path

pytestmark = pytest.mark.asyncio(loop_scope="session")

ACCEPTED = "Good news: your application for {title} is accepted and your seat is confirmed."


@on_sqlite
async def test_an_organiser_reviews_and_decides_applications(
    live: Live, context: BrowserContext, other_context: BrowserContext
) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    event = await live.application_event(programme_slug=programme, capacity=1)
    ids = []
    for name in ("Ani <i>A</i>", "Leyla", "Tamar"):
        applicant = live.person("en")
        await applicant.say("/help", applicant._("What I can do:"))  # the bot may write now
        registration = await signed_up(
            live.sessionmaker,
            event,
            name,
            {
                "motivation": f"Motivation of {name}",
                "track": "culture",
                "visa": True,
                "experience": 3,
            },
            telegram_user_id=applicant.id,
        )
        ids.append(registration.id)
    page, person = await organiser_signs_in(live, context, [programme])
    _ = person._
    base = live.process.base_url
    await page.goto(base + f"/dashboard/events/{event.id}")
    await page.get_by_role("link", name=_("Review applications")).click()

    # The first application: profile and answers in words, escaped.
    await expect(page.get_by_role("status")).to_have_text(
        _("Application {number} of {total}").format(number=1, total=3)
    )
    await expect(page.locator("#applicant-name")).to_have_text("Ani <i>A</i>")
    await expect(page.locator("main")).to_contain_text("Culture and media")
    await expect(page.locator("main")).to_contain_text("Motivation of Ani <i>A</i>")
    await page.get_by_label(_("Score (1 to 5, seen only by organisers)")).select_option("4")
    await page.get_by_label(_("Private note")).fill("Strong <b>case</b>")
    await page.get_by_role("button", name=_("Confirm"), exact=True).click()
    first = await registration_of(live.sessionmaker, ids[0])
    assert (first.status, first.review_score, first.review_note) == (
        RegistrationStatus.CONFIRMED,
        4,
        "Strong <b>case</b>",
    )

    # The same position now holds the next one; the only seat is taken.
    await expect(page.get_by_role("status")).to_have_text(
        _("Application {number} of {total}").format(number=1, total=2)
    )
    await page.get_by_role("button", name=_("Confirm"), exact=True).click()
    await expect(page.get_by_role("alert")).to_have_text(_("There is no seat left."))
    assert (await registration_of(live.sessionmaker, ids[1])).status == RegistrationStatus.APPLIED
    await page.get_by_role("button", name=_("Skip")).click()
    await expect(page.locator("#applicant-name")).to_have_text("Tamar")
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.screenshot(path=screenshot_path("review-en-360"), full_page=True)
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.get_by_role("button", name=_("Waiting list"), exact=True).click()
    assert (await registration_of(live.sessionmaker, ids[2])).status == (
        RegistrationStatus.WAITLISTED
    )

    # The list of what is still open.
    await page.get_by_role("link", name=_("All open applications")).first.click()
    await expect(page.locator("tbody tr")).to_have_count(1)
    await expect(page.locator("tbody")).to_contain_text("Leyla")
    await page.screenshot(path=screenshot_path("applications-en-desktop"), full_page=True)

    # Another organiser can neither see nor decide them.
    elsewhere = await make_programme(live.sessionmaker, unique_slug("dash"))
    other, _other = await organiser_signs_in(live, other_context, [elsewhere])
    response = await other.goto(base + f"/dashboard/events/{event.id}/review")
    assert response is not None
    assert response.status == 403
    answer = await other.request.post(
        base + f"/dashboard/events/{event.id}/review/{ids[1]}",
        form={"csrf": await csrf_of(other), "position": "0", "action": "reject", "score": ""},
    )
    assert answer.status == 403
    assert (await registration_of(live.sessionmaker, ids[1])).status == RegistrationStatus.APPLIED


# --- the balanced proposal ----------------------------------------------------------------

QUESTIONS_ANSWERED = {"motivation": "To learn", "track": "culture", "visa": True, "experience": 1}


async def applicants(
    live: Live, event: Event, names: dict[str, str], participation: str | None = None
) -> dict[int, Person]:
    """People who applied (through the use case), each able to hear from the bot."""
    people = {}
    for name, gender in names.items():
        person = live.person("en")
        await person.say("/help", person._("What I can do:"))  # the bot may write now
        registration = await signed_up(
            live.sessionmaker,
            event,
            name,
            QUESTIONS_ANSWERED,
            participation,
            telegram_user_id=person.id,
            gender=gender,
        )
        people[registration.id] = person
    return people


async def statuses_of(live: Live, keys: Iterable[int]) -> dict[int, str]:
    async with live.sessionmaker() as session:
        rows = await session.execute(
            select(Registration.id, Registration.status).where(Registration.id.in_(list(keys)))
        )
        return {row.id: row.status for row in rows}


async def decisions_sent(live: Live, keys: Iterable[int]) -> int:
    async with live.sessionmaker() as session:
        return (
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.registration_id.in_(list(keys)),
                    OutboxMessage.kind == Kind.DECISION,
                )
            )
            or 0
        )


async def proposal_of(live: Live, proposal_id: int) -> SelectionProposal:
    async with live.sessionmaker() as session:
        found = await session.get(SelectionProposal, proposal_id)
        assert found is not None
        return found


def proposal_id_in(url: str) -> int:
    found = re.search(r"/proposals/(\d+)", url)
    assert found, url
    return int(found[1])


@on_sqlite
async def test_an_organiser_draws_adjusts_and_accepts_a_balanced_proposal_once(
    live: Live, context: BrowserContext, other_context: BrowserContext
) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    event = await live.application_event(programme_slug=programme, capacity=2)
    async with live.sessionmaker() as session:
        targets = SelectionTargets(gender_parity=GenderParity(tolerance=0))
        await set_targets(session, datetime.now(UTC), SYSTEM, event.id, targets)
    names = {"Ani <b>A</b>": "female", "Nino": "female", "Aram": "male", "Giorgi": "male"}
    people = await applicants(live, event, names)
    page, person = await organiser_signs_in(live, context, [programme])
    _ = person._
    base = live.process.base_url
    await page.goto(base + f"/dashboard/events/{event.id}/balance")
    chart_before = await page.locator("figure.chart svg").first.inner_html()

    await page.goto(base + f"/dashboard/events/{event.id}/review")
    await page.get_by_role("button", name=_("Balanced proposal"), exact=True).click()
    await page.wait_for_url("**/proposals/*")
    proposal_id = proposal_id_in(page.url)
    main = page.locator("main")
    await expect(main).to_contain_text(
        _("Selected: {selected}, waiting list: {waitlisted}, not selected: {rejected}").format(
            selected=2, waitlisted=2, rejected=0
        )
    )
    parity = _("Women {women}, men {men}, not stated {undisclosed} (parity ± {tolerance})")
    await expect(main).to_contain_text(
        parity.format(women=1, men=1, undisclosed=0, tolerance=0) + " — ✓"
    )
    await expect(page.locator("#selected tbody tr")).to_have_count(2)
    await expect(page.locator("#waiting tbody tr")).to_have_count(2)
    await expect(main).to_contain_text("Ani <b>A</b>")  # a name is text, not markup
    drawn = await proposal_of(live, proposal_id)

    # Swap the first selected for the first on the waiting list: the balance is shown again.
    leaving, coming = drawn.selected[0], drawn.waitlist[0]
    await page.get_by_label(_("Whom do you want to take out of the selection?")).select_option(
        str(leaving)
    )
    await page.get_by_label(_("Whom do you want to take in instead?")).select_option(str(coming))
    await page.get_by_role("button", name=_("Swap")).click()
    await expect(page.get_by_role("status")).to_have_text(
        _("Swapped. The balance is recalculated.")
    )
    swapped = await proposal_of(live, proposal_id)
    assert coming in swapped.selected
    assert leaving in swapped.waitlist
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.screenshot(path=screenshot_path("proposal-en-360"), full_page=True)
    await page.set_viewport_size({"width": 1280, "height": 900})

    # Without the session's CSRF token nothing is accepted.
    refused = await page.request.post(
        base + f"/dashboard/events/{event.id}/proposals/{proposal_id}/accept",
        form={"csrf": "forged"},
        max_redirects=0,
    )
    assert refused.status == 403
    assert set((await statuses_of(live, people)).values()) == {RegistrationStatus.APPLIED}

    # Another organiser can neither see the proposal nor swap, draw or accept.
    elsewhere = await make_programme(live.sessionmaker, unique_slug("dash"))
    other, _other = await organiser_signs_in(live, other_context, [elsewhere])
    response = await other.goto(base + f"/dashboard/events/{event.id}/proposals/{proposal_id}")
    assert response is not None
    assert response.status == 403
    token = await csrf_of(other)
    for path, form in (
        (f"proposals/{proposal_id}/accept", {}),
        (f"proposals/{proposal_id}/swap", {"take_out": str(coming), "take_in": str(leaving)}),
        ("proposals", {}),
    ):
        answer = await other.request.post(
            base + f"/dashboard/events/{event.id}/{path}",
            form={"csrf": token, **form},
            max_redirects=0,
        )
        assert answer.status == 403, path
    assert (await proposal_of(live, proposal_id)).selected == swapped.selected
    assert set((await statuses_of(live, people)).values()) == {RegistrationStatus.APPLIED}

    # Accepted in one step: the adjusted selection confirmed, the waiting list in order.
    await page.get_by_role("button", name=_("Accept the proposal")).click()
    await expect(page.get_by_role("status")).to_have_text(
        _(
            "The proposal is accepted. Confirmed: {confirmed}, waiting list: {waitlisted}, "
            "not selected: {rejected}. Everyone will be told in their own language."
        ).format(confirmed=2, waitlisted=2, rejected=0)
    )
    statuses = await statuses_of(live, people)
    assert {key for key, status in statuses.items() if status == "confirmed"} == set(
        swapped.selected
    )
    assert {key for key, status in statuses.items() if status == "waitlisted"} == set(
        swapped.waitlist
    )
    await expect(page.get_by_role("button", name=_("Accept the proposal"))).to_have_count(0)

    # Accepting again (a second tab, a retry) decides and tells nobody twice.
    again = await page.request.post(
        base + f"/dashboard/events/{event.id}/proposals/{proposal_id}/accept",
        form={"csrf": await csrf_of(page)},
    )
    assert again.ok
    assert _("This proposal was accepted already.") in await again.text()
    assert await statuses_of(live, people) == statuses
    for key, applicant in people.items():
        told = shown(await applicant.next())
        if key in swapped.selected:
            assert applicant._(ACCEPTED).format(title=EVENT_TITLE["en"]) in told
        else:
            assert (
                applicant._("Your place on the waiting list: {position}").format(
                    position=swapped.waitlist.index(key) + 1
                )
                in told
            )
        # The next thing each hears is the answer to /help: one decision each.
        await applicant.say("/help", applicant._("What I can do:"))
    assert await decisions_sent(live, people) == len(people)

    # The Balance page's chart now counts the confirmed seats.
    await page.goto(base + f"/dashboard/events/{event.id}/balance")
    assert await page.locator("figure.chart svg").first.inner_html() != chart_before


@on_sqlite
async def test_a_hybrid_event_s_parts_are_proposed_apart_and_a_stale_one_is_refused(
    live: Live, context: BrowserContext
) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    event = await live.application_event(
        programme_slug=programme,
        capacity=2,
        attendance_mode="hybrid",
        online_capacity=1,
        join_url="https://meet.example.org/summer-school",
    )
    room = await applicants(live, event, {"Ani": "female", "Aram": "male"}, "in_person")
    online = await applicants(live, event, {"Leyla": "female", "Elvin": "male"}, "online")
    page, person = await organiser_signs_in(live, context, [programme])
    _ = person._
    await page.goto(live.process.base_url + f"/dashboard/events/{event.id}/review")
    await expect(
        page.get_by_role("button", name=_("Balanced proposal"), exact=True)
    ).to_have_count(0)
    await page.get_by_role("button", name=_("Balanced proposal: online")).click()
    await page.wait_for_url("**/proposals/*")
    drawn = await proposal_of(live, proposal_id_in(page.url))
    assert drawn.participation == "online"
    assert {*drawn.selected, *drawn.waitlist, *drawn.not_selected} == set(online)
    await expect(page.locator("main")).to_contain_text(_("Online"))
    await expect(page.locator("main")).not_to_contain_text("Aram")

    await page.get_by_role("button", name=_("Accept the proposal")).click()
    await expect(page.get_by_role("status")).to_have_text(
        _(
            "The proposal is accepted. Confirmed: {confirmed}, waiting list: {waitlisted}, "
            "not selected: {rejected}. Everyone will be told in their own language."
        ).format(
            confirmed=len(drawn.selected),
            waitlisted=len(drawn.waitlist),
            rejected=len(drawn.not_selected),
        )
    )
    statuses = await statuses_of(live, [*room, *online])
    assert [statuses[key] for key in room] == ["applied", "applied"]
    assert sum(statuses[key] == "confirmed" for key in online) == 1

    # The room's proposal goes stale when an application it covers is decided meanwhile:
    # accepting it then says so and changes nothing.
    await page.goto(live.process.base_url + f"/dashboard/events/{event.id}/review")
    await page.get_by_role("button", name=_("Balanced proposal: in person")).click()
    await page.wait_for_url("**/proposals/*")
    stale_id = proposal_id_in(page.url)
    first = next(iter(room))
    async with live.sessionmaker() as session:
        await decide(session, datetime.now(UTC), SYSTEM, first, Decision.REJECT)
    await page.get_by_role("button", name=_("Accept the proposal")).click()
    await expect(page.get_by_role("alert")).to_have_text(
        _("Some applications changed since this proposal was made. Please make a new proposal.")
    )
    assert sorted((await statuses_of(live, room)).values()) == ["applied", "rejected"]
    assert (await proposal_of(live, stale_id)).state == "open"

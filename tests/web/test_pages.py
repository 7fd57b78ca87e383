"""The dashboard end to end: the real ``redbridge serve`` (bot, API, dashboard) against the
Telegram emulator, a real database of each backend, and headless Chromium.

An organiser asks the bot for a sign-in link, opens it in the browser and works through
their event: the overview, the registrations table (filters, search, paging), a person's
card, check-in twice, the CSV; screenshots at phone and desktop width. Another organiser,
a check-in volunteer, forged forms and Mini App sign-ins are refused.
"""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import BrowserContext, Page, expect

from events.enums import Gender, RegistrationStatus, Role
from tests.bot.conftest import Live, on_both_backends, on_sqlite
from tests.bot.process import make_programme, shown, signed_up, unique_slug
from tests.web.browsing import (
    SIGN_IN_LINK,
    csrf_of,
    open_as_mini_app,
    organiser_signs_in,
    registration_of,
    signed_init_data,
)
from tests.web.conftest import screenshot_path

pytestmark = pytest.mark.asyncio(loop_scope="session")

COUNTRIES = ("AM", "AZ", "GE")
GENDERS = (Gender.FEMALE, Gender.MALE, None)
PEOPLE = 61  # more than a page of 50
CAPACITY = 30


async def crowded_event(live: Live, programme: str, people: int = PEOPLE) -> tuple[int, list[int]]:
    """An open event of ``CAPACITY`` seats and ``people`` registrations (the first ones
    confirmed, the rest waitlisted); one is named with markup, to see it escaped."""
    event = await live.event(programme_slug=programme, capacity=CAPACITY)
    ids = []
    for number in range(people):
        name = "<b>Nino</b> Beridze" if number == 3 else f"Person {number:03d}"
        registration = await signed_up(
            live.sessionmaker,
            event,
            name,
            country=COUNTRIES[number % 3],
            gender=GENDERS[number % 3],
            language=("en", "hy", "ru")[number % 3],
        )
        ids.append(registration.id)
    return event.id, ids


async def rows(page: Page) -> int:
    return await page.locator("table.registrations tbody tr").count()


# The page's width, and the element that sticks out furthest (to say what to fix).
WIDEST = """() => {
  let widest = null, right = 0;
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".table-wrap")) continue;
    const r = el.getBoundingClientRect().right;
    if (r > right) { right = r; widest = el.tagName + "." + el.className; }
  }
  return {width: document.documentElement.scrollWidth, widest: widest, right: right};
}"""


async def shoot(page: Page, name: str) -> None:
    """The page at desktop width, then at 360 px (a phone), full length."""
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.screenshot(path=screenshot_path(f"{name}-desktop"), full_page=True)
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.screenshot(path=screenshot_path(f"{name}-360"), full_page=True)
    # Nothing wider than the phone's screen but the table, which scrolls in its box.
    overflow = await page.evaluate(WIDEST)
    assert overflow["width"] <= 360, f"{name} at 360 px: {overflow}"
    await page.set_viewport_size({"width": 1280, "height": 900})


@on_both_backends
async def test_an_organiser_signs_in_from_the_bot_and_works_through_an_event(
    live: Live, context: BrowserContext
) -> None:
    language = "en" if live.stack.backend == "sqlite" else "ru"
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    event_id, ids = await crowded_event(live, programme)
    page, person = await organiser_signs_in(live, context, [programme], language)
    _ = person._

    # Overview: the event with its seats and waiting list, in the organiser's language.
    await expect(page.locator("h1")).to_have_text(_("Overview"))
    card = page.locator(".card", has=page.locator(f"a[href='/dashboard/events/{event_id}']"))
    await expect(card).to_contain_text(f"{CAPACITY} / {CAPACITY}")
    await expect(card).to_contain_text(str(PEOPLE - CAPACITY))
    await shoot(page, f"overview-{language}")

    # The event page pages through everyone, 50 at a time.
    await card.locator("a").click()
    await page.wait_for_url(f"**/dashboard/events/{event_id}")
    count = person.n_("{count} registration", "{count} registrations", PEOPLE)
    await expect(page.locator("#match-count")).to_have_text(count.format(count=PEOPLE))
    assert await rows(page) == 50
    await shoot(page, f"event-{language}")
    await page.get_by_role("link", name=_("Next page")).click()
    assert await rows(page) == PEOPLE - 50

    # Filters: the waiting list of one country; then a name, shown as typed (escaped).
    await page.get_by_label(_("Status")).select_option(RegistrationStatus.WAITLISTED.value)
    await page.get_by_label(_("Country")).select_option("AZ")
    await page.get_by_role("button", name=_("Show")).click()
    waitlisted_az = sum(1 for n in range(CAPACITY, PEOPLE) if n % 3 == 1)
    assert await rows(page) == waitlisted_az
    assert "page=" not in page.url
    await page.get_by_label(_("Status")).select_option("")
    await page.get_by_label(_("Country")).select_option("")
    await page.get_by_label(_("Name")).fill("nino")
    await page.get_by_role("button", name=_("Show")).click()
    assert await rows(page) == 1
    await page.get_by_role("link", name="<b>Nino</b> Beridze").click()

    # A person's card.
    await expect(page.locator("h1")).to_have_text("<b>Nino</b> Beridze")
    await expect(page.locator("main")).to_contain_text(_("Confirmed"))

    # Check-in: once, then again: the second time says when.
    ticket = (await registration_of(live.sessionmaker, ids[3])).ticket_code
    assert ticket is not None
    await page.get_by_role("link", name=_("Check-in")).click()
    await page.get_by_label(_("Ticket code or link")).fill(ticket)
    await page.get_by_role("button", name=_("Check in"), exact=True).click()
    await expect(page.locator(".result.ok")).to_contain_text("<b>Nino</b> Beridze")
    checked = await registration_of(live.sessionmaker, ids[3])
    assert checked.status == RegistrationStatus.ATTENDED
    await page.get_by_label(_("Ticket code or link")).fill(f"https://t.me/x?start=t-{ticket}")
    await page.get_by_role("button", name=_("Check in"), exact=True).click()
    await expect(page.locator(".result.warn")).to_be_visible()
    await shoot(page, f"check-in-{language}")

    # The CSV of the event, as the API exports it.
    await page.goto(live.process.base_url + f"/dashboard/events/{event_id}")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name=_("Registrations as CSV")).click()
    download = await download_info.value
    path = await download.path()
    table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(table) == PEOPLE
    assert {row["ticket_code"] for row in table} >= {ticket}

    # Sign out: the pages ask to sign in again.
    await page.get_by_role("button", name=_("Sign out")).click()
    await page.wait_for_url("**/dashboard/sign-in")
    await page.goto(live.process.base_url + "/dashboard")
    assert page.url.endswith("/dashboard/sign-in")


@on_sqlite
async def test_the_language_switches_and_stays(live: Live, context: BrowserContext) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    event_id, _ids = await crowded_event(live, programme, people=3)
    page, person = await organiser_signs_in(live, context, [programme], "hy")
    await expect(page.locator("h1")).to_have_text(person._("Overview"))
    await page.goto(live.process.base_url + f"/dashboard/events/{event_id}")
    # With JavaScript the picker sends itself; the page stays where it was.
    await page.get_by_label(person._("Change language")).select_option("ka")
    await page.wait_for_url(f"**/dashboard/events/{event_id}")
    person.speaks("ka")
    await expect(page.locator("#seats-title")).to_have_text(person._("Seats"))
    await shoot(page, "event-ka")
    await page.goto(live.process.base_url + "/dashboard")
    await expect(page.locator("h1")).to_have_text(person._("Overview"))


@on_sqlite
async def test_others_are_refused_everywhere_and_forged_forms_change_nothing(
    live: Live, context: BrowserContext, other_context: BrowserContext
) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    elsewhere = await make_programme(live.sessionmaker, unique_slug("dash"))
    event_id, ids = await crowded_event(live, programme, people=3)
    ticket = (await registration_of(live.sessionmaker, ids[0])).ticket_code
    assert ticket is not None
    base = live.process.base_url

    # Someone who is no organiser is told so by the bot, and gets no link.
    stranger = live.person("en")
    await stranger.say("/dashboard", stranger._("This is only for organisers."))

    # Another organiser: 403 on every page and form of the event.
    page, other = await organiser_signs_in(live, context, [elsewhere])
    other_csrf = await csrf_of(page)
    for path in (
        f"/dashboard/events/{event_id}",
        f"/dashboard/events/{event_id}?status=confirmed&page=2",
        f"/dashboard/events/{event_id}/registrations/{ids[0]}",
        f"/dashboard/events/{event_id}/registrations.csv",
        f"/dashboard/events/{event_id}/balance",
        f"/dashboard/events/{event_id}/review",
        f"/dashboard/events/{event_id}/applications",
    ):
        response = await page.goto(base + path)
        assert response is not None
        assert response.status == 403, path
        await expect(page.locator(".notice")).to_have_text(
            other._("This is not one of your programmes.")
        )
    answer = await page.request.post(
        base + "/dashboard/check-in", form={"csrf": other_csrf, "code": ticket}
    )
    assert answer.status == 403
    assert (await registration_of(live.sessionmaker, ids[0])).checked_in_at is None

    # The event's own organiser, with forms that do not carry the session's token.
    own_context = other_context
    own_page, _owner = await organiser_signs_in(live, own_context, [programme])
    forms: list[dict[str, str | float | bool]] = [
        {"code": ticket},
        {"code": ticket, "csrf": other_csrf},
        {"csrf": "", "code": ticket},
    ]
    for form in forms:
        refused = await own_page.request.post(base + "/dashboard/check-in", form=form)
        assert refused.status == 403
    assert (await registration_of(live.sessionmaker, ids[0])).checked_in_at is None
    refused = await own_page.request.post(
        base + "/dashboard/language", form={"language": "ru", "csrf": "forged"}
    )
    assert refused.status == 403
    refused = await own_page.request.post(base + "/dashboard/sign-out", form={})
    assert refused.status == 403
    await own_page.goto(base + "/dashboard")
    await expect(own_page.locator("h1")).to_have_text("Overview")  # still English, signed in

    # A check-in volunteer: check-in only.
    volunteer_context = own_context
    await volunteer_context.clear_cookies()
    door, _volunteer = await organiser_signs_in(
        live, volunteer_context, [programme], role=Role.CHECKER
    )
    response = await door.goto(base + f"/dashboard/events/{event_id}")
    assert response is not None
    assert response.status == 403
    await door.goto(base + "/dashboard/check-in")
    await door.get_by_label("Ticket code or link").fill(ticket)
    await door.get_by_role("button", name="Check in", exact=True).click()
    await expect(door.locator(".result.ok")).to_be_visible()

    # Without a session, pages send to sign-in and forms are refused.
    await context.clear_cookies()
    response = await page.goto(base + f"/dashboard/events/{event_id}")
    assert page.url.endswith("/dashboard/sign-in")
    answer = await page.request.post(base + "/dashboard/check-in", form={"code": ticket})
    assert answer.status == 403


@on_sqlite
async def test_a_sign_in_link_works_once(live: Live, context: BrowserContext) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    page, person = await organiser_signs_in(live, context, [programme])
    found = SIGN_IN_LINK.search(shown(person.user.messages[-1]))
    assert found
    link = found[0]
    await context.clear_cookies()
    await page.goto(link)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator(".notice")).to_contain_text("This sign-in link is not valid")


@on_sqlite
async def test_the_mini_app_signs_in_with_telegram_init_data(
    live: Live, context: BrowserContext, other_context: BrowserContext
) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    event_id, ids = await crowded_event(live, programme, people=3)
    ticket = (await registration_of(live.sessionmaker, ids[1])).ticket_code
    # A Telegram user whose app is in Armenian and who is an organiser of the programme.
    page, person = await organiser_signs_in(live, context, [programme], "hy")
    await context.clear_cookies()
    token = live.tg.token
    now = datetime.now(UTC)
    init_data = signed_init_data(token, person.id, now, "hy")

    app = await open_as_mini_app(context, init_data)
    await app.goto(live.process.base_url + "/dashboard/app")
    await app.wait_for_url("**/dashboard")
    await expect(app.locator("h1")).to_have_text(person._("Overview"))
    # Telegram's theme colours, not the page's own.
    background = await app.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(16, 32, 48)"
    await shoot(app, "mini-app-overview-hy")
    # The scanner fills the check-in form and sends it.
    await app.goto(live.process.base_url + "/dashboard/check-in")
    await app.evaluate(f"window.scanned = 'https://t.me/x?start=t-{ticket}'")
    await app.get_by_role("button", name=person._("Scan a QR code")).click()
    await expect(app.locator(".result.ok")).to_be_visible()
    await shoot(app, "mini-app-check-in-hy")

    # The same initData again (replayed), forged, expired, or none: refused.
    other = other_context
    for refused_data in (
        init_data,
        signed_init_data(token, person.id, now, forge_user_id=person.id + 1),
        signed_init_data("654321:OTHER", person.id, now),
        signed_init_data(token, person.id, now - timedelta(hours=2)),
        "",
    ):
        await other.clear_cookies()
        attempt = await open_as_mini_app(other, refused_data)
        await attempt.goto(live.process.base_url + "/dashboard/app")
        if refused_data:
            await attempt.wait_for_url("**/dashboard/app/sign-in")
            await expect(attempt.locator(".notice")).to_be_visible()
        else:  # opened outside Telegram: it says how to sign in
            await expect(attempt.locator("#mini-app-outside")).to_be_visible()
        answer = await attempt.request.get(
            live.process.base_url + f"/dashboard/events/{event_id}", max_redirects=0
        )
        assert answer.status == 303  # not signed in
        await attempt.close()


@on_sqlite
async def test_the_balance_page_draws_and_tabulates_the_seats(
    live: Live, context: BrowserContext
) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    event_id, _ids = await crowded_event(live, programme, people=40)
    page, person = await organiser_signs_in(live, context, [programme], "ru")
    _ = person._
    await page.goto(live.process.base_url + f"/dashboard/events/{event_id}")
    await page.get_by_role("link", name=_("Balance")).click()
    await expect(page.locator("h1")).to_have_text(_("Balance"))
    # Four charts of the seats and the funnel, each an image with words and a table.
    charts = page.locator("figure.chart svg[role=img]")
    await expect(charts).to_have_count(5)
    country_chart = page.locator("svg.rb-country-gender desc")
    await expect(country_chart).to_contain_text("Армения")
    tables = page.locator("figure.chart table")
    await expect(tables).to_have_count(5)
    # The first 30 of 40 hold seats: 10 from each country.
    first = tables.first
    await page.get_by_text(_("The numbers as a table")).first.click()
    await expect(first.locator("tbody tr")).to_have_count(3)
    await expect(first).to_contain_text("10")
    await shoot(page, "balance-ru")
    await page.emulate_media(color_scheme="dark")
    await page.screenshot(path=screenshot_path("balance-ru-dark-desktop"), full_page=True)

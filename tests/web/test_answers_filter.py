"""The event page's registrations filtered by an answer to one of the event's questions:
on the server, together with the other filters, carried through the pages."""

import pytest
from playwright.async_api import BrowserContext, expect

from tests.bot.conftest import Live, on_sqlite
from tests.bot.process import make_programme, signed_up, unique_slug
from tests.web.browsing import organiser_signs_in
from tests.web.conftest import screenshot_path

pytestmark = pytest.mark.asyncio(loop_scope="session")

PEOPLE = 62  # every tenth chose economy: 55 chose culture, more than a page of 50


@on_sqlite
async def test_the_registrations_filter_by_an_answer(live: Live, context: BrowserContext) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    event = await live.application_event(programme_slug=programme, capacity=PEOPLE)
    for number in range(PEOPLE):
        answers: dict[str, object] = {
            "motivation": "To learn",
            "track": "economy" if number % 10 == 0 else "culture",
            "visa": number % 2 == 0,
            "experience": number % 40,
        }
        country = "AM" if number % 2 else "GE"
        await signed_up(live.sessionmaker, event, f"Person {number:02d}", answers, country=country)
    page, person = await organiser_signs_in(live, context, [programme])
    _ = person._
    count = page.locator("#match-count")
    rows = page.locator("table.registrations tbody tr")
    await page.goto(live.process.base_url + f"/dashboard/events/{event.id}")

    answer = page.get_by_label(_("Answer"), exact=True)
    await answer.select_option(label="Culture and media")
    await page.get_by_role("button", name=_("Show")).click()
    await expect(count).to_have_text(
        person.n_("{count} registration", "{count} registrations", 55).format(count=55)
    )
    await expect(rows).to_have_count(50)
    await page.get_by_role("link", name=_("Next page")).click()
    await expect(rows).to_have_count(5)
    await expect(answer).to_have_value("track:culture")
    await page.screenshot(path=screenshot_path("event-answer-filter-en-desktop"), full_page=True)
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.screenshot(path=screenshot_path("event-answer-filter-en-360"), full_page=True)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await page.set_viewport_size({"width": 1280, "height": 900})

    # With the country too; and yes/no questions offer yes and no.
    await page.get_by_label(_("Country")).select_option("AM")
    await page.get_by_role("button", name=_("Show")).click()
    await expect(count).to_have_text(
        person.n_("{count} registration", "{count} registrations", 31).format(count=31)
    )
    await answer.select_option("visa:yes")
    await page.get_by_role("button", name=_("Show")).click()
    await expect(count).to_have_text(
        person.n_("{count} registration", "{count} registrations", 0).format(count=0)
    )
    await page.get_by_label(_("Country")).select_option("")
    await page.get_by_role("button", name=_("Show")).click()
    await expect(count).to_have_text(
        person.n_("{count} registration", "{count} registrations", 31).format(count=31)
    )

    # A text or number question: picked, and its answer typed.
    await answer.select_option("")
    await page.get_by_label(_("Question"), exact=True).select_option("experience")
    await page.get_by_label(_("Answer (text or number)")).fill("7")
    await page.get_by_role("button", name=_("Show")).click()
    await expect(count).to_have_text(
        person.n_("{count} registration", "{count} registrations", 2).format(count=2)
    )
    await expect(rows.locator("td:first-child")).to_have_text(["Person 07", "Person 47"])

    # An answer the question cannot have is named, not ignored.
    wrong = await page.goto(
        live.process.base_url + f"/dashboard/events/{event.id}?answer=track:sports"
    )
    assert wrong is not None
    assert wrong.status == 422
    await expect(page.locator("main")).to_contain_text("answer")

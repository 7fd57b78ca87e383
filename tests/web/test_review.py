"""Reviewing applications in the dashboard: one at a time with score, private note and a
decision, the list of open ones, and a decision the seats no longer allow."""

import pytest
from playwright.async_api import BrowserContext, expect

from events.enums import RegistrationStatus
from tests.bot.conftest import Live, on_sqlite
from tests.bot.process import make_programme, signed_up, unique_slug
from tests.web.browsing import csrf_of, organiser_signs_in, registration_of
from tests.web.conftest import screenshot_path

pytestmark = pytest.mark.asyncio(loop_scope="session")


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
    await expect(page.locator("h2")).to_have_text("Ani <i>A</i>")
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
    await expect(page.locator("h2")).to_have_text("Tamar")
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

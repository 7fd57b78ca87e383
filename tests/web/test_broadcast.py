"""Broadcasts from the dashboard, in a real browser against the real ``redbridge serve``:
compose one with its recipient count and preview, send it and watch the delivery report
fill in as the process's dispatcher sends to emulated users; schedule one and cancel it;
markup Telegram refuses, a form without its CSRF token and another organiser change
nothing."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import BrowserContext, expect
from sqlalchemy import select

from events.editions import get_event
from events.models import Broadcast
from tests.bot.conftest import Live, on_both_backends, on_sqlite
from tests.bot.process import Person, make_programme, shown, signed_up, unique_slug
from tests.web.browsing import csrf_of, organiser_signs_in
from tests.web.conftest import screenshot_path
from tests.web.test_accessibility import UNLABELLED

pytestmark = pytest.mark.asyncio(loop_scope="session")

# The report refreshes itself every 2 s while sending; the dispatcher takes a moment.
DELIVERY_TIMEOUT_MS = 30_000


async def recipient(live: Live, event_id: int, language: str, name: str) -> Person:
    """Someone with a seat who has started the bot (so it may write to them)."""
    person = live.person(language)
    await person.say("/help", person._("What I can do:"))
    async with live.sessionmaker() as session:
        event = await get_event(session, event_id)
    await signed_up(live.sessionmaker, event, name, telegram_user_id=person.id, language=language)
    return person


async def received(person: Person, fragment: str) -> str:
    """The first message (of a few: the confirmation comes first) containing ``fragment``."""
    seen = []
    for _attempt in range(5):
        text = shown(await person.next())
        if fragment in text:
            return text
        seen.append(text)
    raise AssertionError(f"{fragment!r} never came; got {seen!r}")


async def broadcasts_of(live: Live, event_id: int) -> list[Broadcast]:
    async with live.sessionmaker() as session:
        found = await session.scalars(select(Broadcast).where(Broadcast.event_id == event_id))
        return list(found.all())


@on_both_backends
async def test_an_organiser_composes_sends_and_watches_the_delivery(
    live: Live, context: BrowserContext
) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    event = await live.event(programme_slug=programme)
    people = [
        await recipient(live, event.id, "en", "Ani"),
        await recipient(live, event.id, "en", "Aram"),
        await recipient(live, event.id, "ru", "Leyla"),
    ]
    page, organiser = await organiser_signs_in(live, context, [programme])
    _ = organiser._
    t = live.catalogues.translator("en")
    base = live.process.base_url
    await page.goto(base + f"/dashboard/events/{event.id}")
    await page.get_by_role("link", name=_("Broadcast"), exact=True).click()
    await page.wait_for_url(f"**/dashboard/events/{event.id}/broadcasts")

    english = (
        "<b>Doors open</b> at 9:00 &amp; <i>bring</i> "
        "<a href='https://example.org'>tickets</a> <script>"
    )
    await page.get_by_label(_("Text in {language}").format(language=t.language_name("en"))).fill(
        english
    )
    # Markup Telegram refuses (<script>): refused next to its field, with no preview.
    await page.get_by_role("button", name=_("Count recipients and preview")).click()
    await expect(page.locator("#error-texts-en")).to_be_visible()
    await expect(page.locator("#recipient-count")).to_have_text(
        organiser.n_("{count} recipient", "{count} recipients", 3).format(count=3)
    )
    await page.get_by_label(_("Text in {language}").format(language=t.language_name("en"))).fill(
        english.removesuffix(" <script>")
    )
    await page.get_by_label(_("Text in {language}").format(language=t.language_name("ru"))).fill(
        "<b>Двери открыты</b> в 9:00"
    )
    await page.get_by_role("button", name=_("Count recipients and preview")).click()
    await expect(page.locator("#error-texts-en")).to_have_count(0)
    preview = page.locator(".preview[lang=en]")
    await expect(preview.locator("strong")).to_have_text("Doors open")
    await expect(preview.locator("a[href='https://example.org']")).to_have_text("tickets")
    await expect(preview).to_contain_text("9:00 & bring")
    assert await broadcasts_of(live, event.id) == []
    assert await page.evaluate(UNLABELLED) == []
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.screenshot(
        path=screenshot_path(f"broadcast-compose-{live.stack.backend}-360"), full_page=True
    )
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    await page.set_viewport_size({"width": 1280, "height": 900})

    await page.get_by_role("button", name=_("Send broadcast")).click()
    await page.wait_for_url("**/dashboard/broadcasts/*")
    await expect(page.locator("#broadcast-state")).to_have_text(
        _("Finished"), timeout=DELIVERY_TIMEOUT_MS
    )
    await expect(page.locator("[data-count=sent]")).to_have_text("3")
    await expect(page.locator("[data-count=queued]")).to_have_text("0")
    await expect(page.get_by_role("button", name=_("Cancel the broadcast"))).to_have_count(0)
    await page.screenshot(
        path=screenshot_path(f"broadcast-report-{live.stack.backend}-desktop"), full_page=True
    )
    assert "Doors open at 9:00 & bring tickets" in await received(people[0], "Doors open")
    assert "Doors open" in await received(people[1], "Doors open")
    assert "Двери открыты в 9:00" in await received(people[2], "Двери открыты")

    # The event's list shows it, finished.
    await page.goto(base + f"/dashboard/events/{event.id}/broadcasts")
    await expect(page.locator("ul.broadcasts li")).to_have_count(1)
    await expect(page.locator("ul.broadcasts li")).to_contain_text(_("Finished"))


@on_sqlite
async def test_a_scheduled_broadcast_is_cancelled_and_bad_forms_change_nothing(
    live: Live, context: BrowserContext, other_context: BrowserContext
) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    event = await live.event(programme_slug=programme)
    page, organiser = await organiser_signs_in(live, context, [programme], "ru")
    _ = organiser._
    base = live.process.base_url
    compose_url = base + f"/dashboard/events/{event.id}/broadcasts"
    await page.goto(compose_url)
    russian = live.catalogues.translator("ru").language_name("ru")
    text_field = page.get_by_label(_("Text in {language}").format(language=russian))

    # With JavaScript, the preview and the count follow the typing (nothing stored).
    await text_field.fill("<b>Живой</b> текст")
    await expect(page.locator(".preview[lang=ru] strong")).to_have_text("Живой")
    await expect(page.locator("#recipient-count")).to_have_text(
        organiser.n_("{count} recipient", "{count} recipients", 0).format(count=0)
    )

    # Invalid markup: 422, the field named, nothing stored.
    await text_field.fill("1 < 2")
    async with page.expect_response(compose_url) as answer:
        await page.get_by_role("button", name=_("Send broadcast")).click()
    assert (await answer.value).status == 422
    await expect(page.locator("#error-texts-ru")).to_be_visible()
    await expect(text_field).to_have_value("1 < 2")
    assert await broadcasts_of(live, event.id) == []

    # At a time, in the event's zone; then cancelled.
    later = datetime.now(UTC).astimezone(ZoneInfo(event.timezone)) + timedelta(days=2)
    await text_field.fill("Напоминание: <b>завтра</b>")
    await page.get_by_label(_("Send at a time")).check()
    await page.get_by_label(_("Date and time ({zone})").format(zone=event.timezone)).fill(
        later.strftime("%Y-%m-%dT%H:%M")
    )
    await page.get_by_role("button", name=_("Send broadcast")).click()
    await page.wait_for_url("**/dashboard/broadcasts/*")
    await expect(page.locator("#broadcast-state")).to_have_text(_("Scheduled"))
    [stored] = await broadcasts_of(live, event.id)
    assert stored.send_at == later.replace(second=0, microsecond=0)
    await page.screenshot(path=screenshot_path("broadcast-scheduled-ru-desktop"), full_page=True)
    await page.get_by_role("button", name=_("Cancel the broadcast")).click()
    await expect(page.locator("#broadcast-state")).to_have_text(_("Cancelled by an organiser"))
    [stored] = await broadcasts_of(live, event.id)
    assert stored.state == "cancelled"

    # A form without the session's CSRF token is refused and stores nothing.
    form: dict[str, str | float | bool] = {
        "text_ru": "Привет",
        "status": "confirmed",
        "when": "now",
        "action": "send",
    }
    refused = await page.request.post(compose_url, form=form)
    assert refused.status == 403
    assert len(await broadcasts_of(live, event.id)) == 1

    # Another organiser: 403 on the page and on its form; the broadcast is not theirs.
    elsewhere = await make_programme(live.sessionmaker, unique_slug("dash"))
    other, _other = await organiser_signs_in(live, other_context, [elsewhere])
    response = await other.goto(compose_url)
    assert response is not None
    assert response.status == 403
    posted = await other.request.post(compose_url, form={**form, "csrf": await csrf_of(other)})
    assert posted.status == 403
    previewed = await other.request.post(
        compose_url + "/preview", form={**form, "csrf": await csrf_of(other)}
    )
    assert previewed.status == 403
    # A broadcast of another programme reads as none (ids cannot be probed), as in the API.
    report = await other.goto(base + f"/dashboard/broadcasts/{stored.id}")
    assert report is not None
    assert report.status == 404
    assert len(await broadcasts_of(live, event.id)) == 1

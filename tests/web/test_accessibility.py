"""Basic accessibility, checked in the browser on every kind of page: each control has a
label (its own ``<label>``, ``aria-label``, or text for a button or link), each one is
reached with the Tab key, and the dark theme follows the system's preference."""

import pytest
from playwright.async_api import BrowserContext, Page

from tests.bot.conftest import Live, on_sqlite
from tests.bot.process import make_programme, unique_slug
from tests.web.browsing import organiser_signs_in
from tests.web.test_pages import crowded_event

pytestmark = pytest.mark.asyncio(loop_scope="session")

UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea, button, a[href]")]
  .filter(el => el.type !== "hidden" && el.offsetParent !== null)
  .filter(el => {
    const named = (el.labels && el.labels.length) || el.getAttribute("aria-label")
      || ((el.tagName === "BUTTON" || el.tagName === "A") && el.textContent.trim());
    return !named;
  })
  .map(el => el.outerHTML.slice(0, 120))"""

CONTROLS = """() => [...document.querySelectorAll("input, select, textarea, button, a[href]")]
  .filter(el => el.type !== "hidden" && el.offsetParent !== null && !el.disabled).length"""

FOCUSED = """() => { const el = document.activeElement;
  return el && el !== document.body ? el.outerHTML.slice(0, 80) : null; }"""


async def tab_through(page: Page) -> int:
    """How many different controls the Tab key reaches before it comes round again."""
    seen: list[str] = []
    for _ in range(200):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(FOCUSED)
        if focused is None:
            continue
        if seen and focused == seen[0]:
            break
        seen.append(focused)
    return len(set(seen))


@on_sqlite
async def test_every_control_is_labelled_and_reached_by_keyboard(
    live: Live, context: BrowserContext
) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    event_id, ids = await crowded_event(live, programme, people=4)
    page, _person = await organiser_signs_in(live, context, [programme])
    # The Content-Security-Policy refuses nothing the pages themselves use.
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    base = live.process.base_url
    for path in (
        "/dashboard",
        f"/dashboard/events/{event_id}",
        f"/dashboard/events/{event_id}/registrations/{ids[0]}",
        "/dashboard/check-in",
    ):
        await page.goto(base + path)
        assert await page.evaluate(UNLABELLED) == [], path
        # The language picker's button is hidden with JavaScript on (the picker sends itself).
        assert await tab_through(page) >= await page.evaluate(CONTROLS), path
    assert refused == []


@on_sqlite
async def test_the_dark_theme_follows_the_system(live: Live, context: BrowserContext) -> None:
    programme = await make_programme(live.sessionmaker, unique_slug("dash"))
    page, _person = await organiser_signs_in(live, context, [programme])
    await page.emulate_media(color_scheme="dark")
    assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == (
        "rgb(13, 17, 23)"
    )
    await page.emulate_media(color_scheme="light")
    assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == (
        "rgb(255, 255, 255)"
    )

"""The dashboard in a real browser against the real ``redbridge serve`` process.

One headless Chromium (Debian's ``chromium``, driven by Playwright; ``make browser``
installs it, and a missing browser fails the run) per pytest-xdist worker, and the bot
process of the dialogue tests (``live_stack``: the emulator, demo data, a database of
each backend), so that sign-in starts where an organiser starts: /dashboard in the bot.

Every test gets a fresh browser context (its own cookies) from :func:`page`; screenshots
go to ``$REDBRIDGE_SCREENSHOTS`` or ``build/screenshots`` and are listed at the end.
"""

import contextlib
import os
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, async_playwright

from tests.bot.conftest import live, live_stack  # noqa: F401 (fixtures used here)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = Path(os.environ.get("REDBRIDGE_SCREENSHOTS") or ROOT / "build" / "screenshots")
# When this run started: the screenshots listed at the end are the ones it wrote (the
# summary runs in the controller, the screenshots are taken by pytest-xdist workers).
_STARTED = time.time()


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    taken = (
        sorted(path for path in SCREENSHOTS.glob("*.png") if path.stat().st_mtime >= _STARTED)
        if SCREENSHOTS.is_dir()
        else []
    )
    if taken:
        terminalreporter.write_line(f"Dashboard screenshots in {SCREENSHOTS}:")
        for path in taken:
            terminalreporter.write_line(f"  {path.name}")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.fail(
            f"{CHROMIUM} is missing: run `make browser` (Debian package chromium)",
            pytrace=False,
        )
    async with async_playwright() as playwright:
        # Playwright gives every launch a fresh temporary profile (user data dir).
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            await browser.close()


@contextlib.asynccontextmanager
async def fresh_context(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    # Nothing from the internet: Telegram's script is served by the test when it needs it.
    await context.route("https://**/*", lambda route: route.abort())
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        await context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile for one test: no cookies of another test."""
    async with fresh_context(browser) as context:
        yield context


@pytest_asyncio.fixture(loop_scope="session")
async def other_context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A second profile, for a second person at the same time."""
    async with fresh_context(browser) as context:
        yield context

"""Text contrast of the dashboard's two themes, computed from its CSS: every pair of a
text colour and the background it is written on reaches WCAG 2.1 AA (4.5:1; the focus
ring, not text, 3:1). Telegram's own theme colours replace these inside Telegram."""

import re
from pathlib import Path

import pytest

from tests.web.wcag import contrast

CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "dashboard.css"

# (text, background) as the stylesheet uses them.
TEXT_PAIRS = [
    ("--fg", "--bg"),
    ("--muted", "--bg"),
    ("--link", "--bg"),  # links, and the text of secondary buttons
    ("--bad", "--bg"),  # refusal notices
    ("--button-fg", "--button-bg"),
    ("--fg", "--card"),
    ("--muted", "--card"),
    ("--link", "--card"),
    ("--ok", "--card"),  # check-in results sit on the card colour
    ("--warn", "--card"),
    ("--bad", "--card"),
]
NON_TEXT_PAIRS = [("--focus", "--bg"), ("--warn", "--bg")]  # focus ring, attention bar


def themes() -> dict[str, dict[str, str]]:
    css = CSS.read_text(encoding="utf-8")
    light = css.split("@media (prefers-color-scheme: dark)", 1)[0]
    dark = css.split("@media (prefers-color-scheme: dark)", 1)[1].split("\n}\n", 1)[0]
    pattern = re.compile(r"(--[a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;")
    return {"light": dict(pattern.findall(light)), "dark": dict(pattern.findall(dark))}


def test_the_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_colour_reaches_aa_on_its_background(theme: str) -> None:
    colours = themes()[theme]
    assert {name for pair in TEXT_PAIRS + NON_TEXT_PAIRS for name in pair} <= set(colours)
    low = {
        f"{text} on {background}: {contrast(colours[text], colours[background]):.2f}"
        for text, background in TEXT_PAIRS
        if contrast(colours[text], colours[background]) < 4.5
    }
    low |= {
        f"{part} on {background}: {contrast(colours[part], colours[background]):.2f}"
        for part, background in NON_TEXT_PAIRS
        if contrast(colours[part], colours[background]) < 3
    }
    assert not low, low

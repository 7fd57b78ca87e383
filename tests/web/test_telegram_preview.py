"""The broadcast preview: any text Telegram accepts becomes HTML made only of our own
tags (a link only to http, https or tg), showing the same text the recipient reads."""

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings

from events.errors import InvalidInput
from events.telegram_html import LINK_SCHEMES, check_html, link_scheme, visible_text
from tests.events.test_telegram_html import _TEXTS, ACCEPTED
from web.telegram_preview import telegram_preview

OUR_TAGS = {"strong", "em", "u", "s", "span", "code", "pre", "blockquote", "a"}


class _Read(HTMLParser):
    """The tags and attributes of the preview, and the text it shows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(html: str) -> _Read:
    reader = _Read()
    reader.feed(html)
    reader.close()
    return reader


def _assert_safe_and_faithful(text: str) -> None:
    reader = _read(str(telegram_preview(text)))
    for tag, attrs in reader.tags:
        assert tag in OUR_TAGS, tag
        for name, value in attrs:
            if tag == "a" and name == "href":
                assert link_scheme(value or "") in LINK_SCHEMES
            else:
                assert (tag, name, value) in {
                    ("span", "class", "spoiler"),
                    ("a", "rel", "noopener noreferrer nofollow"),
                }
    assert "".join(reader.text).strip(" \t\r\n\v\f") == visible_text(text)


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_texts_preview_as_telegram_shows_them(text: str) -> None:
    _assert_safe_and_faithful(text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_whatever_passes_the_check_previews_safely(text: str) -> None:
    try:
        check_html(text)
    except InvalidInput:
        return
    _assert_safe_and_faithful(text)


def test_markup_in_text_and_links_stays_text() -> None:
    preview = str(
        telegram_preview('&lt;script&gt;x <a href="https://e.org/?a=1&amp;b=&quot;">y</a>')
    )
    assert preview == (
        '&lt;script&gt;x <a href="https://e.org/?a=1&amp;b=&quot;" '
        'rel="noopener noreferrer nofollow">y</a>'
    )

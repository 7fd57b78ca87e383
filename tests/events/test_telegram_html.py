"""Telegram HTML is checked before a broadcast is stored (events.telegram_html).

Besides examples, a property test holds the checker to the project's Telegram emulator
(emulator/html.py, a separate port of TDLib's parser): on any text both must accept and
refuse alike, and agree on what the recipient reads.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.errors import ApiError
from emulator.formatting import TEXT_LIMIT, format_text
from events.errors import InvalidInput
from events.telegram_html import UnsafeLink, check_html, visible_text

ACCEPTED = [
    "Hello",
    "<b>Bold</b> <strong>strong</strong> <i>i</i> <em>em</em> <u>u</u> <ins>ins</ins>",
    "<s>s</s> <strike>strike</strike> <del>del</del>",
    '<span class="tg-spoiler">spoiler</span> <tg-spoiler>too</tg-spoiler>',
    '<a href="https://example.org/?a=1&amp;b=2">link</a>',
    "<a href='https://example.org'>single quotes</a>",
    "<a>https://example.org</a>",
    "<code>x &lt; y</code>",
    '<pre><code class="language-python">print("hi")</code></pre>',
    "<pre>preformatted</pre>",
    "<blockquote>quoted</blockquote>",
    "<blockquote expandable>long quote</blockquote>",
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    "<B>upper-case start tag</b>",
    "<b>closed by</>",
    "<b><i>nested</i></b>",
    "Tom &amp; Jerry, 3 &lt; 4, 5 &gt; 4, &quot;quoted&quot;",
    "Ani & co, AT&T, &nbsp; &copy; stay literal",
    "&#60;b&#62; and &#x3c;i&#x3e; are text",
    "a > b is fine",
    "  Trimmed  \n",
    "Բարև Ձեզ, Salam, გამარჯობა, Привет 😀",
    "<b></b>text after an empty tag",
    '<tg-emoji emoji-id="oops"></tg-emoji>empty emoji tags are never checked',
    '<a href="not a link">kept as plain text</a>',
    '<a href="HTTPS://example.org">any case</a> <a href=" http://x.org ">spaces</a>',
    '<a href="tg://user?id=1">a mention</a> <a href="tg://resolve?domain=x">tg</a>',
    '<a href="example.org/path?q=a:b">no scheme: Telegram adds http://</a>',
    "<a>https://example.org/a:b</a>",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_telegram_accepts(text: str) -> None:
    check_html(text)


REFUSED = [
    ("3 < 4", "write &lt;"),
    ("x <", "write &lt;"),
    ("<div>block</div>", "<div> is not a tag Telegram supports"),
    ("<br>", "<br> is not a tag Telegram supports"),
    ("<b>never closed", "<b> is never closed"),
    ("<b><i>crossed</b></i>", "</b> closes <i>"),
    ("<B>upper-case end tag</B>", "</B> closes <b>"),
    ("closed</b>", "no opening tag"),
    ("<span>plain span</span>", 'only allowed as <span class="tg-spoiler">'),
    ('<span class="tg-other">x</span>', "tg-spoiler"),
    ("<a href>no value</a>", "needs a value"),
    ("<b class=a+b>x</b>", "needs quotes"),
    ('<a href="x"', "not closed"),
    ("<b", "not closed"),
    ('<tg-emoji emoji-id="oops">👍</tg-emoji>', "emoji-id"),
    ("&#xD800; is half a character", "surrogate"),
    ("", "empty"),
    ("   \n ", "empty"),
    ("<b> </b>", "empty"),
    ("a" * 4097, "4097 characters"),
]

UNSAFE_LINKS = [
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JavaScript:alert(1)">upper case</a>',
    "<a href='  javascript:alert(1)'>leading spaces</a>",
    '<a href="java\tscript:alert(1)">a tab inside</a>',
    '<a href="java\nscript:alert(1)">a line break inside</a>',
    '<a href="\x01javascript:alert(1)">a control character first</a>',
    '<a href="&#106;avascript:alert(1)">a decimal reference</a>',
    '<a href="&#x6A;avascript&#x3a;alert(1)">hex references</a>',
    '<a href="javascript&#58alert(1)">a reference without ;</a>',
    '<a href="data:text/html,<b>x</b>">data</a>',
    '<a href="vbscript:x">vbscript</a>',
    '<a href="file:///etc/passwd">file</a>',
    '<a href="mailto:x@example.org">mail</a>',
    "<a>javascript:alert(1)</a>",
    '<a href="">javascript:alert(1)</a>',
    '<b>fine</b> <a href="https://x.org">fine</a> <a href="javascript:x">not</a>',
    '<a href="javascript:x"></a>an empty link is refused all the same',
]


@pytest.mark.parametrize("text", UNSAFE_LINKS)
def test_links_other_than_http_https_and_tg_are_refused(text: str) -> None:
    with pytest.raises(UnsafeLink) as refused:
        check_html(text, "texts.en")
    assert refused.value.field == "texts.en"
    assert "http, https or tg" in refused.value.detail
    # Telegram itself would take the text (and drop the link): the refusal is ours.
    assert _emulator_shows(text) == visible_text(text)


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_telegram_refuses(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_html(text, "texts.hy")
    assert refused.value.field == "texts.hy"
    assert reason in refused.value.detail


def test_the_limit_counts_what_is_shown_not_the_markup() -> None:
    check_html("a" * 4096)
    check_html("<b>" + "a" * 4096 + "</b>")
    check_html("&amp;" * 4096)
    check_html("😀" * 4096)  # code points, not UTF-16 units
    with pytest.raises(InvalidInput):
        check_html("&amp;" * 4097)


def test_a_lower_limit_leaves_room_for_a_heading() -> None:
    check_html("a" * 100, limit=100)
    with pytest.raises(InvalidInput, match="at most 100"):
        check_html("a" * 101, limit=100)


def test_the_text_shown_has_references_decoded_and_tags_removed() -> None:
    shown = visible_text('  <b>Tom</b> &amp; <a href="https://x.org">Jerry</a> &copy; &#33;\n')
    assert shown == "Tom & Jerry &copy; !"


# Pieces that make tags, attributes and references likely, glued with arbitrary text.
_PIECES = [
    *("<", ">", "</", "/", "&", ";", "#", "#x", "=", '"', "'", " ", "\n", "\t", "\0"),
    *("b", "B", "i", "em", "strong", "u", "s", "del", "span", "tg-spoiler", "a", "code"),
    *("pre", "blockquote", "tg-emoji", "div", "br", "class", "CLASS", "href", "expandable"),
    *("emoji-id", "language-py", "tg-", "http://x.org", "5368324170671202286", "-1", "0"),
    *("60", "3c", "d800", "110000", "lt", "gt", "amp", "quot", "nbsp", ".", "-"),
    *("é", "😀", "Ани", "ქ", "<b>", "</b>", "<i>", "</i>", '<span class="tg-spoiler">'),
]
_TEXTS = st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=30).map("".join)


def _emulator_shows(text: str) -> str | None:
    """What the emulator would deliver for sendMessage, or None if it answers 400."""
    try:
        parsed = format_text(text, "HTML", None, lambda _user_id: None)
    except ApiError:
        return None
    return parsed.text if 1 <= len(parsed.text) <= TEXT_LIMIT else None


def _checker_shows(text: str) -> str | None:
    try:
        check_html(text)
    except UnsafeLink:
        # Refused on purpose although Telegram would take it: compare what it would show.
        return visible_text(text)
    except InvalidInput:
        return None
    return visible_text(text)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_the_checker_agrees_with_the_emulator(text: str) -> None:
    assert _checker_shows(text) == _emulator_shows(text)


@given(st.text(max_size=200))
def test_plain_text_without_markup_characters_is_taken_as_is(text: str) -> None:
    text = text.replace("<", "").replace("&", "").replace("\0", "")
    if text.strip(" \t\r\n\v\f"):
        assert visible_text(text) == text.strip(" \t\r\n\v\f")
        assert _emulator_shows(text) == visible_text(text)

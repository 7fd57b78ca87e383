"""Telegram's HTML parse mode, checked against TDLib's behaviour."""

import pytest

from emulator.errors import ApiError
from emulator.html import parse_html


def entities(source: str) -> list[tuple[str, int, int]]:
    return [(e["type"], e["offset"], e["length"]) for e in parse_html(source).entities]


def error(source: str) -> str:
    with pytest.raises(ApiError) as raised:
        parse_html(source)
    assert raised.value.error_code == 400
    return raised.value.description


def test_plain_text_and_nested_entities() -> None:
    parsed = parse_html("<b>Summer <i>school</i></b> 2027")
    assert parsed.text == "Summer school 2027"
    assert entities("<b>Summer <i>school</i></b> 2027") == [("bold", 0, 13), ("italic", 7, 6)]


def test_offsets_are_utf16_code_units() -> None:
    # An emoji outside the BMP counts as two units; Armenian letters as one.
    assert entities("🎉 <b>Բարև</b>") == [("bold", 3, 4)]


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("&lt;b&gt; &amp; &quot;", '<b> & "'),
        ("&#60;&#x3c;&#1329;", "<<Ա"),
        ("&lt without semicolon", "< without semicolon"),
        ("Ani & co", "Ani & co"),  # a bare & is kept, as TDLib does
        ("AT&T &nbsp; &copy;", "AT&T &nbsp; &copy;"),  # unknown named references stay literal
        ("5 > 3", "5 > 3"),  # so does a bare >
    ],
)
def test_character_references(source: str, text: str) -> None:
    assert parse_html(source).text == text


def test_html_looking_name_is_accepted_and_rendered_bold() -> None:
    """The injection the issue warns about: no error, but the name turns into markup."""
    parsed = parse_html("Hello, <b>Ani</b> & co!")
    assert parsed.text == "Hello, Ani & co!"
    assert entities("Hello, <b>Ani</b> & co!") == [("bold", 7, 3)]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<script>x</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("Ани <3 всем", 'Unsupported start tag "3" at byte offset 7'),
        ("Ани <3", "Unclosed start tag at byte offset 7"),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<B>x</B>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</B>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
    ],
)
def test_markup_errors_fail_the_whole_text(source: str, message: str) -> None:
    assert error(source).startswith(f"Bad Request: can't parse entities: {message}")


def test_supported_tags() -> None:
    source = (
        "<strong>b</strong><em>i</em><ins>u</ins><del>s</del><tg-spoiler>p</tg-spoiler>"
        '<span class="tg-spoiler">q</span><code>c</code><blockquote expandable>e</blockquote>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert [e[0] for e in entities(source)] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "spoiler",
        "code",
        "expandable_blockquote",
        "custom_emoji",
    ]


def test_pre_with_language() -> None:
    parsed = parse_html('<pre><code class="language-python">print(1)</code></pre>')
    assert parsed.entities == [{"type": "pre", "offset": 0, "length": 8, "language": "python"}]
    assert parse_html("<code>x</code>").entities == [{"type": "code", "offset": 0, "length": 1}]


def test_links() -> None:
    parsed = parse_html('<a href="https://t.me/redbridge_test_bot?start=x&amp;y">join</a>')
    assert parsed.entities[0]["url"] == "https://t.me/redbridge_test_bot?start=x&y"
    # An href that is no usable link loses its entity but keeps its text, as in Telegram.
    assert parse_html('<a href="javascript:alert(1)">x</a>') == parse_html("x")
    # An empty href links the text itself.
    assert parse_html("<a href=''>example.org</a>").entities[0]["url"] == "http://example.org"


def test_empty_end_tag_closes_innermost() -> None:
    assert entities("<b>x<i>y</></>") == [("bold", 0, 2), ("italic", 1, 1)]


def test_tag_names_and_unquoted_attributes_are_case_insensitive() -> None:
    assert entities("<B>x</b>") == [("bold", 0, 1)]
    assert parse_html("<a href=Example.ORG>x</a>").entities[0]["url"] == "http://example.org"
    # An unquoted value is an HTML name token: no ":" or "/" in it.
    assert "Unexpected end of name token at byte offset 8" in error("<a href=https://x.org>x</a>")

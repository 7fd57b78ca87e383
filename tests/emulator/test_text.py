"""Bot command detection and the text rules applied before storing a message."""

import pytest

from emulator.errors import ApiError
from emulator.formatting import format_text
from emulator.text import bot_command_entities, utf16_length


def commands(text: str) -> list[tuple[int, int]]:
    return [(e["offset"], e["length"]) for e in bot_command_entities(text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("/start", [(0, 6)]),
        ("/start e-summer-school-2027", [(0, 6)]),
        ("/start@redbridge_test_bot payload", [(0, 25)]),
        ("see /help and /language", [(4, 5), (14, 9)]),
        ("🎉 /help", [(3, 5)]),
        ("a/b", []),  # glued to a word
        ("/ space", []),
        ("http://x.org/path", []),
        ("/" + "a" * 65, []),  # commands are at most 64 characters
        ("/cmd@ab", []),  # bot usernames have at least 3
        ("/привет", []),  # only Latin letters, digits and _
    ],
)
def test_bot_commands(text: str, found: list[tuple[int, int]]) -> None:
    assert commands(text) == found


def test_utf16_length() -> None:
    assert utf16_length("Բարև") == 4
    assert utf16_length("🇦🇲") == 4


def test_surrounding_whitespace_is_trimmed_and_entities_follow() -> None:
    parsed = format_text("\n  <b>Ani</b> \n", "HTML", None, lambda _id: None)
    assert parsed.text == "Ani"
    assert parsed.entities == [{"type": "bold", "offset": 0, "length": 3}]


def test_parse_modes() -> None:
    assert format_text("<b>x</b>", None, None, lambda _id: None).text == "<b>x</b>"
    assert format_text("<b>x</b>", "html", None, lambda _id: None).text == "x"
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "rtf", None, lambda _id: None)
    with pytest.raises(ApiError, match="HTML only"):
        format_text("*x*", "MarkdownV2", None, lambda _id: None)

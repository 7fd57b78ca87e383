"""Long messages are cut into parts Telegram accepts, without breaking HTML."""

from hypothesis import given
from hypothesis import strategies as st

from bot.replies import MESSAGE_LIMIT, split_html
from bot.views import e


@given(st.lists(st.text(max_size=3000), min_size=1, max_size=8))
def test_parts_fit_and_keep_every_character(lines: list[str]) -> None:
    text = "\n".join(f"<b>{index}</b> {e(line)}" for index, line in enumerate(lines))
    parts = split_html(text)
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    for part in parts:
        # No entity or tag is cut in two.
        assert part.count("<b>") == part.count("</b>")
        tail = part[part.rfind("&") :] if "&" in part else ""
        assert not tail or ";" in tail


def test_a_short_message_stays_whole() -> None:
    assert split_html("<b>Forum</b>\nTbilisi") == ["<b>Forum</b>\nTbilisi"]

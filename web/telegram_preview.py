"""A broadcast's text as Telegram shows it, for the compose page's preview.

Only for text ``events.telegram_html.check_html`` has accepted. Each allowed Telegram tag
becomes a fixed HTML tag of ours (no attribute of the organiser's is copied but a
checked http/https/tg link), and all text is escaped: whatever the organiser typed, the
page gets no markup it did not choose itself.
"""

import re
from html import escape
from html.parser import HTMLParser

from markupsafe import Markup

from events.telegram_html import LINK_SCHEMES, link_scheme

# Telegram's tag -> the tag (and class) the preview uses.
_SHOWN = {
    "b": "<strong>",
    "strong": "<strong>",
    "i": "<em>",
    "em": "<em>",
    "u": "<u>",
    "ins": "<u>",
    "s": "<s>",
    "strike": "<s>",
    "del": "<s>",
    "tg-spoiler": '<span class="spoiler">',
    "span": '<span class="spoiler">',
    "code": "<code>",
    "pre": "<pre>",
    "blockquote": "<blockquote>",
    # A custom emoji shows its fallback character, the text inside.
    "tg-emoji": "",
}


# Telegram decodes only these named references (and numeric ones); "&copy;" stays as
# typed, so the preview keeps it too rather than let the HTML parser decode it.
_LITERAL_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot)(?![A-Za-z])|#[xX]?[0-9a-fA-F])")
# "</>" closes the innermost tag in Telegram; the HTML parser would drop it.
_CLOSE_INNERMOST = re.compile(r"</[ \t\r\n\v\f]*>")
_INNERMOST = "tg-innermost"


def telegram_preview(text: str) -> Markup:
    """``text`` (accepted Telegram HTML) as safe HTML for a page."""
    parser = _Preview()
    text = _LITERAL_AMPERSAND.sub("&amp;", text)
    parser.feed(_CLOSE_INNERMOST.sub(f"</{_INNERMOST}>", text))
    parser.close()
    return Markup(parser.finish())


class _Preview(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[tuple[str, str]] = []  # (Telegram's tag, our end tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href and link_scheme(href) in LINK_SCHEMES:
                self.out.append(f'<a href="{escape(href)}" rel="noopener noreferrer nofollow">')
                self.open.append((tag, "</a>"))
            else:
                self.open.append((tag, ""))
            return
        start = _SHOWN.get(tag)
        if start is None:
            return
        self.out.append(start)
        self.open.append((tag, _end_of(start)))

    def handle_endtag(self, tag: str) -> None:
        if tag == _INNERMOST and self.open:
            self.out.append(self.open.pop()[1])
            return
        if not any(name == tag for name, _ in self.open):
            return
        while self.open:
            name, end = self.open.pop()
            self.out.append(end)
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))

    def finish(self) -> str:
        while self.open:
            self.out.append(self.open.pop()[1])
        return "".join(self.out).strip(" \t\r\n\v\f")


def _end_of(start: str) -> str:
    return f"</{start[1:].split()[0].rstrip('>')}>" if start else ""

"""A ``Figure`` drawn as SVG: horizontal bars, 360 units wide (the narrowest phone the
dashboard serves), scaled by the viewBox.

Readable without colour: each series has its own pattern as well as its colour, the
legend names them, every bar's numbers are written beside it, the quota is a solid line
and the target a dashed one, each also written out. Text takes the page's own text
colour (``currentColor``), so it is as readable as the page in every theme; the series
colours are CSS custom properties whose fallbacks keep at least 3:1 (WCAG's contrast for
graphics) against light and dark backgrounds alike.
"""

import html
import re
from collections.abc import Iterator

from web.chart_model import ChartText, Figure, Row

WIDTH = 360
PAD = 8
PLOT = WIDTH - 2 * PAD
BAR_HEIGHT = 16
BAR_TOP = 17  # below the row's label
# A count too small for the scale still shows as a sliver, not as nothing.
MIN_BAR = 0.5
# Legend samples that are not a series.
QUOTA, TARGET = -1, -2
_IDENT = re.compile(r"[A-Za-z0-9_-]*")

# (CSS custom property, fallback): the page's themes set the properties.
PALETTE: tuple[tuple[str, str], ...] = (
    ("--chart-1", "#2f74d0"),
    ("--chart-2", "#c2571a"),
    ("--chart-3", "#188a6e"),
    ("--chart-4", "#9b59d0"),
)
MARK = ("--chart-mark", "#ffffff")

# Marks over the colour, one kind per series: none, stripes, dots, cross-hatching.
_MARKS = (
    "",
    '<path d="M-1 1L1-1M0 6L6 0M5 7L7 5" stroke="{mark}" stroke-width="1.5"/>',
    '<circle cx="3" cy="3" r="1.3" fill="{mark}"/>',
    '<path d="M0 3H6M3 0V6" stroke="{mark}" stroke-width="1.2"/>',
)

# Characters XML 1.0 does not allow (a few controls, lone surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Characters that fit a line, at an average glyph width; Georgian and Armenian glyphs
# are wider than Latin ones, hence the margin.
TITLE_CHARS = 40
LABEL_CHARS = 40
LEGEND_CHARS = 24
NOTE_CHARS = 60
NOTE_SERIES_CHARS = 14


def escape(text: str) -> str:
    """Text as it may stand in SVG content or a quoted attribute."""
    return html.escape(_NOT_XML.sub("\ufffd", text), quote=True)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fmt(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zeros."""
    written = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if written == "-0" else written


def colour(index: int) -> str:
    name, fallback = PALETTE[index % len(PALETTE)]
    return f"var({name},{fallback})"


def _pattern(ident: str, index: int) -> str:
    marks = _MARKS[index % len(_MARKS)].format(mark=f"var({MARK[0]},{MARK[1]})")
    return (
        f'<pattern id="{ident}-p{index}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{colour(index)}"/>{marks}</pattern>'
    )


def _text(x: float, y: float, words: str, extra: str = "") -> str:
    return f'<text x="{fmt(x)}" y="{fmt(y)}"{extra}>{escape(words)}</text>'


def _titled(full: str, shown: str, drawn: str) -> str:
    """An element, with the full text as its tooltip when what is shown is shortened."""
    if full == shown:
        return drawn
    return f"<g><title>{escape(full)}</title>{drawn}</g>"


def segments_words(figure: Figure, row: Row, text: ChartText, limit: int = 0) -> str:
    """The row's count per series, as in "Women 5 · Men 4", where it has several."""
    # One count, or one series with a count, is the row's total, written already.
    if sum(1 for value in row.values if value) < 2:
        return ""
    return " · ".join(
        f"{shorten(series.label, limit) if limit else series.label} {text.number(value)}"
        for series, value in zip(figure.series, row.values, strict=True)
        if value
    )


def markers_words(row: Row, text: ChartText) -> str:
    """The row's quota and target, as in "quota 12 · target 8–10"."""
    words = []
    if row.quota is not None:
        words.append(f"{text.quota} {text.number(row.quota)}")
    if row.target is not None:
        words.append(f"{text.target} {row.target.words(text)}")
    return " · ".join(words)


def describe(figure: Figure, text: ChartText) -> str:
    """The chart in words, for its ``<desc>`` (what a screen reader says)."""
    if figure.is_empty:
        return f"{figure.title}. {text.no_data}"
    rows = []
    for row in figure.rows:
        words = f"{row.label}: {text.number(row.total)}"
        split = segments_words(figure, row, text)
        if split:
            words += f" ({split})"
        markers = markers_words(row, text)
        if markers:
            words += f", {markers}"
        rows.append(words)
    return f"{figure.title}. {'; '.join(rows)}."


def _swatch(kind: int, ident: str, x: float, y: float) -> str:
    """A legend's sample: series ``kind`` (0, 1, …), or the quota (-1) or target (-2)."""
    if kind >= 0:
        return (
            f'<rect class="rb-swatch" x="{fmt(x)}" y="{fmt(y)}" width="12" height="12" '
            f'fill="url(#{ident}-p{kind})" stroke="currentColor" stroke-width=".5"/>'
        )
    if kind == QUOTA:
        return (
            f'<path d="M{fmt(x + 6)} {fmt(y - 1)}v14" stroke="currentColor" stroke-width="2.5"/>'
        )
    return (
        f'<path d="M{fmt(x + 6)} {fmt(y - 1)}v14" stroke="currentColor" stroke-width="1.5" '
        f'stroke-dasharray="3 2"/>'
    )


def _legend(figure: Figure, text: ChartText, ident: str, top: float) -> tuple[list[str], float]:
    """The series' samples and names, and the quota's and target's lines, two a line."""
    items = [(index, series.label) for index, series in enumerate(figure.series)]
    if figure.has_quota:
        items.append((QUOTA, text.quota))
    if figure.has_target:
        items.append((TARGET, text.target))
    drawn: list[str] = []
    y = top
    for position, (kind, label) in enumerate(items):
        x = PAD if position % 2 == 0 else WIDTH / 2
        if position and position % 2 == 0:
            y += 16
        shown = shorten(label, LEGEND_CHARS)
        sample = _swatch(kind, ident, x, y)
        drawn.append(
            _titled(label, shown, sample + _text(x + 17, y + 10, shown, ' font-size="11"'))
        )
    return drawn, y + 20


def _row(
    figure: Figure, row: Row, text: ChartText, ident: str, scale: float, top: float
) -> tuple[str, int]:
    """One row at ``top`` (its parts placed from the row's own top), and its height."""
    label = shorten(row.label, LABEL_CHARS)
    title = "" if label == row.label else f"<title>{escape(row.label)}</title>"
    total = text.number(row.total)
    drawn = [
        _text(PAD, 12, label),
        _text(WIDTH - PAD, 12, total, ' class="rb-total" text-anchor="end" font-weight="bold"'),
        # Bars and markers share the text's colour for their outlines.
        '<g stroke="currentColor" stroke-width=".5">',
    ]
    x = float(PAD)
    for index, value in enumerate(row.values):
        if value <= 0:
            continue
        width = max(round(value * scale, 1), MIN_BAR)
        drawn.append(
            f'<rect class="rb-bar rb-s{index}" x="{fmt(x)}" y="{BAR_TOP}" width="{fmt(width)}" '
            f'height="{BAR_HEIGHT}" fill="url(#{ident}-p{index})" data-value="{value}"/>'
        )
        x += width
    # The zero line: an empty bar still shows where it starts.
    drawn.append(f'<path d="M{PAD} {BAR_TOP - 2}v{BAR_HEIGHT + 4}" stroke-width="1"/>')
    drawn.extend(_markers(row, scale))
    drawn.append("</g>")
    y = BAR_TOP + BAR_HEIGHT
    for line in _note_lines(figure, row, text):
        y += 13
        drawn.append(_text(PAD, y, line, ' font-size="10"'))
    place = f'transform="translate(0 {fmt(top)})"'
    return f'<g class="rb-row" {place}>{title}{"".join(drawn)}</g>', y + 10


def _markers(row: Row, scale: float) -> Iterator[str]:
    """The target, dashed (a box over its range, or a line), and the quota, solid."""
    top, height = BAR_TOP - 3, BAR_HEIGHT + 6
    if row.target is not None:
        low, high = row.target.low, row.target.high
        low = None if low is None else max(low, 0)
        high = None if high is None else max(high, 0)
        if low is not None and high is not None and high > low:
            yield (
                f'<rect class="rb-target" x="{fmt(PAD + low * scale)}" y="{top}" '
                f'width="{fmt((high - low) * scale)}" height="{height}" fill="none" '
                f'stroke-width="1.5" stroke-dasharray="3 2"/>'
            )
        else:
            at = low if low is not None else high or 0
            yield (
                f'<path class="rb-target" d="M{fmt(PAD + at * scale)} {top}v{height}" '
                f'stroke-width="1.5" stroke-dasharray="3 2"/>'
            )
    if row.quota is not None:
        yield (
            f'<path class="rb-quota" d="M{fmt(PAD + max(row.quota, 0) * scale)} {top}v{height}" '
            f'stroke-width="2.5"/>'
        )


def _note_lines(figure: Figure, row: Row, text: ChartText) -> list[str]:
    split = segments_words(figure, row, text, NOTE_SERIES_CHARS)
    markers = markers_words(row, text)
    lines = [line for line in (split, markers) if line]
    if len(lines) == 2 and len(split) + len(markers) + 3 <= NOTE_CHARS:
        return [f"{split} · {markers}"]
    return lines


def render(figure: Figure, text: ChartText, id_prefix: str = "") -> str:
    """The figure as an SVG element to inline in a page; ``id_prefix`` keeps its ids
    apart from another drawing of the same figure on one page."""
    if not _IDENT.fullmatch(id_prefix):
        raise ValueError("id_prefix takes letters, digits, '-' and '_' only")
    ident = f"{id_prefix}rb-{figure.key}"
    title = shorten(figure.title, TITLE_CHARS)
    body = [_text(PAD, 18, title, ' font-size="14" font-weight="bold"')]
    y = 30.0
    defs = ""
    if figure.is_empty:
        body.append(_text(WIDTH / 2, 52, text.no_data, ' class="rb-empty" text-anchor="middle"'))
        y = 66
    else:
        defs = (
            "<defs>" + "".join(_pattern(ident, i) for i in range(len(figure.series))) + "</defs>"
        )
        legend, y = _legend(figure, text, ident, y)
        body.extend(legend)
        reach = max(row.reach for row in figure.rows)
        scale = PLOT / reach
        for row in figure.rows:
            drawn, row_height = _row(figure, row, text, ident, scale, y)
            body.append(drawn)
            y += row_height
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rb-chart rb-{figure.key}" '
        f'viewBox="0 0 {WIDTH} {fmt(y)}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" font-family="system-ui,sans-serif" '
        f'font-size="12" fill="currentColor">'
        f'<title id="{ident}-t">{escape(figure.title)}</title>'
        f'<desc id="{ident}-d">{escape(describe(figure, text))}</desc>'
        f"{defs}{''.join(body)}</svg>"
    )

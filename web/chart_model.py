"""What a balance chart shows, before it is drawn: rows of counts split into series, each
row with its quota and target. The SVG (``web.chart_svg``) and the plain data table
(``web.charts.table_of``) are both read from one ``Figure``, so they always agree.

Every word comes in already translated (``ChartText``): the charts need no catalogue.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ChartText:
    """The words and formatters of the reader's language. ``number`` formats a count
    (Babel's ``format_decimal`` in the reader's locale); ``country_name`` names an ISO
    country code (``events.countries.country_name`` with the reader's language).

    ``genders``, ``statuses`` and ``age_bands`` are keyed by the stable keys of the
    statistics (``female``, ``confirmed``, ``18_24``, …); a key without a text shows as
    itself, which a test of the page catches rather than a blank."""

    number: Callable[[int], str]
    country_name: Callable[[str], str]
    country_gender_title: str
    gender_title: str
    age_title: str
    first_timers_title: str
    funnel_title: str
    # column headings of the data tables
    country: str
    gender: str
    age: str
    status: str
    people: str
    total: str
    # markers and the empty state
    quota: str
    target: str
    no_data: str
    # row names
    unspecified: str
    other_ages: str
    first_timer: str
    returning: str
    registrations: str
    # the funnel's two kinds of row: steps reached, and where people are now
    funnel_step: str
    funnel_now: str
    genders: Mapping[str, str]
    statuses: Mapping[str, str]
    age_bands: Mapping[str, str]

    def range(self, low: int, high: int) -> str:
        return self.number(low) if low == high else f"{self.number(low)}–{self.number(high)}"


@dataclass(frozen=True)
class Series:
    """One kind of count in a figure (a gender, a funnel step); ``key`` is stable and
    picks the series' colour and pattern."""

    key: str
    label: str


@dataclass(frozen=True)
class Target:
    """A target as bounds in seats: at least ``low``, at most ``high`` (either open)."""

    low: int | None = None
    high: int | None = None

    def words(self, text: ChartText) -> str:
        if self.low is not None and self.high is not None:
            return text.range(self.low, self.high)
        if self.low is not None:
            return f"≥ {text.number(self.low)}"
        return f"≤ {text.number(self.high or 0)}"

    @property
    def reach(self) -> int:
        return max(self.low or 0, self.high or 0)


@dataclass(frozen=True)
class Row:
    """One bar: its label and one count per series of the figure (in their order)."""

    label: str
    values: tuple[int, ...]
    quota: int | None = None
    target: Target | None = None

    @property
    def total(self) -> int:
        return sum(self.values)

    @property
    def reach(self) -> int:
        """How far along the scale this row needs to go: its bar and its markers."""
        return max(self.total, self.quota or 0, self.target.reach if self.target else 0)


@dataclass(frozen=True)
class Figure:
    """A horizontal bar chart: ``key`` names it (element ids and CSS classes);
    ``heading`` is the table's first column heading."""

    key: str
    title: str
    heading: str
    series: tuple[Series, ...]
    rows: tuple[Row, ...]

    @property
    def is_empty(self) -> bool:
        return not any(row.total for row in self.rows)

    @property
    def has_quota(self) -> bool:
        return any(row.quota is not None for row in self.rows)

    @property
    def has_target(self) -> bool:
        return any(row.target is not None for row in self.rows)


@dataclass(frozen=True)
class DataTable:
    """The figure's numbers as a plain table, every cell already text (not escaped: the
    page's template escapes it)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

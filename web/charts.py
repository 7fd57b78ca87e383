"""The Balance page's charts: pure functions from counts, quotas and targets to SVG and to
plain data tables. No database, no catalogue: the page loads the data and passes the
reader's words (``ChartText``).

Each chart is built as a ``Figure`` first, then drawn (``svg``) and tabulated
(``table_of``) from that same figure:

- ``country_gender_figure``: seats per country, split by gender, against each country's
  quota and share target;
- ``gender_figure``: seats per gender against the gender quotas and parity;
- ``age_figure``: seats per age band against the age-band targets;
- ``first_timers_figure``: first-timers and returning people against their target;
- ``funnel_figure``: registrations → confirmed → attended, and where the others are now.

The seat charts take the people who hold seats (or a proposal's selection) as
``events.selection.Applicant`` — ``events.applicants.load_applications(session, event,
SEAT_HOLDING)``, then ``.applicant()`` of each — because the statistics count country
and gender separately, and the targets' own age bands need each person's age.
"""

from collections import Counter
from collections.abc import Iterable, Mapping

from events.enums import RegistrationStatus
from events.seats import SeatLimits
from events.selection import Applicant
from events.statistics import AGE_BANDS, UNSPECIFIED, Balance, age_band
from events.targets import SelectionTargets
from web.chart_model import ChartText, DataTable, Figure, Row, Series, Target
from web.chart_svg import render

__all__ = [
    "ChartText",
    "DataTable",
    "Figure",
    "age_figure",
    "country_gender_figure",
    "first_timers_figure",
    "funnel_figure",
    "gender_figure",
    "svg",
    "table_of",
]

FEMALE, MALE, OTHER = "female", "male", "other"
_GENDERS = (FEMALE, MALE, OTHER)
_NO_TARGETS = SelectionTargets()


def svg(figure: Figure, text: ChartText, id_prefix: str = "") -> str:
    """The figure as an inline SVG element (``role="img"`` with a ``<title>`` and a
    ``<desc>`` in words), every text escaped; the same input gives the same bytes.
    ``id_prefix`` separates the ids of two drawings of one figure on a page."""
    return render(figure, text, id_prefix)


def table_of(figure: Figure, text: ChartText) -> DataTable:
    """The figure's numbers as a table the page renders beside (or instead of) it."""
    several = len(figure.series) > 1
    header = [figure.heading]
    if several:
        header += [series.label for series in figure.series]
    header.append(text.total if several else figure.series[0].label)
    if figure.has_quota:
        header.append(text.quota)
    if figure.has_target:
        header.append(text.target)
    rows = []
    for row in figure.rows:
        cells = [row.label]
        if several:
            cells += [text.number(value) for value in row.values]
        cells.append(text.number(row.total))
        if figure.has_quota:
            cells.append("" if row.quota is None else text.number(row.quota))
        if figure.has_target:
            cells.append("" if row.target is None else row.target.words(text))
        rows.append(tuple(cells))
    return DataTable(figure.title, tuple(header), tuple(rows))


def _gender(person: Applicant) -> str:
    return person.gender or UNSPECIFIED


def _genders_shown(present: Iterable[str], also: Iterable[str] = ()) -> list[str]:
    """Women and men always, then whichever other genders occur, in a fixed order."""
    seen = {*present, *also}
    rest = sorted(seen - {*_GENDERS, UNSPECIFIED})
    return [FEMALE, MALE, *(g for g in (OTHER, *rest, UNSPECIFIED) if g in seen)]


def _gender_label(gender: str, text: ChartText) -> str:
    return text.unspecified if gender == UNSPECIFIED else text.genders.get(gender, gender)


def _quota(quotas: Mapping[str, object], key: str) -> int | None:
    value = quotas.get(key)
    return value if isinstance(value, int) else None


def country_gender_figure(
    people: Iterable[Applicant],
    text: ChartText,
    limits: SeatLimits | None = None,
    targets: SelectionTargets | None = None,
) -> Figure:
    """One bar per country (those with people, a quota or a share target), stacked by
    gender, with the country's quota and its share ± tolerance as the target."""
    counts: dict[str, Counter[str]] = {}
    for person in people:
        counts.setdefault(person.country or UNSPECIFIED, Counter())[_gender(person)] += 1
    quotas = limits.country_quotas if limits else {}
    shares = (targets or _NO_TARGETS).country_shares
    share_seats = shares.seats if shares else {}
    countries = {*counts, *quotas, *share_seats}
    genders = _genders_shown(g for c in counts.values() for g in c)

    def name(code: str) -> str:
        return text.unspecified if code == UNSPECIFIED else text.country_name(code)

    rows = []
    for code in sorted(countries, key=lambda code: (code == UNSPECIFIED, name(code), code)):
        target = None
        if shares is not None and code in share_seats:
            seats = share_seats[code]
            target = Target(max(0, seats - shares.tolerance), seats + shares.tolerance)
        held = counts.get(code, Counter())
        values = tuple(held[g] for g in genders)
        rows.append(Row(name(code), values, _quota(quotas, code), target))
    series = tuple(Series(g, _gender_label(g, text)) for g in genders)
    return Figure("country-gender", text.country_gender_title, text.country, series, tuple(rows))


def gender_figure(
    people: Iterable[Applicant],
    text: ChartText,
    limits: SeatLimits | None = None,
    targets: SelectionTargets | None = None,
) -> Figure:
    """One bar per gender, with its quota, and for women and men the parity target:
    within the tolerance of an equal split, widened by one seat for each person who did
    not state either (``events.targets``)."""
    counts = Counter(_gender(person) for person in people)
    quotas = limits.gender_quotas if limits else {}
    genders = _genders_shown(counts, (g for g in quotas if g in _GENDERS))
    parity = (targets or _NO_TARGETS).gender_parity
    rows = []
    for index, gender in enumerate(genders):
        target = None
        if parity is not None and gender in (FEMALE, MALE):
            pair = counts[FEMALE] + counts[MALE]
            slack = 2 * parity.tolerance + sum(
                n for g, n in counts.items() if g not in (FEMALE, MALE)
            )
            # |women - men| <= slack, with women + men = pair
            target = Target(max(0, -(-(pair - slack) // 2)), (pair + slack) // 2)
        values = tuple(counts[gender] if i == index else 0 for i in range(len(genders)))
        rows.append(Row(_gender_label(gender, text), values, _quota(quotas, gender), target))
    series = tuple(Series(g, _gender_label(g, text)) for g in genders)
    return Figure("gender", text.gender_title, text.gender, series, tuple(rows))


def age_figure(
    people: Iterable[Applicant], text: ChartText, targets: SelectionTargets | None = None
) -> Figure:
    """Seats per age band: the targets' bands, each with its "at most", and one row for
    everyone else; without band targets, the statistics' bands (``AGE_BANDS``)."""
    bands = sorted((targets or _NO_TARGETS).age_bands, key=lambda band: band.min_age)
    ages = [person.age for person in people]
    rows: list[Row] = []
    if bands:
        inside = [0] * len(bands)
        others = 0
        for age in ages:
            index = next(
                (
                    i
                    for i, b in enumerate(bands)
                    if age is not None and b.min_age <= age <= b.max_age
                ),
                None,
            )
            if index is None:
                others += 1
            else:
                inside[index] += 1
        for band, number in zip(bands, inside, strict=True):
            label = text.range(band.min_age, band.max_age)
            rows.append(Row(label, (number,), target=Target(high=band.at_most)))
        rows.append(Row(text.other_ages, (others,)))
    else:
        counts = Counter(age_band(age) for age in ages)
        for key, _lowest, _highest in AGE_BANDS:
            rows.append(Row(text.age_bands.get(key, key), (counts[key],)))
        if counts[UNSPECIFIED]:
            rows.append(Row(text.unspecified, (counts[UNSPECIFIED],)))
    series = (Series("people", text.people),)
    return Figure("age", text.age_title, text.age, series, tuple(rows))


def first_timers_figure(
    people: Iterable[Applicant], text: ChartText, targets: SelectionTargets | None = None
) -> Figure:
    """First-timers (with their "at least" target) and returning people."""
    first = returning = 0
    for person in people:
        if person.first_timer:
            first += 1
        else:
            returning += 1
    wanted = (targets or _NO_TARGETS).first_timers
    target = None if wanted is None else Target(low=wanted.at_least)
    rows = (Row(text.first_timer, (first,), target=target), Row(text.returning, (returning,)))
    series = (Series("people", text.people),)
    return Figure("first-timers", text.first_timers_title, text.people, series, rows)


# Where the people who did not (yet) reach the end are now, in the order of the funnel.
_NOW = (
    RegistrationStatus.APPLIED,
    RegistrationStatus.OFFERED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.NO_SHOW,
    RegistrationStatus.REJECTED,
    RegistrationStatus.CANCELLED,
)
_CONFIRMED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.ATTENDED,
    RegistrationStatus.NO_SHOW,
)


def funnel_figure(balance: Balance, text: ChartText) -> Figure:
    """Steps: every registration, those confirmed (still, or since attended or not
    shown up), those who attended; then each other status that has people. The
    statistics keep only each person's current status, so someone who cancelled after
    being confirmed counts as cancelled, not as confirmed."""
    by_status = balance.by_status
    statuses = text.statuses
    steps = (
        (text.registrations, sum(by_status.values())),
        (
            statuses.get(RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED),
            sum(by_status.get(s, 0) for s in _CONFIRMED),
        ),
        (
            statuses.get(RegistrationStatus.ATTENDED, RegistrationStatus.ATTENDED),
            by_status.get(RegistrationStatus.ATTENDED, 0),
        ),
    )
    rows = [Row(label, (number, 0)) for label, number in steps]
    rows += [
        Row(statuses.get(status, status), (0, by_status[status]))
        for status in _NOW
        if by_status.get(status, 0)
    ]
    series = (Series("step", text.funnel_step), Series("now", text.funnel_now))
    return Figure("funnel", text.funnel_title, text.status, series, tuple(rows))

"""The Balance page's charts: well-formed SVG that says its numbers in text, escapes what
it is given, scales its bars honestly and stays readable in light and dark themes."""

import math
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from events.countries import country_name
from events.enums import RegistrationStatus
from events.seats import SeatLimits
from events.selection import Applicant
from events.statistics import Balance
from events.targets import SelectionTargets
from tests.web.wcag import contrast
from web.chart_model import ChartText, Figure
from web.chart_svg import MARK, MIN_BAR, PAD, PALETTE, PLOT, WIDTH
from web.charts import (
    age_figure,
    country_gender_figure,
    first_timers_figure,
    funnel_figure,
    gender_figure,
    svg,
    table_of,
)

SVG = "{http://www.w3.org/2000/svg}"


def english(
    number: Callable[[int], str] | None = None,
    country: Callable[[str], str] | None = None,
    **words: str,
) -> ChartText:
    fields: dict[str, str] = {
        "country_gender_title": "Seats by country and gender",
        "gender_title": "Seats by gender",
        "age_title": "Seats by age",
        "first_timers_title": "First-timers",
        "funnel_title": "From registration to attendance",
        "country": "Country",
        "gender": "Gender",
        "age": "Age",
        "status": "Status",
        "people": "People",
        "total": "Total",
        "quota": "quota",
        "target": "target",
        "no_data": "No registrations yet",
        "unspecified": "Not stated",
        "other_ages": "Other ages",
        "first_timer": "First time",
        "returning": "Returning",
        "registrations": "All registrations",
        "funnel_step": "Reached this step",
        "funnel_now": "Status now",
    }
    fields.update(words)
    return ChartText(
        number=number or (lambda n: format_decimal(n, locale="en")),
        country_name=country or (lambda code: country_name(code, "en")),
        genders={"female": "Women", "male": "Men", "other": "Other"},
        statuses={
            "applied": "Applied",
            "confirmed": "Confirmed",
            "attended": "Attended",
            "waitlisted": "Waiting list",
            "offered": "Offered a seat",
            "rejected": "Not selected",
            "cancelled": "Cancelled",
            "no_show": "Did not come",
        },
        age_bands={
            "under_18": "Under 18",
            "18_24": "18–24",
            "25_30": "25–30",
            "31_35": "31–35",
            "36_and_over": "36 and over",
        },
        **fields,
    )


TEXT = english()
LIMITS = SeatLimits(36, {"AM": 14, "AZ": 14, "GE": 14, "TR": 3}, {"female": 20, "male": 20})
TARGETS = SelectionTargets.model_validate(
    {
        "gender_parity": {"tolerance": 1},
        "country_shares": {"seats": {"AM": 12, "AZ": 12, "GE": 12}, "tolerance": 1},
        "age_bands": [{"min_age": 18, "max_age": 24, "at_most": 20}],
        "first_timers": {"at_least": 15},
    }
)


def people_of(cells: dict[tuple[str | None, str | None], int]) -> list[Applicant]:
    """``count`` people per (country, gender), ages and first-timers in a fixed cycle."""
    ages = (17, 19, 23, 27, 33, None)
    people: list[Applicant] = []
    for (country, gender), count in cells.items():
        for _ in range(count):
            key = len(people)
            people.append(
                Applicant(key, gender, country, ages[key % len(ages)], first_timer=key % 3 != 0)
            )
    return people


PEOPLE = people_of(
    {
        ("AM", "female"): 6,
        ("AM", "male"): 5,
        ("AZ", "female"): 4,
        ("AZ", "male"): 7,
        ("AZ", None): 1,
        ("GE", "female"): 5,
        ("GE", "other"): 2,
        (None, "male"): 1,
    }
)
BALANCE = Balance(
    by_status={
        "applied": 9,
        "confirmed": 20,
        "waitlisted": 4,
        "offered": 1,
        "rejected": 3,
        "cancelled": 2,
        "attended": 10,
        "no_show": 1,
    }
)


def figures(
    people: Sequence[Applicant] = PEOPLE,
    text: ChartText = TEXT,
    balance: Balance = BALANCE,
    limits: SeatLimits | None = LIMITS,
    targets: SelectionTargets | None = TARGETS,
) -> list[Figure]:
    return [
        country_gender_figure(people, text, limits, targets),
        gender_figure(people, text, limits, targets),
        age_figure(people, text, targets),
        age_figure(people, text),
        first_timers_figure(people, text, targets),
        funnel_figure(balance, text),
    ]


def parse(drawn: str) -> ET.Element:
    root = ET.fromstring(drawn)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    """What the chart writes on screen, one string per <text>."""
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def bars(root: ET.Element) -> list[ET.Element]:
    return [n for n in root.iter(f"{SVG}rect") if "rb-bar" in n.get("class", "").split()]


def written(root: ET.Element) -> str:
    return "\n".join(texts(root))


# --- the shape of every chart ---


@pytest.mark.parametrize("index", range(6))
def test_a_chart_is_a_labelled_image_sized_by_its_view_box(index: int) -> None:
    figure = figures()[index]
    root = parse(svg(figure, TEXT))
    assert root.get("role") == "img"
    assert "width" not in root.attrib
    assert "height" not in root.attrib
    x, y, width, height = (float(v) for v in (root.get("viewBox") or "").split())
    assert (x, y, width) == (0, 0, WIDTH)
    assert 0 < height < 5000
    title, desc = root[0], root[1]
    assert title.tag == f"{SVG}title"
    assert title.text == figure.title
    assert desc.tag == f"{SVG}desc"
    assert (desc.text or "").startswith(figure.title)
    assert (root.get("aria-labelledby") or "").split() == [title.get("id"), desc.get("id")]


def test_ids_differ_between_charts_and_between_drawings_of_one() -> None:
    ids: list[str] = []
    for figure in figures()[:3]:
        for prefix in ("", "event-7-"):
            root = parse(svg(figure, TEXT, prefix))
            ids += [n.get("id") or "" for n in root.iter() if n.get("id")]
    assert len(ids) == len(set(ids))


def test_the_same_input_gives_the_same_bytes_whatever_the_order_of_people() -> None:
    shuffled = list(PEOPLE)
    random.Random(3).shuffle(shuffled)
    first = [svg(f, TEXT) for f in figures()]
    assert first == [svg(f, TEXT) for f in figures()]
    assert first == [svg(f, TEXT) for f in figures(shuffled)]


def test_ids_take_only_a_safe_prefix() -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        svg(figures()[0], TEXT, 'x" onload="alert(1)')


def test_a_count_too_small_for_the_scale_still_shows() -> None:
    figure = funnel_figure(Balance(by_status={"confirmed": 90_000, "waitlisted": 1}), TEXT)
    root = parse(svg(figure, TEXT))
    widths = {bar.get("data-value"): float(bar.get("width") or 0) for bar in bars(root)}
    assert widths["1"] == MIN_BAR
    assert widths["90000"] == PLOT
    assert "1" in texts(root)


def test_coordinates_carry_at_most_one_decimal() -> None:
    for figure in figures():
        drawn = svg(figure, TEXT)
        numbers = re.findall(r'(?:x|y|width|height|d)="([^"]*)"', drawn)
        assert numbers
        for value in numbers:
            assert not re.search(r"\.\d\d", value), value


# --- what the charts say ---


def test_country_chart_writes_every_count_quota_and_target() -> None:
    figure = country_gender_figure(PEOPLE, TEXT, LIMITS, TARGETS)
    root = parse(svg(figure, TEXT))
    shown = texts(root)
    # Countries by name, then the people without a country; a country with only a
    # quota (Turkey) still has its row.
    labels = [row.label for row in figure.rows]
    assert labels == ["Armenia", "Azerbaijan", "Georgia", "Türkiye", "Not stated"]
    assert [row.total for row in figure.rows] == [11, 12, 7, 0, 1]
    assert "Women 6 · Men 5 · quota 14 · target 11–13" in shown
    assert "Women 4 · Men 7 · Not stated 1 · quota 14 · target 11–13" in shown
    assert "quota 3" in shown
    for total in ("11", "12", "7", "0", "1"):
        assert total in shown
    # The legend, before the rows: each gender, then the two kinds of marker.
    assert shown[1:7] == ["Women", "Men", "Other", "Not stated", "quota", "target"]
    desc = root[1].text or ""
    assert "Armenia: 11 (Women 6 · Men 5), quota 14 · target 11–13" in desc


def test_each_series_has_its_own_pattern_not_only_its_own_colour() -> None:
    root = parse(svg(country_gender_figure(PEOPLE, TEXT, LIMITS, TARGETS), TEXT))
    patterns = list(root.iter(f"{SVG}pattern"))
    assert len(patterns) == 4
    marks = [tuple(ET.tostring(child) for child in list(p)[1:]) for p in patterns]
    assert len(set(marks)) == 4
    used = {bar.get("fill") for bar in bars(root)}
    assert used == {f"url(#{p.get('id')})" for p in patterns}


def test_targets_are_dashed_and_quotas_solid() -> None:
    root = parse(svg(country_gender_figure(PEOPLE, TEXT, LIMITS, TARGETS), TEXT))
    for node in root.iter():
        kind = node.get("class", "")
        if kind == "rb-target":
            assert node.get("stroke-dasharray")
        elif kind == "rb-quota":
            assert node.get("stroke-dasharray") is None
    assert sum(n.get("class") == "rb-target" for n in root.iter()) == 3
    assert sum(n.get("class") == "rb-quota" for n in root.iter()) == 4


def test_parity_allows_the_tolerance_and_one_seat_per_undisclosed_person() -> None:
    # 15 women, 13 men, 3 undisclosed, tolerance 1: |women - men| <= 2 + 3.
    figure = gender_figure(PEOPLE, TEXT, LIMITS, TARGETS)
    rows = {row.label: row for row in figure.rows}
    assert [row.label for row in figure.rows] == ["Women", "Men", "Other", "Not stated"]
    assert rows["Women"].total == 15
    assert rows["Men"].total == 13
    assert rows["Women"].target == rows["Men"].target
    target = rows["Women"].target
    assert target is not None
    assert (target.low, target.high) == (12, 16)
    assert rows["Other"].target is None
    assert rows["Women"].quota == 20


def test_age_chart_uses_the_targets_bands_and_else_the_statistics_bands() -> None:
    with_targets = age_figure(PEOPLE, TEXT, TARGETS)
    assert [(r.label, r.total) for r in with_targets.rows] == [("18–24", 10), ("Other ages", 21)]
    assert "target ≤ 20" in texts(parse(svg(with_targets, TEXT)))
    plain = age_figure(PEOPLE, TEXT)
    assert [(r.label, r.total) for r in plain.rows] == [
        ("Under 18", 6),
        ("18–24", 10),
        ("25–30", 5),
        ("31–35", 5),
        ("36 and over", 0),
        ("Not stated", 5),
    ]


def test_first_timers_against_their_target() -> None:
    figure = first_timers_figure(PEOPLE, TEXT, TARGETS)
    assert [(r.label, r.total) for r in figure.rows] == [("First time", 20), ("Returning", 11)]
    assert "target ≥ 15" in texts(parse(svg(figure, TEXT)))


def test_the_funnel_counts_steps_then_where_the_others_are() -> None:
    figure = funnel_figure(BALANCE, TEXT)
    assert [(r.label, r.total) for r in figure.rows] == [
        ("All registrations", 50),
        ("Confirmed", 31),
        ("Attended", 10),
        ("Applied", 9),
        ("Offered a seat", 1),
        ("Waiting list", 4),
        ("Did not come", 1),
        ("Not selected", 3),
        ("Cancelled", 2),
    ]
    # Steps and statuses look different: two series, two patterns.
    root = parse(svg(figure, TEXT))
    assert {bar.get("class") for bar in bars(root)} == {"rb-bar rb-s0", "rb-bar rb-s1"}
    # A status nobody has is left out.
    quiet = funnel_figure(Balance(by_status={"confirmed": 3}), TEXT)
    assert [r.label for r in quiet.rows] == ["All registrations", "Confirmed", "Attended"]


def test_each_chart_has_a_data_table_with_the_same_numbers() -> None:
    table = table_of(country_gender_figure(PEOPLE, TEXT, LIMITS, TARGETS), TEXT)
    assert table.caption == "Seats by country and gender"
    assert table.header == (
        "Country",
        "Women",
        "Men",
        "Other",
        "Not stated",
        "Total",
        "quota",
        "target",
    )
    assert table.rows[0] == ("Armenia", "6", "5", "0", "0", "11", "14", "11–13")
    assert table.rows[-1] == ("Not stated", "0", "1", "0", "0", "1", "", "")
    ages = table_of(age_figure(PEOPLE, TEXT, TARGETS), TEXT)
    assert ages.header == ("Age", "People", "target")
    assert ages.rows == (("18–24", "10", "≤ 20"), ("Other ages", "21", ""))


def test_numbers_come_from_the_readers_formatter() -> None:
    many = people_of({("AM", "female"): 1500, ("AM", "male"): 1200})
    russian = english(number=lambda n: format_decimal(n, locale="ru"))
    shown = texts(parse(svg(country_gender_figure(many, russian), russian)))
    assert "2\xa0700" in shown
    assert "Women 1\xa0500 · Men 1\xa0200" in shown


# --- hostile and awkward text ---

HOSTILE = "<script>alert('x')</script> & \"Tbilisi\" \x07 ]]>"


def test_hostile_names_are_escaped_and_read_back_as_written() -> None:
    text = english(
        country=lambda code: f"{HOSTILE} {code}",
        country_gender_title=HOSTILE,
        quota="<b>quota</b>",
    )
    figure = country_gender_figure(PEOPLE, text, LIMITS, TARGETS)
    drawn = svg(figure, text)
    root = parse(drawn)
    assert not [n for n in root.iter() if n.tag.endswith("script") or n.tag.endswith("}b")]
    assert "<script" not in drawn
    # The control character XML cannot carry becomes U+FFFD; the rest reads back.
    readable = HOSTILE.replace("\x07", "\ufffd")
    assert root[0].text == readable
    assert f"{readable} AM" in "".join(t.text or "" for t in root.iter(f"{SVG}title"))
    assert "<b>quota</b> 14 · target 11–13" in texts(root)
    table = table_of(figure, text)
    assert table.rows[0][0] == f"{HOSTILE} AM"  # raw: the page's template escapes it


def test_long_labels_are_shortened_with_the_full_text_in_a_title() -> None:
    long_name = "The Independent Republic of Rather Long Country Names Indeed"
    text = english(country=lambda code: long_name if code == "GE" else country_name(code, "en"))
    root = parse(svg(country_gender_figure(PEOPLE, text, LIMITS, TARGETS), text))
    shown = [t for t in texts(root) if t.startswith("The Independent")]
    assert len(shown) == 1
    assert shown[0].endswith("…")
    assert len(shown[0]) <= 40
    groups = [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert any(g.find(f"{SVG}title").text == long_name for g in groups)  # type: ignore[union-attr]


# --- no data ---


def test_no_registrations_gives_a_chart_that_says_so() -> None:
    for figure in figures([], balance=Balance()):
        root = parse(svg(figure, TEXT))
        assert "No registrations yet" in texts(root)
        assert (root[1].text or "").endswith("No registrations yet")
        assert not bars(root)
        assert not list(root.iter(f"{SVG}pattern"))
    # Without quotas or targets too.
    for figure in figures([], balance=Balance(), limits=None, targets=None):
        assert "No registrations yet" in texts(parse(svg(figure, TEXT)))


# --- colours ---


# White, a browser's dark theme, Telegram's dark and night backgrounds.
BACKGROUNDS = ("#ffffff", "#121212", "#17212b", "#212121")


def test_contrast_helper_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(("prop", "fallback"), PALETTE)
@pytest.mark.parametrize("background", BACKGROUNDS)
def test_series_colours_stand_out_from_light_and_dark_backgrounds(
    prop: str, fallback: str, background: str
) -> None:
    # WCAG 1.4.11: graphical objects at least 3:1 against what is next to them.
    assert contrast(fallback, background) >= 3, (prop, background)
    # The pattern's marks stand out from the colour they are drawn on.
    assert contrast(fallback, MARK[1]) >= 3, prop


def test_text_and_lines_take_the_pages_text_colour() -> None:
    allowed = {"currentColor", "none", f"var({MARK[0]},{MARK[1]})"}
    allowed |= {f"var({prop},{fallback})" for prop, fallback in PALETTE}
    for figure in figures():
        root = parse(svg(figure, TEXT))
        assert root.get("fill") == "currentColor"
        for node in root.iter():
            for attribute in ("fill", "stroke"):
                value = node.get(attribute)
                if value is not None and not value.startswith("url(#"):
                    assert value in allowed, value
            if node.tag == f"{SVG}text":
                assert node.get("fill") is None  # inherits currentColor


# --- properties over random statistics ---

COUNTRIES = ("AM", "AZ", "GE", "TR", None)
GENDERS = ("female", "male", "other", None)

cells = st.dictionaries(
    st.tuples(st.sampled_from(COUNTRIES), st.sampled_from(GENDERS)),
    st.integers(0, 400),
    max_size=8,
)
quota_maps = st.dictionaries(st.sampled_from(("AM", "AZ", "GE", "TR")), st.integers(0, 500))
shares = st.fixed_dictionaries(
    {
        "seats": st.dictionaries(
            st.sampled_from(("AM", "AZ", "GE")), st.integers(0, 300), min_size=1
        ),
        "tolerance": st.integers(0, 5),
    }
)
target_documents = st.fixed_dictionaries(
    {},
    optional={
        "gender_parity": st.fixed_dictionaries({"tolerance": st.integers(0, 10)}),
        "country_shares": shares,
        "age_bands": st.just([{"min_age": 18, "max_age": 24, "at_most": 40}]),
        "first_timers": st.fixed_dictionaries({"at_least": st.integers(0, 900)}),
    },
)
statuses = st.dictionaries(st.sampled_from(list(RegistrationStatus)), st.integers(0, 3000))
labels = st.text(min_size=1, max_size=60)


def stacks(root: ET.Element) -> Iterator[list[ET.Element]]:
    """The bars of each row that has any, left to right."""
    for row in root.iter(f"{SVG}g"):
        if row.get("class") == "rb-row":
            stack = bars(row)
            if stack:
                yield stack


@settings(max_examples=60, deadline=None)
@given(
    cells=cells,
    country_quotas=quota_maps,
    gender_quotas=st.dictionaries(st.sampled_from(("female", "male")), st.integers(0, 500)),
    targets=target_documents,
    by_status=statuses,
    name=labels,
)
def test_any_statistics_give_a_well_formed_chart_that_shows_every_number(
    cells: dict[tuple[str | None, str | None], int],
    country_quotas: dict[str, int],
    gender_quotas: dict[str, int],
    targets: dict[str, object],
    by_status: dict[str, int],
    name: str,
) -> None:
    text = english(
        number=lambda n: format_decimal(n, locale="ru"),
        country=lambda code: f"{name} {code}",
    )
    people = people_of(cells)
    limits = SeatLimits(1000, country_quotas, gender_quotas)
    chosen = SelectionTargets.model_validate(targets)
    for figure in figures(people, text, Balance(by_status=by_status), limits, chosen):
        root = parse(svg(figure, text))
        if figure.is_empty:
            assert "No registrations yet" in texts(root)
            continue
        shown = written(root)
        desc = root[1].text or ""
        for row in figure.rows:
            assert text.number(row.total) in texts(root)
            assert f": {text.number(row.total)}" in desc
            if sum(1 for value in row.values if value) > 1:
                for value in row.values:
                    if value:
                        assert text.number(value) in shown
            if row.quota is not None:
                assert f"quota {text.number(row.quota)}" in shown
            if row.target is not None:
                assert f"target {row.target.words(text)}" in shown
        scale = PLOT / max(row.reach for row in figure.rows)
        assert len(bars(root)) == sum(1 for row in figure.rows for v in row.values if v)
        assert len(list(stacks(root))) == sum(1 for row in figure.rows if row.total)
        for stack in stacks(root):
            x = float(PAD)
            for bar in stack:
                width = float(bar.get("width") or "nan")
                value = int(bar.get("data-value") or "0")
                assert math.isfinite(width)
                assert width > 0
                assert value > 0
                # proportional: one scale for every bar of the chart (a count too
                # small to see is a sliver)
                if value * scale < MIN_BAR:
                    assert width == MIN_BAR
                else:
                    assert abs(width - value * scale) <= 0.051
                assert abs(float(bar.get("x") or "nan") - x) <= 0.051 * len(stack)
                x += width
            assert x <= PAD + PLOT + (0.05 + MIN_BAR) * len(stack)

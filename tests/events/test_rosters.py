"""CSV cells for spreadsheets (events.rosters.spreadsheet_text): what people typed never
runs as a formula, and nothing else about it changes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.rosters import is_formula_like, spreadsheet_text

STARTS = "=+-@＝＋－＠"


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://x","y")',
        "=1+1",
        "+A1",
        "-A1",
        "-1+2",
        "--1",
        "- item",
        "@SUM(A1:A2)",
        "＝1+1",
        "＋A1",
        "－A1",
        "＠SUM(A1)",
        "－5",
        "\tindented",
        "\r=1",
    ],
)
def test_formulas_are_shown_as_text(typed: str) -> None:
    assert spreadsheet_text(typed) == "'" + typed


@pytest.mark.parametrize(
    "typed",
    ["Ani", "", "-", "+", "=", "@", "-5", "+3.5", "-.5", "-1e3", "a=b", " =1", "Nino-Gio", "3-4"],
)
def test_other_text_is_unchanged(typed: str) -> None:
    assert spreadsheet_text(typed) == typed


def test_none_is_an_empty_cell() -> None:
    assert spreadsheet_text(None) == ""


@given(st.text())
def test_a_cell_is_the_text_or_the_text_behind_a_quote(typed: str) -> None:
    cell = spreadsheet_text(typed)
    assert cell in (typed, "'" + typed)
    assert (cell != typed) == is_formula_like(typed)


@given(st.sampled_from(STARTS), st.text(min_size=1).filter(lambda rest: rest[0].isalpha()))
def test_a_formula_start_before_a_name_is_always_guarded(start: str, rest: str) -> None:
    assert spreadsheet_text(start + rest) == "'" + start + rest


@given(st.sampled_from("+-"), st.integers(min_value=0), st.integers(min_value=0, max_value=99))
def test_signed_numbers_stay_numbers(sign: str, whole: int, fraction: int) -> None:
    assert spreadsheet_text(f"{sign}{whole}") == f"{sign}{whole}"
    assert spreadsheet_text(f"{sign}{whole}.{fraction}") == f"{sign}{whole}.{fraction}"


@given(st.text().filter(lambda typed: typed[:1] not in (*STARTS, "\t", "\r")))
def test_text_that_does_not_start_a_formula_is_unchanged(typed: str) -> None:
    assert spreadsheet_text(typed) == typed

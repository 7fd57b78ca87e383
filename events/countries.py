"""Country codes: ISO 3166-1 alpha-2 as CLDR (through Babel) knows them."""

from functools import cache
from typing import Annotated

from babel import Locale
from pydantic import AfterValidator

from events.json_schema import Named


@cache
def country_codes() -> frozenset[str]:
    # CLDR territories include numeric regions ("150") and groupings (EU, UN); keep countries.
    names = Locale("en").territories
    return frozenset(
        code
        for code in map(str, names)
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ"})


def normalise_country(value: str) -> str:
    """Upper-case a two-letter code (ASCII only) and check it names a country."""
    code = value.strip().upper() if value.isascii() else value
    if code not in country_codes():
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def _any_case_pattern(codes: frozenset[str]) -> str:
    """``^(?:[Aa][DdEe…]|[Bb][…]|…)$``: exactly the codes, in any letter case."""
    by_first: dict[str, list[str]] = {}
    for code in sorted(codes):
        by_first.setdefault(code[0], []).append(code[1])
    groups = (
        f"[{first}{first.lower()}][{''.join(c + c.lower() for c in seconds)}]"
        for first, seconds in by_first.items()
    )
    return f"^(?:{'|'.join(groups)})$"


def country_code(value: str) -> str:
    """A pydantic validator: a code in any letter case (``GE``, ``ge``), as upper case.
    Stricter than ``normalise_country`` (what a person types in the bot, spaces and
    all): exactly what the API's document says."""
    if not (len(value) == 2 and value.isascii() and value.upper() in country_codes()):
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code, such as GE")
    return value.upper()


# One component of the API's document: a pattern rather than an enum of 259 codes,
# which fuzzers would try one by one in every field.
CountryCode = Annotated[
    str,
    AfterValidator(country_code),
    Named(
        "CountryCode",
        {
            "type": "string",
            "description": "An ISO 3166-1 alpha-2 country code in any letter case (stored in "
            "upper case): the pattern lists every one.",
            "pattern": _any_case_pattern(country_codes()),
            "examples": ["AM", "AZ", "GE"],
        },
    ),
]


def country_name(code: str, language: str) -> str:
    locale = Locale.parse("az_Latn" if language == "az" else language)
    return str(locale.territories.get(code, code))

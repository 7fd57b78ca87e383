"""Country codes: ISO 3166-1 alpha-2 as CLDR (through Babel) knows them."""

from functools import cache

from babel import Locale


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


def country_name(code: str, language: str) -> str:
    locale = Locale.parse("az_Latn" if language == "az" else language)
    return str(locale.territories.get(code, code))

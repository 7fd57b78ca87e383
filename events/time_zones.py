"""Time zones: the IANA names the server's tz database knows, as the inputs take them."""

from functools import cache
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator

from events.json_schema import Named


@cache
def time_zone_names() -> frozenset[str]:
    # "localtime" is whatever zone the server's machine is set to: not a place.
    return frozenset(available_timezones() - {"localtime", "posixrules"})


def _zone(name: str) -> str:
    if name not in time_zone_names():
        raise ValueError(f"{name!r} is not an IANA time zone")
    return name


def _zones_pattern(names: frozenset[str]) -> str:
    """``^(?:Africa/(?:Abidjan|…)|…|UTC|…)$``: exactly the names, grouped by area."""
    by_area: dict[str, list[str]] = {}
    for name in sorted(names):
        area, _, rest = name.partition("/") if "/" in name else ("", "", name)
        by_area.setdefault(area, []).append(rest.replace("+", "\\+"))
    groups = [
        f"{area}/(?:{'|'.join(rests)})" if area else "|".join(rests)
        for area, rests in by_area.items()
    ]
    return f"^(?:{'|'.join(groups)})$"


# One component of the API's document: a pattern rather than an enum of 600 names, which
# fuzzers would try one by one.
TimeZoneName = Annotated[
    str,
    AfterValidator(_zone),
    Named(
        "TimeZone",
        {
            "type": "string",
            "description": "An IANA time zone name: the pattern lists every one.",
            "pattern": _zones_pattern(time_zone_names()),
            "examples": ["Asia/Tbilisi", "Asia/Yerevan", "Asia/Baku"],
        },
    ),
]

"""Selection targets in words: each as the organisers set it, with the counts a group has
against it. One wording for the bot's /review and the dashboard's proposal page, from the
same catalogue entries; plain text (escape it for HTML)."""

from collections.abc import Sequence

from events.selection import FEMALE, MALE, TargetResult
from events.targets import SelectionTargets
from locales.translator import Translator


def target_texts(
    t: Translator, targets: SelectionTargets, results: Sequence[TargetResult]
) -> list[tuple[str, TargetResult]]:
    """Each target that has a result, in the order they are set, with that result."""
    found = {result.name: result for result in results}
    texts = []
    parity = targets.gender_parity
    if parity is not None and "gender_parity" in found:
        result = found["gender_parity"]
        text = t.gettext(
            "Women {women}, men {men}, not stated {undisclosed} (parity ± {tolerance})"
        ).format(
            women=result.counts.get(FEMALE, 0),
            men=result.counts.get(MALE, 0),
            undisclosed=result.counts.get("undisclosed", 0),
            tolerance=parity.tolerance,
        )
        texts.append((text, result))
    shares = targets.country_shares
    if shares is not None and "country_shares" in found:
        result = found["country_shares"]
        counts = ", ".join(
            f"{t.country(country)} {result.counts.get(country, 0)}/{seats}"
            for country, seats in sorted(shares.seats.items())
        )
        text = t.gettext("Countries (± {tolerance}): {counts}").format(
            tolerance=shares.tolerance, counts=counts
        )
        texts.append((text, result))
    for band in targets.age_bands:
        if band.name in found:
            result = found[band.name]
            text = t.gettext("Aged {min_age}–{max_age}: {people} (at most {at_most})").format(
                min_age=band.min_age,
                max_age=band.max_age,
                people=result.counts.get("people", 0),
                at_most=band.at_most,
            )
            texts.append((text, result))
    first = targets.first_timers
    if first is not None and "first_timers" in found:
        result = found["first_timers"]
        text = t.gettext("First-timers: {people} (at least {at_least})").format(
            people=result.counts.get("people", 0), at_least=first.at_least
        )
        texts.append((text, result))
    return texts


def missed_text(t: Translator, result: TargetResult) -> str:
    """By how many seats the group misses the target; empty when it meets it."""
    if not result.missed_by:
        return ""
    off = t.ngettext("off by {count} seat", "off by {count} seats", result.missed_by)
    return off.format(count=result.missed_by)

"""The page a join redirect shows instead of forwarding, in the visitor's language.

Its words are in the gettext catalogues (``scripts/catalogues.py`` reads this package),
like the calendar feeds' own words. Nothing on it comes from users, and it never
carries the link.
"""

from html import escape

from events.languages import Language
from events.online.visits import JoinRefusal
from locales import translations


def _texts(refusal: JoinRefusal, language: Language) -> tuple[str, str]:
    texts = translations(language)
    gettext = texts.gettext
    pages = {
        JoinRefusal.UNKNOWN: (
            gettext("This link is not valid"),
            gettext(
                "This join link does not exist. Please open your registration in the "
                "Redbridge bot to get your own link."
            ),
        ),
        JoinRefusal.NO_SEAT: (
            gettext("This link no longer works"),
            gettext(
                "The join link works only for a confirmed online seat. This registration "
                "is cancelled or has no online seat, or the event was cancelled."
            ),
        ),
        JoinRefusal.PREVIEW: (
            gettext("Personal link to join online"),
            gettext("Please open this link in your browser to join."),
        ),
        JoinRefusal.ENDED: (
            gettext("The event is over"),
            gettext("This event has ended, so its join link no longer works."),
        ),
        JoinRefusal.NOT_YET: (
            gettext("It is too early to join"),
            gettext("The join link opens 30 minutes before the start. Please come back then."),
        ),
        JoinRefusal.NO_LINK: (
            gettext("The link is not ready yet"),
            gettext(
                "The organisers have not set the join link yet. You will get a message "
                "in the bot when they do."
            ),
        ),
    }
    return pages[refusal]


def refusal_page(refusal: JoinRefusal, language: Language) -> str:
    """A small, complete HTML page that says why the link does not forward."""
    heading, body = _texts(refusal, language)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(heading)} — Redbridge</title></head>"
        f'<body style="font-family: sans-serif; max-width: 36em; margin: 3em auto; '
        f'padding: 0 1em"><h1>{escape(heading)}</h1><p>{escape(body)}</p></body></html>\n'
    )

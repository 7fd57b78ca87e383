"""The alumni network's words and cards, in the reader's language. Everything people
wrote (names, bios, cities, tags, notes) is escaped here."""

from babel import Locale
from babel.core import UnknownLocaleError

from bot.views import e, event_title
from events import errors
from events.alumni import errors as alumni_errors
from events.alumni.connections import DAILY_REQUESTS, Contact
from events.alumni.directory import Card, OwnAlumniData, own_card
from events.alumni.profiles import INTERESTS
from events.alumni.visibility import Audience
from events.languages import LANGUAGES
from events.models import AlumniProfile, Event
from locales.translator import Translator


def interest_label(t: Translator, key: str) -> str:
    labels = {
        "peacebuilding": t.gettext("Peacebuilding"),
        "economy": t.gettext("Economy and business"),
        "culture": t.gettext("Culture and heritage"),
        "music": t.gettext("Music"),
        "media": t.gettext("Media and journalism"),
        "education": t.gettext("Education"),
        "environment": t.gettext("Environment"),
        "technology": t.gettext("Technology"),
        "rights": t.gettext("Human rights"),
        "sport": t.gettext("Sport"),
    }
    return labels.get(key, key)


def spoken_language(t: Translator, code: str) -> str:
    """The five languages by their one name (the picker's); others as CLDR names them
    in the reader's language."""
    if code in LANGUAGES:
        return t.language_name(code)
    try:
        locale = Locale.parse("az_Latn" if t.language == "az" else t.language)
    except (ValueError, UnknownLocaleError):
        return code
    return str(locale.languages.get(code, code))


def field_label(t: Translator, field: str) -> str:
    labels = {
        "name": t.gettext("Name"),
        "bio": t.gettext("About me"),
        "city": t.gettext("City"),
        "country": t.gettext("Country"),
        "languages": t.gettext("Languages"),
        "interests": t.gettext("Interests and tags"),
        "tags": t.gettext("Tags"),
    }
    return labels.get(field, field)


def audience_label(t: Translator, audience: int) -> str:
    labels = {
        Audience.NOBODY: t.gettext("Nobody"),
        Audience.EDITION: t.gettext("Alumni of the same event"),
        Audience.PROGRAMME: t.gettext("Alumni of the same programme"),
        Audience.ALL: t.gettext("All alumni"),
    }
    return labels.get(Audience(audience), str(audience))


def _fact(t: Translator, field: str, value: str) -> str:
    return t.gettext("{field}: {value}").format(field=field_label(t, field), value=value)


def card_lines(t: Translator, card: Card, editions: dict[int, Event]) -> list[str]:
    """A person's card: what the reader may see of them, nothing about what is hidden."""
    lines = [f"<b>{e(card.name)}</b>"]
    titles = [e(event_title(t, editions[i])) for i in sorted(card.editions) if i in editions]
    if titles:
        lines.append(t.gettext("Events attended: {events}").format(events="; ".join(titles)))
    if card.bio:
        lines.append(_fact(t, "bio", e(card.bio)))
    if card.city:
        lines.append(_fact(t, "city", e(card.city)))
    if card.country:
        lines.append(_fact(t, "country", e(t.country(card.country))))
    if card.languages:
        spoken = ", ".join(spoken_language(t, code) for code in card.languages)
        lines.append(_fact(t, "languages", spoken))
    interests = [interest_label(t, key) for key in card.interests or () if key in INTERESTS]
    interests += list(card.tags or ())
    if interests:
        lines.append(_fact(t, "interests", e(", ".join(interests))))
    return lines


def own_profile_text(t: Translator, profile: AlumniProfile, card: Card) -> str:
    """One's own profile: each part, and who may see it."""
    lines = [t.gettext("<b>Your alumni profile</b>"), ""]
    not_filled = t.gettext("not filled in")
    values = {
        "name": e(card.name),
        "bio": e(card.bio) if card.bio else not_filled,
        "city": e(card.city) if card.city else not_filled,
        "country": e(t.country(card.country)) if card.country else not_filled,
        "languages": ", ".join(spoken_language(t, c) for c in card.languages or ()) or not_filled,
        "interests": e(
            ", ".join([*(interest_label(t, k) for k in card.interests or ()), *(card.tags or ())])
        )
        or not_filled,
    }
    for field, value in values.items():
        lines.append(_fact(t, field, value))
        seen = audience_label(t, getattr(profile, f"{field}_seen"))
        lines.append("    " + t.gettext("Who sees it: {audience}").format(audience=seen))
    lines += [
        "",
        t.gettext(
            "Your name decides whether you appear in the directory at all: while nobody may "
            "see it, nobody finds you."
        ),
    ]
    return "\n".join(lines)


def contact_text(contact: Contact) -> str:
    """A Telegram contact: the username, or a link that opens the chat by id."""
    if contact.username:
        return f"@{e(contact.username)}"
    return f'<a href="tg://user?id={contact.telegram_user_id}">{e(contact.name)}</a>'


def alumni_refusal(t: Translator, error: errors.DomainError) -> str | None:
    """The alumni network's refusals, or None for the bot's general wording."""
    if isinstance(error, alumni_errors.NotAnAlumnus):
        return t.gettext("The alumni network is for people who took part in an event.")
    if isinstance(error, alumni_errors.PersonUnavailable):
        return t.gettext("This person cannot be found in the directory.")
    if isinstance(error, alumni_errors.OwnProfile):
        return t.gettext("This is your own profile.")
    if isinstance(error, alumni_errors.AlreadyAsked):
        return t.gettext("There is already a request between you; it cannot be sent again.")
    if isinstance(error, alumni_errors.RequestLimitReached):
        return t.ngettext(
            "You can send {count} request a day. Please try again tomorrow.",
            "You can send {count} requests a day. Please try again tomorrow.",
            DAILY_REQUESTS,
        ).format(count=DAILY_REQUESTS)
    if isinstance(error, errors.InvalidInput):
        limits = {
            "note": t.gettext("The note is too long: please keep it to 300 characters."),
            "bio": t.gettext("Please keep it to 300 characters."),
            "city": t.gettext("Please write the city on one line, in at most 60 characters."),
            "tags": t.gettext("Please write at most 5 tags, each of at most 30 characters."),
        }
        return limits.get(error.field)
    return None


def request_state(t: Translator, direction: str, state: str) -> str:
    labels = {
        ("sent", "pending"): t.gettext("you asked; waiting for an answer"),
        ("received", "pending"): t.gettext("asked you; waiting for your answer"),
        ("sent", "accepted"): t.gettext("you asked; accepted"),
        ("received", "accepted"): t.gettext("asked you; you accepted"),
        ("sent", "declined"): t.gettext("you asked; not accepted"),
        ("received", "declined"): t.gettext("asked you; you declined"),
    }
    return labels.get((direction, state), t.gettext("withdrawn"))


def my_alumni_data(
    t: Translator, name: str, data: OwnAlumniData, editions: dict[int, Event]
) -> str:
    """The alumni network's part of /mydata (empty for someone who is no alumnus)."""
    if not data.editions and not data.requests:
        return ""
    lines = [t.gettext("<b>Alumni network</b>")]
    titles = [e(event_title(t, editions[i])) for i in sorted(data.editions) if i in editions]
    if titles:
        lines.append(t.gettext("Events attended: {events}").format(events="; ".join(titles)))
    if data.profile is not None:
        card = own_card(data.profile, name, data.editions)
        lines += ["", own_profile_text(t, data.profile, card)]
    if data.requests:
        lines += ["", t.gettext("Contact requests:")]
        lines += [
            "• " + _fact_about(t, e(other), request_state(t, direction, state))
            for other, direction, state in data.requests
        ]
    return "\n".join(lines)


def _fact_about(t: Translator, subject: str, value: str) -> str:
    return t.gettext("{field}: {value}").format(field=subject, value=value)

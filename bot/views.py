"""Messages the bot shows, as HTML. Everything users or organisers wrote is escaped here."""

from datetime import datetime
from html import escape

from bot.i18n import Translator
from bot.wording import gender_line, status_label
from events.enums import RegistrationMode, RegistrationStatus
from events.inputs import Question
from events.models import Event, Participant, Programme, Registration
from events.questions import questions_of

# Telegram refuses messages over 4096 characters; descriptions are cut well before.
_DESCRIPTION_LIMIT = 1500


def e(text: str) -> str:
    """Escape text for Telegram's HTML parse mode."""
    return escape(text, quote=False)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def programme_card(t: Translator, programme: Programme) -> str:
    title = t.pick(programme.title, programme.default_language)
    description = t.pick(programme.description, programme.default_language)
    lines = [f"<b>{e(title)}</b>"]
    if description:
        lines.append(e(_shorten(description, _DESCRIPTION_LIMIT)))
    return "\n\n".join(lines)


def event_title(t: Translator, event: Event) -> str:
    return t.pick(event.title, event.default_language)


def where_line(t: Translator, event: Event) -> str:
    """Venue, city and country in the reader's language (each falls back like a title)."""
    fallback = event.default_language
    parts = [t.pick(event.venue, fallback), t.pick(event.city, fallback)]
    place = ", ".join(e(part) for part in parts if part)
    return t.gettext("Where: {place}, {country}").format(
        place=place, country=e(t.country(event.country))
    )


def when_line(t: Translator, event: Event) -> str:
    """The event's dates, in the reader's words and the event's clock, said once."""
    return t.gettext("When: {when}").format(
        when=t.when(event.starts_at, event.ends_at, event.timezone)
    )


def event_card(t: Translator, event: Event, seats_left: int, now: datetime) -> str:
    """Title, description, when (reader's locale, event's zone), where, seats, deadline."""
    lines = [f"<b>{e(event_title(t, event))}</b>"]
    description = t.pick(event.description, event.default_language)
    if description:
        lines.append(e(_shorten(description, _DESCRIPTION_LIMIT)))
    details = [when_line(t, event), where_line(t, event)]
    if event.mode == RegistrationMode.APPLICATION:
        details.append(t.gettext("Participants are selected by the organisers from applications."))
    if seats_left > 0:
        details.append(
            t.ngettext("{count} seat left", "{count} seats left", seats_left).format(
                count=seats_left
            )
        )
    else:
        details.append(t.gettext("No seats left: waiting list only"))
    closes_at = event.registration_closes_at or event.starts_at
    if now < closes_at:
        # The same clock as the dates above, so it is not named again.
        details.append(
            t.gettext("Registration closes: {deadline}").format(
                deadline=t.date_time(closes_at, event.timezone)
            )
        )
    return "\n\n".join([*lines[:2], "\n".join(details)])


def registration_line(t: Translator, registration: Registration, event: Event) -> str:
    return f"{e(event_title(t, event))} — {status_label(t, registration.status)}"


def registration_card(t: Translator, registration: Registration, event: Event) -> str:
    lines = [
        f"<b>{e(event_title(t, event))}</b>",
        when_line(t, event),
        t.gettext("Status: {status}").format(status=status_label(t, registration.status)),
    ]
    if registration.status == RegistrationStatus.OFFERED and registration.offer_expires_at:
        lines.append(
            t.gettext("Please answer by: {deadline}").format(
                deadline=t.date_time(registration.offer_expires_at, event.timezone)
            )
        )
    if registration.status == RegistrationStatus.CONFIRMED and registration.ticket_code:
        lines.append(
            t.gettext("Ticket: {code}").format(code=f"<code>{e(registration.ticket_code)}</code>")
        )
    return "\n".join(lines)


def question_prompt(t: Translator, question: Question, event: Event, hint: str = "") -> str:
    prompt = e(t.pick(question.prompt, event.default_language))
    if not question.required:
        # Part of the question, not a line of its own.
        prompt += " " + t.gettext("(optional)")
    return f"{hint}\n\n{prompt}" if hint else prompt


def profile_summary(
    t: Translator, name: str, country: str | None, gender: str | None, birth_year: int | None
) -> str:
    """The profile as a list of facts; each "not stated" is a sentence of its own, so that
    it agrees with its subject (ru «Страна: не указана», «Год рождения: не указан»)."""
    return "\n".join(
        [
            t.gettext("Name: {name}").format(name=e(name)),
            t.gettext("Country: {country}").format(country=e(t.country(country)))
            if country
            else t.gettext("Country: not stated"),
            gender_line(t, gender),
            t.gettext("Birth year: {year}").format(year=birth_year)
            if birth_year
            else t.gettext("Birth year: not stated"),
        ]
    )


def my_data(
    t: Translator,
    participant: Participant,
    registrations: list[tuple[Registration, Event]],
) -> str:
    """Everything stored about a participant, as they asked for it."""
    profile = profile_summary(
        t, participant.name, participant.country, participant.gender, participant.birth_year
    )
    facts = [
        t.gettext("Language: {language}").format(language=t.language_name(participant.language)),
        t.gettext("Telegram ID: {id}").format(id=participant.telegram_user_id),
    ]
    if participant.consented_at:
        facts.append(
            t.gettext("Consent given: {date}").format(date=t.date(participant.consented_at, "UTC"))
        )
    blocks = []
    for registration, event in registrations:
        lines = [registration_line(t, registration, event)]
        prompts = {
            q.key: t.pick(q.prompt, event.default_language) for q in questions_of(event.questions)
        }
        lines += [
            f"  {e(prompts.get(key, key))}\n  → {e(str(value))}"
            for key, value in registration.answers.items()
        ]
        blocks.append("\n".join(lines))
    heading = t.gettext("Registrations")
    listing = "\n".join(blocks) if blocks else t.gettext("No registrations.")
    intro = t.gettext("This is everything Redbridge stores about you:")
    return f"{intro}\n\n{profile}\n" + "\n".join(facts) + f"\n\n<b>{heading}</b>\n{listing}"

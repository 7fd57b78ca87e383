"""Messages the bot shows, as HTML. Everything users or organisers wrote is escaped here."""

from datetime import datetime
from html import escape

from bot.wording import gender_line, status_label
from events.enums import AttendanceMode, Participation, RegistrationMode, RegistrationStatus
from events.inputs import Question
from events.models import Event, Participant, Programme, Registration
from events.online.links import holds_online_seat
from events.questions import questions_of
from locales.translator import Translator

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
    """Venue, city and country in the reader's language (each falls back like a title);
    "online" for an event that has no room."""
    if event.attendance_mode == AttendanceMode.ONLINE:
        return t.gettext("Where: online")
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


def how_line(t: Translator, event: Event) -> str | None:
    """How one takes part in an online or hybrid event (None for one in person only)."""
    if event.attendance_mode == AttendanceMode.ONLINE:
        return t.gettext("Online only: confirmed participants get a personal link to join.")
    if event.attendance_mode == AttendanceMode.HYBRID:
        return t.gettext(
            "In person or online, as you choose: confirmed online participants get a "
            "personal link to join."
        )
    return None


def _seats_lines(
    t: Translator, event: Event, seats_left: int, online_left: int | None
) -> list[str]:
    if event.attendance_mode != AttendanceMode.HYBRID:
        if seats_left > 0:
            return [
                t.ngettext("{count} seat left", "{count} seats left", seats_left).format(
                    count=seats_left
                )
            ]
        return [t.gettext("No seats left: waiting list only")]
    room = (
        t.ngettext(
            "In person: {count} seat left", "In person: {count} seats left", seats_left
        ).format(count=seats_left)
        if seats_left > 0
        else t.gettext("In person: waiting list only")
    )
    online = online_left or 0
    stream = (
        t.ngettext("Online: {count} seat left", "Online: {count} seats left", online).format(
            count=online
        )
        if online > 0
        else t.gettext("Online: waiting list only")
    )
    return [room, stream]


def event_card(
    t: Translator,
    event: Event,
    seats_left: int,
    now: datetime,
    online_seats_left: int | None = None,
) -> str:
    """Title, description, when (reader's locale, event's zone), where, how to take part,
    seats (of each part of a hybrid event), deadline."""
    lines = [f"<b>{e(event_title(t, event))}</b>"]
    description = t.pick(event.description, event.default_language)
    if description:
        lines.append(e(_shorten(description, _DESCRIPTION_LIMIT)))
    details = [when_line(t, event), where_line(t, event)]
    if (how := how_line(t, event)) is not None:
        details.append(how)
    if event.mode == RegistrationMode.APPLICATION:
        details.append(t.gettext("Participants are selected by the organisers from applications."))
    details += _seats_lines(t, event, seats_left, online_seats_left)
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


def participation_line(t: Translator, participation: str) -> str:
    if participation == Participation.ONLINE:
        return t.gettext("Taking part: online")
    return t.gettext("Taking part: in person")


def join_lines(
    t: Translator, link: str | None, registration: Registration, event: Event
) -> list[str]:
    """The person's own link to join, or when it comes; nothing for anyone without a
    confirmed online seat (``events.online.links``)."""
    if not holds_online_seat(registration, event):
        return []
    if link is None:
        return [t.gettext("The organisers will send the link to join before the start.")]
    return [
        t.gettext("Your link to join: {link}").format(link=e(link)),
        t.gettext("This link is yours alone: please do not share it."),
    ]


def registration_card(
    t: Translator, registration: Registration, event: Event, join_link: str | None = None
) -> str:
    """Status and ticket; at an online or hybrid event how the person takes part and, for a
    confirmed online seat, their own ``join_link``."""
    lines = [
        f"<b>{e(event_title(t, event))}</b>",
        when_line(t, event),
        t.gettext("Status: {status}").format(status=status_label(t, registration.status)),
    ]
    if event.attendance_mode != AttendanceMode.IN_PERSON:
        lines.append(participation_line(t, registration.participation))
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
    lines += join_lines(t, join_link, registration, event)
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

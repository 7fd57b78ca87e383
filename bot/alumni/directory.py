"""Searching the directory: filters, pages of cards, one person's card."""

from datetime import datetime

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.alumni.router import alumni_guard
from bot.alumni.views import card_lines, interest_label, spoken_language
from bot.callbacks import AlumniMenu, ContactAction, Directory
from bot.choices import Choice, event_choice, numbered
from bot.guards import Refused
from bot.keyboards import button
from bot.replies import edit_or_send
from bot.signup.steps import NEIGHBOURS
from bot.views import e, event_title
from events.alumni.directory import DirectoryFilter, card_of, ended_events, search
from events.alumni.membership import alumnus_memberships, attended_events
from events.alumni.profiles import INTERESTS, SPOKEN
from events.listings import open_programmes
from events.models import Event, Participant, Programme
from locales.translator import Translator

FILTERS = ("programme", "edition", "country", "language", "interest")


def _with(data: Directory, action: str, **changes: object) -> Directory:
    """The same filters, another action (or another filter value)."""
    values = data.model_dump() | {"action": action, "what": "", "id": 0} | changes
    return Directory(**values)


def _grid(*rows_: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows_ if row])


async def _titles(
    db: async_sessionmaker[AsyncSession], data: Directory
) -> tuple[Programme | None, Event | None]:
    async with db() as session:
        programme = await session.get(Programme, data.programme) if data.programme else None
        edition = await session.get(Event, data.edition) if data.edition else None
    return programme, edition


async def _filters_view(
    t: Translator, db: async_sessionmaker[AsyncSession], data: Directory
) -> tuple[str, InlineKeyboardMarkup]:
    programme, edition = await _titles(db, data)
    chosen = []
    if programme is not None:
        title = t.pick(programme.title, programme.default_language)
        chosen.append(t.gettext("Programme: {title}").format(title=e(title)))
    if edition is not None:
        chosen.append(t.gettext("Event: {title}").format(title=e(event_title(t, edition))))
    if data.country:
        chosen.append(t.gettext("Country: {country}").format(country=e(t.country(data.country))))
    if data.language:
        language = spoken_language(t, data.language)
        chosen.append(t.gettext("Language: {language}").format(language=e(language)))
    if data.interest:
        interest = interest_label(t, data.interest)
        chosen.append(t.gettext("Interest: {interest}").format(interest=e(interest)))
    lines = [t.gettext("<b>Find alumni</b>"), ""]
    lines += chosen or [t.gettext("No filters: everyone who shows their name to you.")]
    labels = {
        "programme": t.gettext("Programme"),
        "edition": t.gettext("Event"),
        "country": t.gettext("Country"),
        "language": t.gettext("Language"),
        "interest": t.gettext("Interest"),
    }
    buttons = [[button(labels[f], _with(data, "pick", what=f).pack())] for f in FILTERS]
    show = button(t.gettext("Show alumni"), _with(data, "page", page=0).pack())
    clear = button(t.gettext("Clear filters"), Directory(action="filters").pack())
    back = button(t.gettext("« Alumni network"), AlumniMenu(action="menu").pack())
    return "\n".join(lines), _grid(*buttons, [show], [clear], [back])


async def _pick_view(
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    data: Directory,
) -> tuple[str, InlineKeyboardMarkup]:
    what = data.what
    options: list[tuple[str, dict[str, object]]] = []
    # Titles organisers wrote are listed in full and numbered; their buttons stay short.
    named: list[Choice] = []
    if what == "programme":
        async with db() as session:
            programmes = await open_programmes(session)
        named = [
            Choice(
                line=e(title),
                title=title,
                data=_with(data, "filters", programme=p.id, edition=0).pack(),
            )
            for p in programmes
            for title in [t.pick(p.title, p.default_language)]
        ]
        empty: dict[str, object] = {"programme": 0, "edition": 0}
    elif what == "edition":
        async with db() as session:
            editions = await ended_events(session, now, data.programme)
        named = [event_choice(t, ev, _with(data, "filters", edition=ev.id)) for ev in editions]
        empty = {"edition": 0}
    elif what == "country":
        options = [(t.country(code), {"country": code}) for code in NEIGHBOURS]
        empty = {"country": ""}
    elif what == "language":
        options = [(spoken_language(t, code), {"language": code}) for code in SPOKEN]
        empty = {"language": ""}
    elif what == "interest":
        options = [(interest_label(t, key), {"interest": key}) for key in INTERESTS]
        empty = {"interest": ""}
    else:
        raise Refused(t.gettext("This button is no longer active."), alert=False)
    listing, numbered_buttons = numbered(named)
    buttons = [[key] for key in numbered_buttons]
    buttons += [
        [button(label, _with(data, "filters", **value).pack())] for label, value in options
    ]
    buttons.append([button(t.gettext("No filter"), _with(data, "filters", **empty).pack())])
    text = t.gettext("Choose one:")
    return (f"{text}\n\n{listing}" if listing else text), _grid(*buttons)


async def _page_view(
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    participant: Participant | None,
    data: Directory,
) -> tuple[str, InlineKeyboardMarkup]:
    where = DirectoryFilter(
        programme_id=data.programme,
        edition_id=data.edition,
        country=data.country,
        language=data.language,
        interest=data.interest,
    )
    async with db() as session:
        found = await search(session, participant.id if participant else None, where, data.page)
        editions = {
            ev.id: ev
            for ev in await attended_events(
                session, frozenset(i for card in found.cards for i in card.editions)
            )
        }
    back = [button(t.gettext("Filters"), _with(data, "filters").pack())]
    if not found.cards:
        text = t.gettext(
            "Nobody matches. The directory shows only those who chose to be seen by you."
        )
        return text, _grid(back)
    blocks = [
        f"{number}. " + "\n".join(card_lines(t, card, editions))
        for number, card in enumerate(found.cards, start=1)
    ]
    heading = t.gettext("Alumni, page {page}:").format(page=data.page + 1)
    numbers = [
        button(str(number), _with(data, "open", id=card.participant_id).pack())
        for number, card in enumerate(found.cards, start=1)
    ]
    pages = []
    if data.page > 0:
        pages.append(
            button(t.gettext("‹ Previous"), _with(data, "page", page=data.page - 1).pack())
        )
    if found.has_more:
        pages.append(button(t.gettext("Next ›"), _with(data, "page", page=data.page + 1).pack()))
    text = heading + "\n\n" + "\n\n".join(blocks)
    return text, _grid(numbers[:3], numbers[3:], pages, back)


async def _person_view(
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    participant: Participant | None,
    data: Directory,
) -> tuple[str, InlineKeyboardMarkup]:
    async with db() as session:
        await alumnus_memberships(session, participant.id if participant else None)
        assert participant is not None
        card = await card_of(session, participant.id, data.id)
        editions = {ev.id: ev for ev in await attended_events(session, card.editions)}
    ask = button(
        t.gettext("Ask to exchange contacts"), ContactAction(action="ask", id=data.id).pack()
    )
    back = button(t.gettext("« Results"), _with(data, "page").pack())
    return "\n".join(card_lines(t, card, editions)), _grid([ask], [back])


async def on_directory(
    query: CallbackQuery,
    callback_data: Directory,
    t: Translator,
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    participant: Participant | None,
) -> None:
    async with alumni_guard(query, t):
        async with db() as session:
            await alumnus_memberships(session, participant.id if participant else None)
        action = callback_data.action
        if action == "filters":
            text, markup = await _filters_view(t, db, callback_data)
        elif action == "pick":
            text, markup = await _pick_view(t, db, now, callback_data)
        elif action == "page":
            text, markup = await _page_view(t, db, participant, callback_data)
        elif action == "open":
            text, markup = await _person_view(t, db, participant, callback_data)
        else:
            raise Refused(t.gettext("This button is no longer active."), alert=False)
        await query.answer()
        await edit_or_send(query, text, markup)


def create_router() -> Router:
    """A new router with this module's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.callback_query.register(on_directory, Directory.filter())
    return router

"""Property-based: whatever audiences six alumni choose for each field, and whoever
blocked whom, every viewer's search (with any filter) and every card they open show
exactly what the rules allow — on a real SQLite file, through the use cases.

The rules are written here a second time, independently of ``events.alumni.visibility``
(a reading of the issue, not of the code):

- a person is listed to a viewer only if the viewer may see their name, neither blocked
  the other, and it is not the viewer;
- a field is shown only to the audience its owner chose: nobody; alumni of an edition
  both attended; alumni of a programme both have an edition of; all alumni;
- editions shown follow the name's audience; a filter by programme or edition matches
  only editions shown; a filter by country, language or interest matches only where
  that field is shown, so a hidden value can never be probed.

No card carries a Telegram id or username: only an accepted request gives a contact.
"""

import asyncio
import dataclasses
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.alumni.directory import Card, DirectoryFilter, card_of, search
from events.alumni.errors import PersonUnavailable
from events.alumni.profiles import set_country, set_text, toggle
from events.alumni.visibility import FIELDS
from events.models import AlumniBlock, AlumniProfile, Event
from events.store import create_engine, create_sessionmaker
from tests.alumni_support import confirmed_alumnus, past_edition
from tests.factories import create_programme
from tests.support.databases import SQLiteDatabases

T = TypeVar("T")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
# Editions by name: a1 and a2 of programme A, b1 of programme B.
MEMBERSHIPS = [{"a1"}, {"a1", "b1"}, {"a2"}, {"b1"}, {"a1", "a2"}, {"a2", "b1"}]
PROGRAMME_OF = {"a1": "A", "a2": "A", "b1": "B"}
COUNTRIES = ["AM", "AZ", "GE", "AM", "GE", "AZ"]
LANGUAGES = [("hy", "ru"), ("az",), ("ka", "en"), ("ru",), ("hy", "en"), ("az", "ru")]
INTERESTS = [("music",), ("economy", "music"), ("media",), ("sport",), ("music",), ()]


@dataclasses.dataclass
class World:
    sessionmaker: async_sessionmaker[AsyncSession]
    people: list[int]
    editions: dict[str, int]
    programmes: dict[str, int]


def _run(loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, T]) -> T:
    return loop.run_until_complete(coroutine)


async def _build(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    async with sessionmaker() as session:
        programmes: dict[str, int] = {}
        editions: dict[str, Event] = {}
        for name, slug in (("A", "school"), ("B", "forum")):
            programmes[name] = (await create_programme(session, NOW, slug)).id
        for name in ("a1", "a2", "b1"):
            slug = "school" if PROGRAMME_OF[name] == "A" else "forum"
            editions[name] = await past_edition(session, NOW, slug)
        slugs = {"a1": "school", "a2": "school", "b1": "forum"}
        edition_ids = {name: event.id for name, event in editions.items()}
        people = []
        for number, names in enumerate(MEMBERSHIPS):
            person = await confirmed_alumnus(
                session,
                NOW,
                [(slugs[name], editions[name]) for name in sorted(names)],
                f"Person {number}",
            )
            pid = person.participant_id
            await set_text(session, NOW, pid, "bio", f"Bio {number}")
            await set_text(session, NOW, pid, "city", f"City {number}")
            await set_text(session, NOW, pid, "tags", f"tag{number}")
            await set_country(session, NOW, pid, COUNTRIES[number])
            for language in LANGUAGES[number]:
                await toggle(session, NOW, pid, "languages", language)
            for interest in INTERESTS[number]:
                await toggle(session, NOW, pid, "interests", interest)
            people.append(pid)
    return World(sessionmaker, people, edition_ids, programmes)


def _sees(audience: int, viewer: int, person: int) -> bool:
    mine, theirs = MEMBERSHIPS[viewer], MEMBERSHIPS[person]
    if audience == 3:
        return True
    if audience == 2:
        return bool({PROGRAMME_OF[e] for e in mine} & {PROGRAMME_OF[e] for e in theirs})
    if audience == 1:
        return bool(mine & theirs)
    return False


def _shown_editions(name_audience: int, viewer: int, person: int) -> set[str]:
    mine, theirs = MEMBERSHIPS[viewer], MEMBERSHIPS[person]
    if name_audience == 3:
        return set(theirs)
    if name_audience == 2:
        return {e for e in theirs if PROGRAMME_OF[e] in {PROGRAMME_OF[m] for m in mine}}
    return theirs & mine


@dataclasses.dataclass(frozen=True)
class Query:
    programme: str
    edition: str
    country: str
    language: str
    interest: str


def _expected(
    audiences: list[list[int]], blocks: set[tuple[int, int]], viewer: int, query: Query
) -> dict[int, dict[str, bool]]:
    """Index of each person the viewer finds → which fields they see."""
    found = {}
    for person in range(len(MEMBERSHIPS)):
        if person == viewer or (viewer, person) in blocks or (person, viewer) in blocks:
            continue
        levels = dict(zip(FIELDS, audiences[person], strict=True))
        seen = {field: _sees(levels[field], viewer, person) for field in FIELDS}
        if not seen["name"]:
            continue
        shown = _shown_editions(levels["name"], viewer, person)
        if query.programme and query.programme not in {PROGRAMME_OF[e] for e in shown}:
            continue
        if query.edition and query.edition not in shown:
            continue
        if query.country and not (seen["country"] and COUNTRIES[person] == query.country):
            continue
        if query.language and not (seen["languages"] and query.language in LANGUAGES[person]):
            continue
        if query.interest and not (seen["interests"] and query.interest in INTERESTS[person]):
            continue
        found[person] = seen
    return found


async def _apply(world: World, audiences: list[list[int]], blocks: set[tuple[int, int]]) -> None:
    async with world.sessionmaker() as session:
        for person, levels in zip(world.people, audiences, strict=True):
            await session.execute(
                update(AlumniProfile)
                .where(AlumniProfile.participant_id == person)
                .values(
                    {f"{field}_seen": level for field, level in zip(FIELDS, levels, strict=True)}
                )
            )
        await session.execute(delete(AlumniBlock))
        for blocker, blocked in blocks:
            session.add(
                AlumniBlock(
                    blocker_id=world.people[blocker],
                    blocked_id=world.people[blocked],
                    created_at=NOW,
                )
            )
        await session.commit()


async def _everything(world: World, viewer: int, query: Query) -> list[Card]:
    where = DirectoryFilter(
        programme_id=world.programmes.get(query.programme, 0),
        edition_id=world.editions.get(query.edition, 0),
        country=query.country,
        language=query.language,
        interest=query.interest,
    )
    cards: list[Card] = []
    async with world.sessionmaker() as session:
        page = 0
        while True:
            found = await search(session, world.people[viewer], where, page)
            cards += found.cards
            if not found.has_more:
                return cards
            page += 1


def _check_card(
    world: World, card: Card, person: int, seen: dict[str, bool], audiences: list[list[int]]
) -> None:
    viewer_editions = {world.editions[e]: e for e in world.editions}
    assert card.name == f"Person {person}"
    assert {viewer_editions[e] for e in card.editions} == _shown_editions(
        audiences[person][0], VIEWER[0], person
    )
    values = {
        "bio": f"Bio {person}",
        "city": f"City {person}",
        "country": COUNTRIES[person],
        "languages": LANGUAGES[person],
        "interests": INTERESTS[person],
    }
    for field, value in values.items():
        assert getattr(card, field) == (value if seen[field] else None), field
    assert card.tags == ((f"tag{person}",) if seen["interests"] else None)


VIEWER = [0]  # the viewer of the example being checked (for _check_card)
AUDIENCES = st.lists(
    st.lists(st.integers(0, 3), min_size=len(FIELDS), max_size=len(FIELDS)),
    min_size=len(MEMBERSHIPS),
    max_size=len(MEMBERSHIPS),
)
PAIRS = st.sets(
    st.tuples(st.integers(0, 5), st.integers(0, 5)).filter(lambda pair: pair[0] != pair[1]),
    max_size=4,
)
QUERIES = st.builds(
    Query,
    programme=st.sampled_from(["", "", "A", "B"]),
    edition=st.sampled_from(["", "", "a1", "a2", "b1"]),
    country=st.sampled_from(["", "", "AM", "AZ", "GE"]),
    language=st.sampled_from(["", "", "hy", "ru", "az", "en", "de"]),
    interest=st.sampled_from(["", "", "music", "economy", "sport", "rights"]),
)


def test_no_search_or_card_shows_more_than_the_audiences_allow(
    sqlite_databases: SQLiteDatabases, tmp_path: Path
) -> None:
    databases = sqlite_databases
    url = databases.create(tmp_path)
    loop = asyncio.new_event_loop()
    engine = create_engine(url)
    try:
        world = _run(loop, _build(create_sessionmaker(engine)))

        @settings(
            max_examples=60,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(audiences=AUDIENCES, blocks=PAIRS, viewer=st.integers(0, 5), query=QUERIES)
        def check(
            audiences: list[list[int]], blocks: set[tuple[int, int]], viewer: int, query: Query
        ) -> None:
            VIEWER[0] = viewer
            _run(loop, _apply(world, audiences, blocks))
            expected = _expected(audiences, blocks, viewer, query)
            cards = _run(loop, _everything(world, viewer, query))
            index = {pid: number for number, pid in enumerate(world.people)}
            assert [index[card.participant_id] for card in cards] == sorted(expected)
            for card in cards:
                person = index[card.participant_id]
                _check_card(world, card, person, expected[person], audiences)
            # A card opened directly shows the same, and nobody else can be opened.
            everyone = _expected(audiences, blocks, viewer, Query("", "", "", "", ""))
            for person, pid in enumerate(world.people):
                if person in everyone:
                    opened = _run(loop, _open(world, viewer, pid))
                    assert opened is not None
                    _check_card(world, opened, person, everyone[person], audiences)
                else:
                    assert _run(loop, _open(world, viewer, pid)) is None

        check()
    finally:
        _run(loop, engine.dispose())
        loop.close()
        databases.drop(url)


async def _open(world: World, viewer: int, person_id: int) -> Card | None:
    async with world.sessionmaker() as session:
        try:
            return await card_of(session, world.people[viewer], person_id)
        except PersonUnavailable:
            return None


def test_a_card_has_no_place_for_a_telegram_handle_or_id() -> None:
    names = {field.name for field in dataclasses.fields(Card)}
    assert not {name for name in names if "telegram" in name or "username" in name}


def test_the_world_is_as_described() -> None:
    assert len(MEMBERSHIPS) == len(COUNTRIES) == len(LANGUAGES) == len(INTERESTS)

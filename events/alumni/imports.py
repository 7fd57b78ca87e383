"""Organisers import the alumni of past editions from CSV.

Columns (a header line first, in any order): ``name``, ``telegram`` (a username, with or
without ``@``, or a numeric Telegram id), ``edition`` (the event's slug, in the
programme, ended, not cancelled) and optionally ``country`` (ISO 3166-1 alpha-2).

The good rows are imported and each bad row is reported, named ``csv.<line>.<column>``
(line numbers as a spreadsheet shows them: the header is line 1); a bad row changes
nothing. Sending the corrected file again is safe: a person already listed for an
edition is counted, never listed twice. ``all_or_nothing`` refuses the whole file when
any row is bad instead, and a file without one good row, or with a bad header, is always
refused whole.

Imported people are not visible to anyone until they confirm in the bot (see
``events.alumni.invitations``): a row says only that an organiser listed that account.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import ConfigDict, Field, StrictBool
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.alumni.errors import InvalidRows
from events.alumni.membership import IMPORTED
from events.audit import record
from events.countries import country_code
from events.enums import PublicationStatus
from events.inputs import Strict
from events.models import Alumnus, Event, Participant
from events.principals import Principal
from events.programmes import get_programme
from events.text_fields import Text

# Limits at the edge: a CSV of a few thousand people is a few hundred KiB.
MAX_CSV_CHARACTERS = 200_000
MAX_ROWS = 2000
COLUMNS = ("name", "telegram", "edition", "country")
REQUIRED = ("name", "telegram", "edition")
# Telegram's rule for usernames: 5-32 of a-z, 0-9 and _, starting with a letter.
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
MAX_TELEGRAM_ID = 2**53 - 1
_NAME = Text(100)


class AlumniImport(Strict):
    """A CSV file of past alumni, as text."""

    model_config = ConfigDict(str_max_length=MAX_CSV_CHARACTERS)

    csv: Annotated[str, Field(min_length=1, max_length=MAX_CSV_CHARACTERS)]
    # Refuse the whole file when any row is bad (by default the good rows are imported).
    all_or_nothing: StrictBool = False

    rules_not_in_schema: ClassVar[dict[str, str]] = {
        "csv": f"a header line naming the columns {', '.join(COLUMNS)} (country optional) "
        f"and at most {MAX_ROWS} rows",
        "csv.*.*": "each row's value for its column: a name of 1-100 characters on one line, "
        "a Telegram username or numeric id, the slug of an ended edition of the programme, "
        "an ISO 3166-1 alpha-2 country code",
    }
    schema_examples: ClassVar[list[dict[str, str]]] = [
        {"csv": "name,telegram,edition,country\nAni Petrosyan,@ani_p,summer-school-2025,AM\n"}
    ]


@dataclass(frozen=True)
class RejectedRow:
    """A row left out, and why: ``field`` is ``csv.<line>.<column>`` (or ``csv.<line>``
    for a row with the wrong number of values)."""

    line: int
    field: str
    message: str


@dataclass(frozen=True)
class ImportResult:
    imported: int
    already_listed: int
    rejected: list[RejectedRow]


@dataclass(frozen=True)
class _Row:
    line: int
    name: str
    username: str | None
    telegram_user_id: int | None
    event: Event
    country: str | None


async def import_alumni(
    session: AsyncSession,
    now: datetime,
    actor: Principal,
    programme_slug: str,
    text: str,
    *,
    all_or_nothing: bool = False,
) -> ImportResult:
    """Import the good rows of a CSV of past alumni into a programme the actor manages
    (and commit), and report the bad ones; a person already listed for that edition is
    counted, not listed twice.

    Raises ``InvalidRows`` (every bad row and column) and imports nothing for a bad
    header, a file without a good row, or any bad row when ``all_or_nothing``.
    """
    programme = await get_programme(session, programme_slug)
    actor.ensure_manages(programme.id)
    editions = {
        event.slug: event
        for event in await session.scalars(select(Event).where(Event.programme_id == programme.id))
    }
    rows, rejected = _parse(text, editions, now)
    if not rows or (rejected and all_or_nothing):
        problems = [(row.field, row.message) for row in rejected]
        raise InvalidRows(problems or [("csv", "the file has a header but no rows")])
    imported = already = 0
    seen: set[tuple[int, str]] = set()
    for row in rows:
        key = (row.event.id, row.username or str(row.telegram_user_id))
        if key in seen or await _listed(session, row):
            already += 1
            continue
        seen.add(key)
        session.add(
            Alumnus(
                event_id=row.event.id,
                programme_id=programme.id,
                participant_id=None,
                source=IMPORTED,
                name=row.name,
                telegram_username=row.username,
                telegram_user_id=row.telegram_user_id,
                country=row.country,
                created_at=now,
            )
        )
        imported += 1
    await record(
        session,
        now,
        actor,
        "alumni.import",
        "programme",
        programme.id,
        programme_id=programme.id,
        # Line numbers only: the rows' values are people's names and accounts.
        details={
            "imported": imported,
            "already_listed": already,
            "rejected_lines": sorted({row.line for row in rejected}),
        },
    )
    await session.commit()
    return ImportResult(imported, already, rejected)


async def _listed(session: AsyncSession, row: _Row) -> bool:
    """Is this account already an alumnus (imported or attended) of the edition?"""
    conditions = []
    if row.username is not None:
        conditions.append(Alumnus.telegram_username == row.username)
    if row.telegram_user_id is not None:
        conditions.append(Alumnus.telegram_user_id == row.telegram_user_id)
        person = await session.scalar(
            select(Participant.id).where(Participant.telegram_user_id == row.telegram_user_id)
        )
        if person is not None:
            conditions.append(Alumnus.participant_id == person)
    found = await session.scalar(
        select(Alumnus.id).where(Alumnus.event_id == row.event.id, or_(*conditions)).limit(1)
    )
    return found is not None


def _parse(
    text: str, editions: dict[str, Event], now: datetime
) -> tuple[list[_Row], list[RejectedRow]]:
    """The good rows and the problems of the bad ones; ``InvalidRows`` for a file that
    cannot be read as a whole (header, size, CSV syntax before the first row)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise InvalidRows([("csv", f"line 1: not readable as CSV ({error})")]) from error
    if header is None:
        raise InvalidRows([("csv", "the file is empty: a header line is needed")])
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED if name not in columns]
    unknown = [name for name in columns if name not in COLUMNS]
    if missing or unknown or len(set(columns)) != len(columns):
        raise InvalidRows(
            [
                (
                    "csv",
                    f"line 1: the header must name the columns {', '.join(COLUMNS)} "
                    "(country optional), each once",
                )
            ]
        )
    rows: list[_Row] = []
    problems: list[RejectedRow] = []
    counted = 0
    try:
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue  # a blank line, as spreadsheets leave at the end
            counted += 1
            if counted > MAX_ROWS:
                raise InvalidRows([("csv", f"more than {MAX_ROWS} rows: split the file")])
            if len(values) != len(columns):
                why = f"line {line}: {len(values)} values, {len(columns)} expected"
                problems.append(RejectedRow(line, f"csv.{line}", why))
                continue
            row, errors = _row(line, dict(zip(columns, values, strict=True)), editions, now)
            problems.extend(errors)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        # Nothing after an unreadable line can be trusted to be where it seems.
        why = f"line {reader.line_num}: not readable as CSV ({error}); nothing after it was read"
        problems.append(RejectedRow(reader.line_num, "csv", why))
    return rows, problems


def _row(
    line: int, values: dict[str, str], editions: dict[str, Event], now: datetime
) -> tuple[_Row | None, list[RejectedRow]]:
    problems: list[RejectedRow] = []

    def bad(column: str, why: str) -> None:
        problems.append(RejectedRow(line, f"csv.{line}.{column}", f"line {line}, {column}: {why}"))

    name = ""
    try:
        name = _NAME.validate(values["name"])
    except ValueError as error:
        bad("name", str(error))
    username, telegram_user_id = None, None
    telegram = values["telegram"].strip()
    if telegram.isdigit():
        telegram_user_id = int(telegram)
        if not 1 <= telegram_user_id <= MAX_TELEGRAM_ID:
            bad("telegram", "a Telegram id is a whole number from 1 to 2^53-1")
    elif USERNAME.fullmatch(telegram.removeprefix("@")):
        username = telegram.removeprefix("@").lower()
    else:
        bad("telegram", "a Telegram username (5-32 letters, digits or _) or a numeric id")
    event = editions.get(values["edition"].strip())
    if event is None:
        bad("edition", "no edition of this programme has this slug")
    elif event.status == PublicationStatus.CANCELLED or event.ends_at > now:
        bad("edition", "only editions that took place and have ended can have alumni")
    country = values.get("country", "").strip() or None
    if country is not None:
        try:
            country = country_code(country)
        except ValueError as error:
            bad("country", str(error))
    if problems or event is None:
        return None, problems
    return _Row(line, name, username, telegram_user_id, event, country), []

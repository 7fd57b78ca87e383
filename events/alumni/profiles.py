"""A person's own directory profile: its fields and who may see each.

Only confirmed alumni have one. Values are checked here (lengths, codes, the closed
lists), so the bot only passes on what people typed or pressed.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from events.alumni.membership import alumnus_memberships
from events.alumni.visibility import FIELDS, Audience
from events.countries import country_code
from events.errors import InvalidInput
from events.models import AlumniProfile
from events.text_fields import Text

# The interests a profile can name, keys of a translated list (the bot's catalogues).
INTERESTS = (
    "peacebuilding",
    "economy",
    "culture",
    "music",
    "media",
    "education",
    "environment",
    "technology",
    "rights",
    "sport",
)
# Languages a profile can say it speaks (names come from CLDR in the reader's language).
SPOKEN = ("hy", "az", "ka", "ru", "en", "tr", "fa", "de", "fr")
BIO = Text(300, several_lines=True)
CITY = Text(60)
TAG = Text(30)
MAX_TAGS = 5


def packed(values: Iterable[str]) -> str:
    """``|a|b|``: what a ``LIKE '%|a|%'`` finds; empty for none."""
    values = list(values)
    return f"|{'|'.join(values)}|" if values else ""


def unpacked(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split("|") if part)


async def own_profile(session: AsyncSession, participant_id: int | None) -> AlumniProfile | None:
    """The person's profile, None if they have not made one; ``NotAnAlumnus`` if they
    are no alumnus."""
    await alumnus_memberships(session, participant_id)
    assert participant_id is not None
    return await session.get(AlumniProfile, participant_id)


async def _profile(session: AsyncSession, now: datetime, participant_id: int) -> AlumniProfile:
    profile = await own_profile(session, participant_id)
    if profile is None:
        # Everything hidden until the person says otherwise, field by field.
        profile = AlumniProfile(
            participant_id=participant_id,
            **{f"{field}_seen": int(Audience.NOBODY) for field in FIELDS},
            created_at=now,
            updated_at=now,
        )
        session.add(profile)
    return profile


async def create_profile(
    session: AsyncSession, now: datetime, participant_id: int
) -> AlumniProfile:
    """The person's profile, made (every field hidden) if they had none; committed."""
    profile = await _profile(session, now, participant_id)
    await session.commit()
    return profile


async def set_text(
    session: AsyncSession, now: datetime, participant_id: int, field: str, value: str
) -> AlumniProfile:
    """Set ``bio``, ``city`` or ``tags`` (comma-separated) from what the person typed;
    ``InvalidInput`` names the field. A single ``-`` clears it."""
    value = "" if value.strip() == "-" else value
    try:
        if field == "bio":
            cleaned = BIO.validate(value) if value.strip() else ""
        elif field == "city":
            cleaned = CITY.validate(value) if value.strip() else ""
        elif field == "tags":
            tags = [TAG.validate(tag) for tag in value.replace("|", ",").split(",") if tag.strip()]
            if len(tags) > MAX_TAGS:
                raise ValueError(f"at most {MAX_TAGS} tags")
            cleaned = packed(dict.fromkeys(tags))
        else:
            raise InvalidInput("field", f"{field!r} is not a text field of a profile")
    except ValueError as error:
        raise InvalidInput(field, str(error)) from error
    profile = await _profile(session, now, participant_id)
    setattr(profile, field, cleaned)
    profile.updated_at = now
    await session.commit()
    return profile


async def set_country(
    session: AsyncSession, now: datetime, participant_id: int, code: str | None
) -> AlumniProfile:
    try:
        checked = country_code(code) if code else None
    except ValueError as error:
        raise InvalidInput("country", str(error)) from error
    profile = await _profile(session, now, participant_id)
    profile.country = checked
    profile.updated_at = now
    await session.commit()
    return profile


async def toggle(
    session: AsyncSession, now: datetime, participant_id: int, field: str, key: str
) -> AlumniProfile:
    """Add ``key`` to ``languages`` or ``interests``, or take it out if it is there."""
    offered = {"languages": SPOKEN, "interests": INTERESTS}.get(field)
    if offered is None or key not in offered:
        raise InvalidInput(field, f"{key!r} is not offered")
    profile = await _profile(session, now, participant_id)
    chosen = list(unpacked(getattr(profile, field)))
    chosen = [k for k in chosen if k != key] if key in chosen else [*chosen, key]
    setattr(profile, field, packed(k for k in offered if k in chosen))
    profile.updated_at = now
    await session.commit()
    return profile


async def set_audience(
    session: AsyncSession, now: datetime, participant_id: int, field: str, audience: int
) -> AlumniProfile:
    """Who may see ``field`` (an ``Audience``)."""
    if field not in FIELDS:
        raise InvalidInput("field", f"{field!r} is not a field of a profile")
    try:
        level = Audience(audience)
    except ValueError as error:
        raise InvalidInput("audience", f"{audience!r} is not an audience") from error
    profile = await _profile(session, now, participant_id)
    setattr(profile, f"{field}_seen", int(level))
    profile.updated_at = now
    await session.commit()
    return profile

"""The demo's alumni network: last summer's school, and thirty fictional alumni who wrote
their profiles in the five languages and chose who may see what (and most of whom
answered its feedback survey, ``redbridge.demo.feedback``).

None has a Telegram account: their names are invented, and a made-up Telegram id could
belong to a real person. In the sandbox, the person at the keyboard is listed among the
school's alumni (as an organiser's import would list them) and is invited on their first
message, so the directory is there to try.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.alumni.imports import import_alumni
from events.alumni.membership import IMPORTED, enrol_alumni
from events.alumni.profiles import set_audience, set_country, set_text, toggle
from events.alumni.visibility import Audience
from events.editions import complete_past_events, create_event, publish_event
from events.enums import Gender, RegistrationMode
from events.inputs import EventDraft, ParticipantDetails
from events.models import Event
from events.participants import upsert_participant
from redbridge.demo.feedback import load_feedback
from redbridge.demo.programmes import (
    MONDAY,
    MOTIVATION_QUESTION,
    ROTATION,
    SUMMER_SCHOOL,
    SUMMER_SCHOOL_CAPACITY,
    TBILISI,
    TEXTS,
    _local,
    _nth_weekday,
    _today,
)

ALL, PROGRAMME, EDITION, NOBODY = (
    Audience.ALL,
    Audience.PROGRAMME,
    Audience.EDITION,
    Audience.NOBODY,
)


@dataclass(frozen=True)
class DemoAlumnus:
    name: str
    country: str
    city: str
    language: str  # the language they use the bot in, and wrote their bio in
    bio: str
    spoken: tuple[str, ...]
    interests: tuple[str, ...]
    tags: str
    # Who sees: name, bio, city, country, languages, interests.
    seen: tuple[Audience, Audience, Audience, Audience, Audience, Audience]


OPEN = (ALL, ALL, ALL, ALL, ALL, ALL)
CAREFUL = (ALL, PROGRAMME, NOBODY, ALL, ALL, ALL)
CLOSE = (EDITION, EDITION, EDITION, EDITION, EDITION, EDITION)
HIDDEN = (NOBODY, NOBODY, NOBODY, NOBODY, NOBODY, NOBODY)

ALUMNI = (
    DemoAlumnus(
        "Anahit Sargsyan",
        "AM",
        "Գյումրի",
        "hy",
        "Ճարտարապետության ուսանող եմ, հետաքրքրում են հին քաղաքների վերականգնման նախագծերը։",
        ("hy", "ru", "en"),
        ("culture", "education"),
        "ճարտարապետություն",
        OPEN,
    ),
    DemoAlumnus(
        "Tigran Hakobyan",
        "AM",
        "Երևան",
        "hy",
        "Աշխատում եմ փոքր բիզնեսների աջակցման ծրագրում։ Սիրով կկիսվեմ փորձով։",
        ("hy", "en"),
        ("economy", "technology"),
        "ստարտափներ",
        CAREFUL,
    ),
    DemoAlumnus(
        "Mariam Grigoryan",
        "AM",
        "Վանաձոր",
        "hy",
        "Դպրոցում անգլերեն եմ դասավանդում և կազմակերպում եմ երիտասարդական ակումբ։",
        ("hy", "en", "ru"),
        ("education", "peacebuilding"),
        "",
        OPEN,
    ),
    DemoAlumnus(
        "Aram Petrosyan",
        "AM",
        "Դիլիջան",
        "hy",
        "Լուսանկարում եմ բնությունը և գրում եմ էկոտուրիզմի մասին։",
        ("hy", "ru"),
        ("environment", "media"),
        "լուսանկարչություն",
        CLOSE,
    ),
    DemoAlumnus(
        "Lilit Avetisyan",
        "AM",
        "Իջևան",
        "hy",
        "Դաշնամուր եմ նվագում, երազում եմ համատեղ համերգի մասին։",
        ("hy", "en"),
        ("music", "culture"),
        "դաշնամուր",
        OPEN,
    ),
    DemoAlumnus(
        "Narek Vardanyan",
        "AM",
        "Գորիս",
        "hy",
        "Ծրագրավորող եմ։",
        ("hy", "en"),
        ("technology",),
        "",
        HIDDEN,
    ),
    DemoAlumnus(
        "Leyla Mammadova",
        "AZ",
        "Gəncə",
        "az",
        "İqtisadiyyat üzrə magistrantam, regional ticarət mövzusunda tədqiqat aparıram.",
        ("az", "ru", "en"),
        ("economy", "education"),
        "tədqiqat",
        OPEN,
    ),
    DemoAlumnus(
        "Rashad Aliyev",
        "AZ",
        "Bakı",
        "az",
        "Jurnalistəm, gənclər haqqında müsbət hekayələr toplayıram.",
        ("az", "en", "tr"),
        ("media", "peacebuilding"),
        "podkast",
        CAREFUL,
    ),
    DemoAlumnus(
        "Aytan Huseynova",
        "AZ",
        "Şəki",
        "az",
        "Xalça toxuma sənətini öyrənirəm və sənətkarlıq emalatxanası açmaq istəyirəm.",
        ("az", "ru"),
        ("culture",),
        "sənətkarlıq",
        OPEN,
    ),
    DemoAlumnus(
        "Elvin Guliyev",
        "AZ",
        "Lənkəran",
        "az",
        "Ekoloji könüllü qrupunda çalışıram, sahil təmizliyi aksiyaları təşkil edirik.",
        ("az", "en"),
        ("environment", "sport"),
        "könüllülük",
        CLOSE,
    ),
    DemoAlumnus(
        "Nigar Ismayilova",
        "AZ",
        "Qəbələ",
        "az",
        "Musiqi müəllimiyəm, tar çalıram.",
        ("az", "ru", "en"),
        ("music", "education"),
        "tar",
        OPEN,
    ),
    DemoAlumnus(
        "Farid Hasanov",
        "AZ",
        "Qazax",
        "az",
        "Hüquqşünasam, insan hüquqları üzrə seminarlarda iştirak edirəm.",
        ("az", "en", "ru"),
        ("rights",),
        "",
        HIDDEN,
    ),
    DemoAlumnus(
        "Nino Beridze",
        "GE",
        "ქუთაისი",
        "ka",
        "ვსწავლობ საერთაშორისო ურთიერთობებს და მაინტერესებს რეგიონული თანამშრომლობა.",
        ("ka", "en", "ru"),
        ("peacebuilding", "education"),
        "დებატები",
        OPEN,
    ),
    DemoAlumnus(
        "Giorgi Kapanadze",
        "GE",
        "ბათუმი",
        "ka",
        "ვმუშაობ ტურიზმის სფეროში და ვგეგმავ ერთობლივ ლაშქრობებს.",
        ("ka", "en"),
        ("sport", "environment"),
        "ლაშქრობა",
        CAREFUL,
    ),
    DemoAlumnus(
        "Tamar Lomidze",
        "GE",
        "თბილისი",
        "ka",
        "ვარ ჟურნალისტი, ვამზადებ რეპორტაჟებს ახალგაზრდულ ინიციატივებზე.",
        ("ka", "en", "ru"),
        ("media", "culture"),
        "",
        OPEN,
    ),
    DemoAlumnus(
        "Levan Tsiklauri",
        "GE",
        "თელავი",
        "ka",
        "მევენახეობის ოჯახიდან ვარ, მაინტერესებს სოფლის მეურნეობის ახალი ტექნოლოგიები.",
        ("ka", "ru"),
        ("economy", "technology"),
        "მევენახეობა",
        CLOSE,
    ),
    DemoAlumnus(
        "Salome Gelashvili",
        "GE",
        "ზუგდიდი",
        "ka",
        "ვმღერი გუნდში და ვასწავლი ბავშვებს.",
        ("ka", "en"),
        ("music", "education"),
        "გუნდი",
        OPEN,
    ),
    DemoAlumnus(
        "Dato Abashidze",
        "GE",
        "მარნეული",
        "ka",
        "ვარ პროგრამისტი.",
        ("ka", "az", "ru"),
        ("technology",),
        "",
        HIDDEN,
    ),
    DemoAlumnus(
        "Ruben Martirosyan",
        "GE",
        "Тбилиси",
        "ru",
        "Живу в Тбилиси, работаю переводчиком. Помогаю с переводами для молодёжных проектов.",
        ("ru", "hy", "ka", "en"),
        ("culture", "media"),
        "переводы",
        OPEN,
    ),
    DemoAlumnus(
        "Gunel Abbasova",
        "GE",
        "Марнеули",
        "ru",
        "Учитель начальных классов. Интересуюсь многоязычным образованием.",
        ("ru", "az", "ka"),
        ("education",),
        "многоязычие",
        OPEN,
    ),
    DemoAlumnus(
        "Karen Sahakyan",
        "AM",
        "Ереван",
        "ru",
        "Инженер-энергетик, занимаюсь возобновляемыми источниками энергии.",
        ("ru", "hy", "en"),
        ("environment", "technology"),
        "солнечная энергия",
        CAREFUL,
    ),
    DemoAlumnus(
        "Sabina Karimova",
        "AZ",
        "Баку",
        "ru",
        "Дизайнер, делаю плакаты для культурных мероприятий.",
        ("ru", "az", "en"),
        ("culture", "media"),
        "дизайн",
        OPEN,
    ),
    DemoAlumnus(
        "Irakli Chkheidze",
        "GE",
        "Кутаиси",
        "ru",
        "Тренер по футболу в детской секции.",
        ("ru", "ka"),
        ("sport",),
        "футбол",
        CLOSE,
    ),
    DemoAlumnus(
        "Ani Harutyunyan",
        "AM",
        "Гюмри",
        "ru",
        "Социолог. Изучаю, как молодёжь участвует в жизни города.",
        ("ru", "hy", "en"),
        ("peacebuilding", "rights"),
        "",
        OPEN,
    ),
    DemoAlumnus(
        "Sevinj Mammadli",
        "AZ",
        "Ganja",
        "en",
        "Environmental engineer working on clean water projects in small towns.",
        ("en", "az", "ru"),
        ("environment", "technology"),
        "water",
        OPEN,
    ),
    DemoAlumnus(
        "Davit Melikishvili",
        "GE",
        "Tbilisi",
        "en",
        "I run a small coding club for teenagers and love board games.",
        ("en", "ka"),
        ("technology", "education"),
        "board games",
        OPEN,
    ),
    DemoAlumnus(
        "Armine Karapetyan",
        "AM",
        "Yerevan",
        "en",
        "Violinist and music teacher; I would like to start a joint youth orchestra.",
        ("en", "hy", "ru"),
        ("music",),
        "violin",
        CAREFUL,
    ),
    DemoAlumnus(
        "Orkhan Jafarov",
        "AZ",
        "Sheki",
        "en",
        "Economics graduate, interested in cross-border trade and small businesses.",
        ("en", "az", "tr"),
        ("economy",),
        "",
        OPEN,
    ),
    DemoAlumnus(
        "Eka Japaridze",
        "GE",
        "Batumi",
        "en",
        "Human rights lawyer; I volunteer at a legal aid clinic.",
        ("en", "ka", "ru"),
        ("rights", "peacebuilding"),
        "legal aid",
        CLOSE,
    ),
    DemoAlumnus(
        "Hayk Mkrtchyan",
        "AM",
        "Vanadzor",
        "en",
        "Mountain guide and photographer.",
        ("en", "hy"),
        ("sport", "environment"),
        "",
        HIDDEN,
    ),
)

FIELDS_IN_ORDER = ("name", "bio", "city", "country", "languages", "interests")


def past_year(now: datetime) -> int:
    """The year of the last summer school that has taken place (it ends in July)."""
    today = _today(now, TBILISI)
    return today.year if today >= date(today.year, 8, 1) else today.year - 1


def past_edition_draft(now: datetime) -> EventDraft:
    """Last summer's school, as it was published."""
    year = past_year(now)
    first_day = _nth_weekday(year, 7, MONDAY, 2)
    capacity = SUMMER_SCHOOL_CAPACITY
    return EventDraft(
        slug=f"youth-summer-school-{year}",
        title={language: f"{text} {year}" for language, text in SUMMER_SCHOOL.title.items()},
        description=TEXTS.summer_school.edition.translated(),
        starts_at=_local(first_day, 14, 0, TBILISI),
        ends_at=_local(first_day + timedelta(days=9), 12, 0, TBILISI),
        timezone=TBILISI.timezone,
        city=TBILISI.name,
        country=TBILISI.country,
        capacity=capacity,
        registration_closes_at=_local(first_day - timedelta(days=45), 23, 59, TBILISI),
        mode=RegistrationMode.APPLICATION,
        min_age=18,
        max_age=30,
        eligible_countries=[city.country for city in ROTATION],
        country_quotas={city.country: capacity // len(ROTATION) for city in ROTATION},
        gender_quotas={Gender.FEMALE: capacity // 2, Gender.MALE: capacity // 2},
        questions=[MOTIVATION_QUESTION],
    )


async def load_alumni(session: AsyncSession, now: datetime) -> int:
    """Last summer's school and its alumni with their profiles; how many alumni were
    made (0 when they are there already)."""
    draft = past_edition_draft(now)
    if await session.scalar(select(Event.id).where(Event.slug == draft.slug)) is not None:
        return 0
    event = await create_event(session, now, SYSTEM, SUMMER_SCHOOL.slug, draft)
    event = await publish_event(session, now, SYSTEM, event.id)
    event_id = event.id
    await complete_past_events(session, now)
    event = await session.get(Event, event_id) or event
    people = []
    for person in ALUMNI:
        details = ParticipantDetails(
            name=person.name, language=person.language, country=person.country
        )
        people.append((await upsert_participant(session, now, details)).id)
    await enrol_alumni(session, now, event, people, IMPORTED)
    await session.commit()
    await load_feedback(session, now, event, people)
    for person, pid in zip(ALUMNI, people, strict=True):
        await set_text(session, now, pid, "bio", person.bio)
        await set_text(session, now, pid, "city", person.city)
        await set_text(session, now, pid, "tags", person.tags or "-")
        await set_country(session, now, pid, person.country)
        for code in person.spoken:
            await toggle(session, now, pid, "languages", code)
        for key in person.interests:
            await toggle(session, now, pid, "interests", key)
        for field, audience in zip(FIELDS_IN_ORDER, person.seen, strict=True):
            await set_audience(session, now, pid, field, audience)
    return len(people)


async def list_in_demo_alumni(session: AsyncSession, now: datetime, telegram_user_id: int) -> None:
    """The sandbox's person at the keyboard, listed among last summer's alumni as an
    organiser's import would (they confirm in the bot)."""
    slug = past_edition_draft(now).slug
    if await session.scalar(select(Event.id).where(Event.slug == slug)) is None:
        return
    csv = f"name,telegram,edition\nSandbox,{telegram_user_id},{slug}\n"
    await import_alumni(session, now, SYSTEM, SUMMER_SCHOOL.slug, csv)

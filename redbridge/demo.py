"""Demo data for ``redbridge demo``: the programmes the expert group's report proposes.

Everything goes through the domain use cases (as ``SYSTEM``), so the demo obeys the same
rules as an organiser would. Dates are relative to ``now`` and always in the future;
each event keeps its city's IANA zone. Loading twice changes nothing: a programme whose
slug exists, is published and has no draft events left is not touched again.

Content stays neutral and factual (see the glossary): no contested place names and no
political statements, only what the programmes are and how to take part.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM
from events.editions import create_event, publish_event
from events.enums import Gender, ProgrammeKind, PublicationStatus, QuestionKind, RegistrationMode
from events.inputs import Choice, EventDraft, ProgrammeDraft, Question
from events.languages import LANGUAGES, Translated
from events.migrations.runner import upgrade
from events.models import Event, Programme
from events.programmes import create_programme, publish_programme
from events.store import create_engine, create_sessionmaker
from redbridge.settings import Settings

MONDAY, WEDNESDAY, THURSDAY, SATURDAY = 0, 2, 3, 5


def _texts(*, en: str, hy: str, az: str, ka: str, ru: str) -> Translated:
    """One text in all five languages; keyword-only so none can be forgotten."""
    return {"en": en, "hy": hy, "az": az, "ka": ka, "ru": ru}


def _fill(template: Mapping[str, str], **parts: Mapping[str, str]) -> Translated:
    """Fill ``{name}`` placeholders of each language with that language's part."""
    return {
        language: template[language].format(**{key: part[language] for key, part in parts.items()})
        for language in LANGUAGES
    }


# --- Places -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class City:
    slug: str
    name: str  # as stored in the event's city field
    country: str
    timezone: str
    names: Translated
    in_city: Translated  # "in Tbilisi" in each language (locative forms differ)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


TBILISI = City(
    slug="tbilisi",
    name="Tbilisi",
    country="GE",
    timezone="Asia/Tbilisi",
    names=_texts(en="Tbilisi", hy="Թբիլիսի", az="Tbilisi", ka="თბილისი", ru="Тбилиси"),
    in_city=_texts(
        en="in Tbilisi", hy="Թբիլիսիում", az="Tbilisidə", ka="თბილისში", ru="в Тбилиси"
    ),
)
YEREVAN = City(
    slug="yerevan",
    name="Yerevan",
    country="AM",
    timezone="Asia/Yerevan",
    names=_texts(en="Yerevan", hy="Երևան", az="İrəvan", ka="ერევანი", ru="Ереван"),
    in_city=_texts(en="in Yerevan", hy="Երևանում", az="İrəvanda", ka="ერევანში", ru="в Ереване"),
)
BAKU = City(
    slug="baku",
    name="Baku",
    country="AZ",
    timezone="Asia/Baku",
    names=_texts(en="Baku", hy="Բաքու", az="Bakı", ka="ბაქო", ru="Баку"),
    in_city=_texts(en="in Baku", hy="Բաքվում", az="Bakıda", ka="ბაქოში", ru="в Баку"),
)

# The forum's order of rotation (measure 12: first in Georgia, then in turn).
ROTATION: tuple[City, ...] = (TBILISI, YEREVAN, BAKU)


@dataclass(frozen=True, slots=True)
class University:
    city: City
    venue: str
    at: Translated  # "at <university>" in each language


UNIVERSITIES: tuple[University, ...] = (
    University(
        city=TBILISI,
        venue="Ivane Javakhishvili Tbilisi State University",
        at=_texts(
            en="at Ivane Javakhishvili Tbilisi State University",
            hy="Իվանե Ջավախիշվիլու անվան Թբիլիսիի պետական համալսարանում",
            az="İvane Cavaxişvili adına Tbilisi Dövlət Universitetində",
            ka="ივანე ჯავახიშვილის სახელობის თბილისის სახელმწიფო უნივერსიტეტში",
            ru="в Тбилисском государственном университете имени Иване Джавахишвили",
        ),
    ),
    University(
        city=YEREVAN,
        venue="Yerevan State University",
        at=_texts(
            en="at Yerevan State University",
            hy="Երևանի պետական համալսարանում",
            az="İrəvan Dövlət Universitetində",
            ka="ერევნის სახელმწიფო უნივერსიტეტში",
            ru="в Ереванском государственном университете",
        ),
    ),
    University(
        city=BAKU,
        venue="Baku State University",
        at=_texts(
            en="at Baku State University",
            hy="Բաքվի պետական համալսարանում",
            az="Bakı Dövlət Universitetində",
            ka="ბაქოს სახელმწიფო უნივერსიტეტში",
            ru="в Бакинском государственном университете",
        ),
    ),
)


# --- Dates ------------------------------------------------------------------------------


def _local(day: date, hour: int, minute: int, city: City) -> datetime:
    """A wall-clock time in the city's zone (aware; the store keeps it as UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=city.zone)


def _today(now: datetime, city: City) -> date:
    return now.astimezone(city.zone).date()


def _on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month, e.g. the second Thursday."""
    return _on_or_after(date(year, month, 1), weekday) + timedelta(weeks=n - 1)


def _month_after(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


# --- Questions --------------------------------------------------------------------------

# Inclusivity without prying: a yes/no that asks whether to get in touch, no details.
SUPPORT_QUESTION = Question(
    key="support",
    kind=QuestionKind.YES_NO,
    required=False,
    prompt=_texts(
        en=(
            "Would you like the organisers to contact you about accessibility or other support "
            "you may need to take part? You do not need to give any details here."
        ),
        hy=(
            "Ցանկանո՞ւմ եք, որ կազմակերպիչները կապվեն Ձեզ հետ մատչելիության կամ այլ աջակցության "
            "վերաբերյալ, որը կարող է Ձեզ անհրաժեշտ լինել մասնակցելու համար։ Այստեղ մանրամասներ "
            "նշելու կարիք չկա։"
        ),
        az=(
            "İştirak etmək üçün ehtiyac duya biləcəyiniz əlçatanlıq və ya digər dəstək barədə "
            "təşkilatçıların Sizinlə əlaqə saxlamasını istəyirsinizmi? Burada heç bir təfərrüat "
            "yazmağınız tələb olunmur."
        ),
        ka=(
            "გსურთ, რომ ორგანიზატორები დაგიკავშირდნენ ხელმისაწვდომობის ან სხვა მხარდაჭერის "
            "შესახებ, რომელიც შეიძლება მონაწილეობისთვის დაგჭირდეთ? აქ დეტალების მითითება საჭირო "
            "არ არის."
        ),
        ru=(
            "Хотите ли Вы, чтобы организаторы связались с Вами по поводу доступной среды или "
            "другой поддержки, которая может понадобиться Вам для участия? Подробности здесь "
            "указывать не нужно."
        ),
    ),
)

MOTIVATION_QUESTION = Question(
    key="motivation",
    kind=QuestionKind.TEXT,
    max_length=1000,
    prompt=_texts(
        en=(
            "Why would you like to take part in the summer school, and what would you bring to "
            "the group?"
        ),
        hy=(
            "Ինչո՞ւ կցանկանայիք մասնակցել ամառային դպրոցին, և ի՞նչ կարող եք ներդնել խմբի "
            "աշխատանքում։"
        ),
        az=(
            "Yay məktəbində niyə iştirak etmək istəyirsiniz və qrupa hansı töhfəni verə "
            "bilərsiniz?"
        ),
        ka=(
            "რატომ გსურთ საზაფხულო სკოლაში მონაწილეობა და რა წვლილის შეტანა შეგიძლიათ ჯგუფის "
            "მუშაობაში?"
        ),
        ru=(
            "Почему Вы хотите принять участие в летней школе и что Вы могли бы привнести в работу "
            "группы?"
        ),
    ),
)

TRACK_QUESTION = Question(
    key="track",
    kind=QuestionKind.CHOICE,
    prompt=_texts(
        en="Which track would you prefer?",
        hy="Ո՞ր ուղղությունն եք նախընտրում։",
        az="Hansı istiqaməti üstün tutursunuz?",
        ka="რომელ მიმართულებას ანიჭებთ უპირატესობას?",
        ru="Какое направление Вы предпочитаете?",
    ),
    choices=[
        Choice(
            key="economy",
            label=_texts(
                en="Economy and entrepreneurship",
                hy="Տնտեսություն և ձեռնարկատիրություն",
                az="İqtisadiyyat və sahibkarlıq",
                ka="ეკონომიკა და მეწარმეობა",
                ru="Экономика и предпринимательство",
            ),
        ),
        Choice(
            key="culture_media",
            label=_texts(
                en="Culture and media",
                hy="Մշակույթ և մեդիա",
                az="Mədəniyyət və media",
                ka="კულტურა და მედია",
                ru="Культура и медиа",
            ),
        ),
        Choice(
            key="environment",
            label=_texts(
                en="Environment and climate",
                hy="Շրջակա միջավայր և կլիմա",
                az="Ətraf mühit və iqlim",
                ka="გარემო და კლიმატი",
                ru="Окружающая среда и климат",
            ),
        ),
        Choice(
            key="education",
            label=_texts(
                en="Education and youth work",
                hy="Կրթություն և երիտասարդական աշխատանք",
                az="Təhsil və gənclərlə iş",
                ka="განათლება და ახალგაზრდებთან მუშაობა",
                ru="Образование и работа с молодёжью",
            ),
        ),
    ],
)

BACKGROUND_QUESTION = Question(
    key="background",
    kind=QuestionKind.TEXT,
    max_length=1000,
    prompt=_texts(
        en=(
            "Please describe briefly your work in civil society, the media or research, and what "
            "you hope to gain from the visit."
        ),
        hy=(
            "Խնդրում ենք համառոտ նկարագրել Ձեր աշխատանքը քաղաքացիական հասարակության, "
            "լրատվամիջոցների կամ հետազոտությունների ոլորտում, և թե ինչ եք ակնկալում այս այցից։"
        ),
        az=(
            "Zəhmət olmasa, vətəndaş cəmiyyəti, media və ya tədqiqat sahəsindəki işinizi və bu "
            "səfərdən nə gözlədiyinizi qısaca təsvir edin."
        ),
        ka=(
            "გთხოვთ, მოკლედ აღწეროთ თქვენი საქმიანობა სამოქალაქო საზოგადოების, მედიის ან კვლევის "
            "სფეროში და რას ელით ამ ვიზიტისგან."
        ),
        ru=(
            "Пожалуйста, кратко опишите Вашу работу в гражданском обществе, СМИ или в сфере "
            "исследований и то, что Вы ожидаете от этого визита."
        ),
    ),
)

PASSPORT_QUESTION = Question(
    key="passport",
    kind=QuestionKind.YES_NO,
    prompt=_texts(
        en="Do you have a passport that is valid for at least six months after the visit?",
        hy="Ունե՞ք անձնագիր, որը վավեր է այցից հետո առնվազն վեց ամիս։",
        az="Səfərdən sonra ən azı altı ay etibarlı olan pasportunuz varmı?",
        ka=(
            "გაქვთ პასპორტი, რომელიც ვიზიტის შემდეგ მინიმუმ ექვსი თვის განმავლობაში იქნება "
            "მოქმედი?"
        ),
        ru="Есть ли у Вас паспорт, действительный не менее шести месяцев после визита?",
    ),
)


# --- Programmes and their events --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoProgramme:
    programme: ProgrammeDraft
    events: tuple[EventDraft, ...]


# Measure 15, with the inclusivity section: equal numbers of women and men and of each
# country; young people outside the capitals especially welcome.

SUMMER_SCHOOL = ProgrammeDraft(
    slug="youth-summer-school",
    kind=ProgrammeKind.SUMMER_SCHOOL,
    title=_texts(
        en="South Caucasus Youth Summer School",
        hy="Հարավային Կովկասի երիտասարդական ամառային դպրոց",
        az="Cənubi Qafqaz Gənclər Yay Məktəbi",
        ka="სამხრეთ კავკასიის ახალგაზრდული საზაფხულო სკოლა",
        ru="Молодёжная летняя школа Южного Кавказа",
    ),
    description=_texts(
        en=(
            "A summer school for young people aged 18 to 30 from Armenia, Azerbaijan and Georgia. "
            "Participants work together on topics of common interest (the economy, culture and "
            "media, the environment) and, with the help of experienced moderators, also discuss "
            "difficult questions. Places are shared equally between women and men and between the "
            "three countries. Alumni stay in touch through the alumni network."
        ),
        hy=(
            "Ամառային դպրոց Հայաստանի, Ադրբեջանի և Վրաստանի 18–30 տարեկան երիտասարդների համար։ "
            "Մասնակիցները միասին աշխատում են ընդհանուր հետաքրքրություն ներկայացնող թեմաների շուրջ "
            "(տնտեսություն, մշակույթ և մեդիա, շրջակա միջավայր), իսկ փորձառու մոդերատորների "
            "աջակցությամբ քննարկում են նաև բարդ հարցեր։ Տեղերը հավասարապես բաշխվում են կանանց և "
            "տղամարդկանց, ինչպես նաև երեք երկրների միջև։ Շրջանավարտները կապ են պահպանում "
            "շրջանավարտների ցանցի միջոցով։"
        ),
        az=(
            "Ermənistan, Azərbaycan və Gürcüstandan 18–30 yaşlı gənclər üçün yay məktəbi. "
            "İştirakçılar ümumi maraq doğuran mövzular (iqtisadiyyat, mədəniyyət və media, ətraf "
            "mühit) üzərində birlikdə işləyir, təcrübəli moderatorların köməyi ilə çətin "
            "məsələləri də müzakirə edirlər. Yerlər qadınlar və kişilər, eləcə də üç ölkə "
            "arasında bərabər bölünür. Məzunlar məzunlar şəbəkəsi vasitəsilə əlaqə saxlayırlar."
        ),
        ka=(
            "საზაფხულო სკოლა სომხეთის, აზერბაიჯანისა და საქართველოს 18–30 წლის ახალგაზრდებისთვის. "
            "მონაწილეები ერთად მუშაობენ საერთო ინტერესის თემებზე (ეკონომიკა, კულტურა და მედია, "
            "გარემო) და გამოცდილი მოდერატორების დახმარებით რთულ საკითხებსაც განიხილავენ. ადგილები "
            "თანაბრად ნაწილდება ქალებსა და მამაკაცებს შორის, ასევე სამ ქვეყანას შორის. "
            "კურსდამთავრებულები კავშირს კურსდამთავრებულთა ქსელის მეშვეობით ინარჩუნებენ."
        ),
        ru=(
            "Летняя школа для молодых людей от 18 до 30 лет из Армении, Азербайджана и Грузии. "
            "Участники вместе работают над темами, представляющими общий интерес (экономика, "
            "культура и медиа, окружающая среда), а при поддержке опытных модераторов обсуждают и "
            "сложные вопросы. Места распределяются поровну между женщинами и мужчинами, а также "
            "между тремя странами. Выпускники поддерживают связь через сеть выпускников."
        ),
    ),
)

SUMMER_SCHOOL_EDITION = _texts(
    en=(
        "Ten days of workshops, moderated discussions and joint projects in Georgia. The "
        "organisers select participants from the applications, with equal numbers of women and "
        "men and of participants from each country. Applications from young people living outside "
        "the capital cities, including in border areas, are especially welcome. Accommodation and "
        "meals are provided. The exact venue is shared with selected participants."
    ),
    hy=(
        "Տասնօրյա սեմինարներ, մոդերատորների վարած քննարկումներ և համատեղ նախագծեր Վրաստանում։ "
        "Կազմակերպիչներն ընտրում են մասնակիցներին ներկայացված հայտերից՝ հավասար թվով կանանց և "
        "տղամարդկանց, ինչպես նաև յուրաքանչյուր երկրից հավասար թվով մասնակիցների։ Մասնավորապես "
        "ողջունում ենք մայրաքաղաքներից դուրս, այդ թվում՝ սահմանամերձ բնակավայրերում ապրող "
        "երիտասարդների հայտերը։ Կացարանն ու սնունդն ապահովվում են։ Անցկացման ճշգրիտ վայրը "
        "կհաղորդվի ընտրված մասնակիցներին։"
    ),
    az=(
        "Gürcüstanda on günlük seminarlar, moderatorlu müzakirələr və birgə layihələr. "
        "Təşkilatçılar iştirakçıları müraciətlər əsasında seçir: qadınların və kişilərin, eləcə "
        "də hər ölkədən olan iştirakçıların sayı bərabər olur. Paytaxtlardan kənarda, o cümlədən "
        "sərhədyanı ərazilərdə yaşayan gənclərin müraciətlərini xüsusilə gözləyirik. Yaşayış və "
        "qidalanma təmin olunur. Dəqiq məkan seçilmiş iştirakçılara bildirilir."
    ),
    ka=(
        "ათდღიანი სემინარები, მოდერირებული დისკუსიები და ერთობლივი პროექტები საქართველოში. "
        "ორგანიზატორები მონაწილეებს განაცხადების საფუძველზე არჩევენ: ქალებისა და მამაკაცების, "
        "ასევე თითოეული ქვეყნის მონაწილეთა რაოდენობა თანაბარია. განსაკუთრებით მივესალმებით "
        "დედაქალაქების გარეთ, მათ შორის სასაზღვრო რაიონებში მცხოვრები ახალგაზრდების განაცხადებს. "
        "მონაწილეები უზრუნველყოფილი არიან საცხოვრებლითა და კვებით. ზუსტი ადგილი შერჩეულ "
        "მონაწილეებს ეცნობებათ."
    ),
    ru=(
        "Десять дней семинаров, модерируемых дискуссий и совместных проектов в Грузии. "
        "Организаторы отбирают участников по заявкам: женщин и мужчин, как и участников из каждой "
        "страны, будет поровну. Мы особенно приветствуем заявки молодых людей, живущих за "
        "пределами столиц, в том числе в приграничных районах. Проживание и питание "
        "предоставляются. Точное место проведения сообщается отобранным участникам."
    ),
)

SUMMER_SCHOOL_CAPACITY = 36  # 12 per country, 18 women and 18 men


def _summer_school(now: datetime) -> DemoProgramme:
    """Next summer's edition; this summer's while it is early enough (before March)."""
    today = _today(now, TBILISI)
    year = today.year if today < date(today.year, 3, 1) else today.year + 1
    first_day = _nth_weekday(year, 7, MONDAY, 2)
    last_day = first_day + timedelta(days=9)
    capacity = SUMMER_SCHOOL_CAPACITY
    edition = EventDraft(
        slug=f"youth-summer-school-{year}",
        title={language: f"{text} {year}" for language, text in SUMMER_SCHOOL.title.items()},
        description=SUMMER_SCHOOL_EDITION,
        starts_at=_local(first_day, 14, 0, TBILISI),
        ends_at=_local(last_day, 12, 0, TBILISI),
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
        questions=[MOTIVATION_QUESTION, TRACK_QUESTION, SUPPORT_QUESTION],
    )
    return DemoProgramme(SUMMER_SCHOOL, (edition,))


# Measure 12: an annual forum, first in Georgia, then rotating between the three countries.

ECONOMIC_FORUM = ProgrammeDraft(
    slug="economic-forum",
    kind=ProgrammeKind.ECONOMIC_FORUM,
    title=_texts(
        en="South Caucasus Economic Forum",
        hy="Հարավային Կովկասի տնտեսական ֆորում",
        az="Cənubi Qafqaz İqtisadi Forumu",
        ka="სამხრეთ კავკასიის ეკონომიკური ფორუმი",
        ru="Экономический форум Южного Кавказа",
    ),
    description=_texts(
        en=(
            "An annual regional forum for businesses, think tanks, professional associations and "
            "international partners from Armenia, Azerbaijan and Georgia. It takes place in each "
            "of the three countries in turn: Tbilisi, Yerevan, then Baku. Panels and working "
            "sessions cover trade, investment, tourism, infrastructure and the green economy."
        ),
        hy=(
            "Տարեկան տարածաշրջանային ֆորում Հայաստանի, Ադրբեջանի և Վրաստանի գործարար շրջանակների, "
            "վերլուծական կենտրոնների, մասնագիտական միավորումների և միջազգային գործընկերների "
            "համար։ Ֆորումը հերթով անցկացվում է երեք երկրներում՝ Թբիլիսիում, Երևանում և Բաքվում։ "
            "Պանելային քննարկումներն ու աշխատանքային նիստերը նվիրված են առևտրին, ներդրումներին, "
            "զբոսաշրջությանը, ենթակառուցվածքներին և կանաչ տնտեսությանը։"
        ),
        az=(
            "Ermənistan, Azərbaycan və Gürcüstanın biznes dairələri, analitik mərkəzləri, peşəkar "
            "birlikləri və beynəlxalq tərəfdaşları üçün illik regional forum. Forum növbə ilə üç "
            "ölkədə keçirilir: Tbilisi, İrəvan, sonra isə Bakı. Panel müzakirələri və işçi "
            "sessiyalar ticarət, investisiya, turizm, infrastruktur və yaşıl iqtisadiyyat "
            "mövzularını əhatə edir."
        ),
        ka=(
            "ყოველწლიური რეგიონული ფორუმი სომხეთის, აზერბაიჯანისა და საქართველოს ბიზნესწრეების, "
            "ანალიტიკური ცენტრების, პროფესიული გაერთიანებებისა და საერთაშორისო პარტნიორებისთვის. "
            "ფორუმი რიგრიგობით იმართება სამ ქვეყანაში: თბილისში, ერევანსა და ბაქოში. პანელური "
            "დისკუსიები და სამუშაო სესიები ეძღვნება ვაჭრობას, ინვესტიციებს, ტურიზმს, "
            "ინფრასტრუქტურასა და მწვანე ეკონომიკას."
        ),
        ru=(
            "Ежегодный региональный форум для деловых кругов, аналитических центров, "
            "профессиональных объединений и международных партнёров из Армении, Азербайджана и "
            "Грузии. Форум проводится поочерёдно в трёх странах: в Тбилиси, Ереване и Баку. "
            "Панельные дискуссии и рабочие сессии посвящены торговле, инвестициям, туризму, "
            "инфраструктуре и зелёной экономике."
        ),
    ),
)

FORUM_EDITION = _texts(
    en=(
        "Two days of panel discussions, working sessions and business meetings {in_city}. "
        "Registration is open to everyone: places are confirmed in order of registration, and a "
        "waiting list opens when all places are taken."
    ),
    hy=(
        "Երկօրյա պանելային քննարկումներ, աշխատանքային նիստեր և գործարար հանդիպումներ {in_city}։ "
        "Գրանցումը բաց է բոլորի համար։ Տեղերը հաստատվում են գրանցման հերթականությամբ, իսկ երբ "
        "բոլոր տեղերը զբաղված են, բացվում է սպասման ցուցակ։"
    ),
    az=(
        "{in_city} iki günlük panel müzakirələri, işçi sessiyalar və işgüzar görüşlər. Qeydiyyat "
        "hamı üçün açıqdır: yerlər qeydiyyat ardıcıllığı ilə təsdiqlənir, bütün yerlər tutulduqda "
        "isə gözləmə siyahısı açılır."
    ),
    ka=(
        "ორდღიანი პანელური დისკუსიები, სამუშაო სესიები და საქმიანი შეხვედრები {in_city}. "
        "რეგისტრაცია ღიაა ყველასთვის: ადგილები დასტურდება რეგისტრაციის რიგითობით, ხოლო როცა ყველა "
        "ადგილი დაკავებულია, იხსნება მოლოდინის სია."
    ),
    ru=(
        "Два дня панельных дискуссий, рабочих сессий и деловых встреч {in_city}. Регистрация "
        "открыта для всех: места подтверждаются в порядке регистрации, а когда все места заняты, "
        "открывается лист ожидания."
    ),
)


def _forum_edition(year: int, city: City) -> EventDraft:
    first_day = _nth_weekday(year, 10, WEDNESDAY, 2)
    return EventDraft(
        slug=f"economic-forum-{year}-{city.slug}",
        title={
            language: f"{ECONOMIC_FORUM.title[language]} {year}, {city.names[language]}"
            for language in LANGUAGES
        },
        description=_fill(FORUM_EDITION, in_city=city.in_city),
        starts_at=_local(first_day, 9, 30, city),
        ends_at=_local(first_day + timedelta(days=1), 18, 0, city),
        timezone=city.timezone,
        city=city.name,
        country=city.country,
        capacity=400,
        mode=RegistrationMode.OPEN,
    )


def _economic_forum(now: datetime) -> DemoProgramme:
    """The next three years' editions: Tbilisi, Yerevan, Baku."""
    first_year = _today(now, TBILISI).year + 1
    editions = tuple(
        _forum_edition(first_year + offset, city) for offset, city in enumerate(ROTATION)
    )
    return DemoProgramme(ECONOMIC_FORUM, editions)


# Measure 8: two civil-society exchange visits, Baku→Yerevan and Yerevan→Baku.

EXCHANGE_VISITS = ProgrammeDraft(
    slug="civil-society-exchange-visits",
    kind=ProgrammeKind.EXCHANGE_VISIT,
    title=_texts(
        en="Civil-society exchange visits",
        hy="Քաղաքացիական հասարակության փոխանակման այցեր",
        az="Vətəndaş cəmiyyəti mübadilə səfərləri",
        ka="სამოქალაქო საზოგადოების გაცვლითი ვიზიტები",
        ru="Обменные визиты гражданского общества",
    ),
    description=_texts(
        en=(
            "Small delegations of civil-society representatives, journalists and researchers "
            "visit Yerevan and Baku to meet their counterparts, exchange views and prepare joint "
            "initiatives. The visits are carefully prepared together with the hosts, and the "
            "organisers select the participants."
        ),
        hy=(
            "Քաղաքացիական հասարակության ներկայացուցիչների, լրագրողների և հետազոտողների փոքր "
            "պատվիրակություններն այցելում են Երևան և Բաքու՝ հանդիպելու իրենց գործընկերների հետ, "
            "կարծիքներ փոխանակելու և համատեղ նախաձեռնություններ նախապատրաստելու համար։ Այցերը "
            "մանրակրկիտ նախապատրաստվում են հյուրընկալողների հետ միասին, իսկ մասնակիցներին ընտրում "
            "են կազմակերպիչները։"
        ),
        az=(
            "Vətəndaş cəmiyyəti nümayəndələrindən, jurnalistlərdən və tədqiqatçılardan ibarət "
            "kiçik nümayəndə heyətləri həmkarları ilə görüşmək, fikir mübadiləsi aparmaq və birgə "
            "təşəbbüslər hazırlamaq üçün İrəvana və Bakıya səfər edir. Səfərlər ev sahibləri ilə "
            "birlikdə diqqətlə hazırlanır, iştirakçıları isə təşkilatçılar seçir."
        ),
        ka=(
            "სამოქალაქო საზოგადოების წარმომადგენლების, ჟურნალისტებისა და მკვლევრების მცირე "
            "დელეგაციები სტუმრობენ ერევანსა და ბაქოს, რათა შეხვდნენ კოლეგებს, გაცვალონ "
            "მოსაზრებები და მოამზადონ ერთობლივი ინიციატივები. ვიზიტები მასპინძლებთან ერთად "
            "გულდასმით მზადდება, მონაწილეებს კი ორგანიზატორები არჩევენ."
        ),
        ru=(
            "Небольшие делегации представителей гражданского общества, журналистов и "
            "исследователей посещают Ереван и Баку, чтобы встретиться с коллегами, обменяться "
            "мнениями и подготовить совместные инициативы. Визиты тщательно готовятся вместе с "
            "принимающей стороной, участников отбирают организаторы."
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Visit:
    slug: str
    host: City
    delegation_from: str  # eligible country
    title: Translated
    description: Translated
    weeks_ahead: int


VISITS: tuple[Visit, ...] = (
    Visit(
        slug="exchange-visit-baku-yerevan",
        host=YEREVAN,
        delegation_from="AZ",
        weeks_ahead=13,
        title=_texts(
            en="Exchange visit: a delegation from Azerbaijan in Yerevan",
            hy="Փոխանակման այց Երևան՝ պատվիրակություն Ադրբեջանից",
            az="Mübadilə səfəri: Azərbaycandan nümayəndə heyəti İrəvanda",
            ka="გაცვლითი ვიზიტი: აზერბაიჯანის დელეგაცია ერევანში",
            ru="Обменный визит: делегация из Азербайджана в Ереване",
        ),
        description=_texts(
            en=(
                "A three-day visit to Yerevan for a delegation of civil-society representatives "
                "from Azerbaijan, with meetings at non-governmental organisations, universities "
                "and media outlets. Travel and accommodation are arranged by the organisers. The "
                "detailed programme is shared only with selected participants."
            ),
            hy=(
                "Եռօրյա այց Երևան Ադրբեջանի քաղաքացիական հասարակության ներկայացուցիչների "
                "պատվիրակության համար՝ հանդիպումներով հասարակական կազմակերպություններում, "
                "համալսարաններում և լրատվամիջոցներում։ Ճանապարհածախսն ու կացարանն ապահովում են "
                "կազմակերպիչները։ Մանրամասն ծրագիրը տրամադրվում է միայն ընտրված մասնակիցներին։"
            ),
            az=(
                "Azərbaycan vətəndaş cəmiyyəti nümayəndələrindən ibarət heyət üçün İrəvana "
                "üçgünlük səfər: qeyri-hökumət təşkilatlarında, universitetlərdə və media "
                "qurumlarında görüşlər. Yol və yaşayış xərclərini təşkilatçılar qarşılayır. "
                "Ətraflı proqram yalnız seçilmiş iştirakçılarla paylaşılır."
            ),
            ka=(
                "სამდღიანი ვიზიტი ერევანში აზერბაიჯანის სამოქალაქო საზოგადოების წარმომადგენელთა "
                "დელეგაციისთვის: შეხვედრები არასამთავრობო ორგანიზაციებში, უნივერსიტეტებსა და "
                "მედიასაშუალებებში. მგზავრობასა და საცხოვრებელს ორგანიზატორები უზრუნველყოფენ. "
                "დეტალური პროგრამა მხოლოდ შერჩეულ მონაწილეებს ეგზავნებათ."
            ),
            ru=(
                "Трёхдневный визит в Ереван для делегации представителей гражданского общества "
                "Азербайджана: встречи в неправительственных организациях, университетах и "
                "редакциях СМИ. Проезд и проживание обеспечивают организаторы. Подробная "
                "программа сообщается только отобранным участникам."
            ),
        ),
    ),
    Visit(
        slug="exchange-visit-yerevan-baku",
        host=BAKU,
        delegation_from="AM",
        weeks_ahead=17,
        title=_texts(
            en="Exchange visit: a delegation from Armenia in Baku",
            hy="Փոխանակման այց Բաքու՝ պատվիրակություն Հայաստանից",
            az="Mübadilə səfəri: Ermənistandan nümayəndə heyəti Bakıda",
            ka="გაცვლითი ვიზიტი: სომხეთის დელეგაცია ბაქოში",
            ru="Обменный визит: делегация из Армении в Баку",
        ),
        description=_texts(
            en=(
                "A three-day visit to Baku for a delegation of civil-society representatives from "
                "Armenia, with meetings at non-governmental organisations, universities and media "
                "outlets. Travel and accommodation are arranged by the organisers. The detailed "
                "programme is shared only with selected participants."
            ),
            hy=(
                "Եռօրյա այց Բաքու Հայաստանի քաղաքացիական հասարակության ներկայացուցիչների "
                "պատվիրակության համար՝ հանդիպումներով հասարակական կազմակերպություններում, "
                "համալսարաններում և լրատվամիջոցներում։ Ճանապարհածախսն ու կացարանն ապահովում են "
                "կազմակերպիչները։ Մանրամասն ծրագիրը տրամադրվում է միայն ընտրված մասնակիցներին։"
            ),
            az=(
                "Ermənistan vətəndaş cəmiyyəti nümayəndələrindən ibarət heyət üçün Bakıya "
                "üçgünlük səfər: qeyri-hökumət təşkilatlarında, universitetlərdə və media "
                "qurumlarında görüşlər. Yol və yaşayış xərclərini təşkilatçılar qarşılayır. "
                "Ətraflı proqram yalnız seçilmiş iştirakçılarla paylaşılır."
            ),
            ka=(
                "სამდღიანი ვიზიტი ბაქოში სომხეთის სამოქალაქო საზოგადოების წარმომადგენელთა "
                "დელეგაციისთვის: შეხვედრები არასამთავრობო ორგანიზაციებში, უნივერსიტეტებსა და "
                "მედიასაშუალებებში. მგზავრობასა და საცხოვრებელს ორგანიზატორები უზრუნველყოფენ. "
                "დეტალური პროგრამა მხოლოდ შერჩეულ მონაწილეებს ეგზავნებათ."
            ),
            ru=(
                "Трёхдневный визит в Баку для делегации представителей гражданского общества "
                "Армении: встречи в неправительственных организациях, университетах и редакциях "
                "СМИ. Проезд и проживание обеспечивают организаторы. Подробная программа "
                "сообщается только отобранным участникам."
            ),
        ),
    ),
)

VISIT_CAPACITY = 8  # a small delegation: four women and four men


def _visit(now: datetime, visit: Visit) -> EventDraft:
    first_day = _on_or_after(_today(now, visit.host) + timedelta(weeks=visit.weeks_ahead), MONDAY)
    return EventDraft(
        slug=visit.slug,
        title=visit.title,
        description=visit.description,
        starts_at=_local(first_day, 9, 0, visit.host),
        ends_at=_local(first_day + timedelta(days=2), 18, 0, visit.host),
        timezone=visit.host.timezone,
        city=visit.host.name,
        country=visit.host.country,
        capacity=VISIT_CAPACITY,
        registration_closes_at=_local(first_day - timedelta(days=30), 23, 59, visit.host),
        mode=RegistrationMode.APPLICATION,
        min_age=18,
        eligible_countries=[visit.delegation_from],
        gender_quotas={Gender.FEMALE: VISIT_CAPACITY // 2, Gender.MALE: VISIT_CAPACITY // 2},
        questions=[BACKGROUND_QUESTION, PASSPORT_QUESTION, SUPPORT_QUESTION],
    )


def _exchange_visits(now: datetime) -> DemoProgramme:
    return DemoProgramme(EXCHANGE_VISITS, tuple(_visit(now, visit) for visit in VISITS))


# Measure 28: connecting through music; Tbilisi as a venue all three can reach.

JOINT_CONCERTS = ProgrammeDraft(
    slug="joint-concerts",
    kind=ProgrammeKind.CONCERT,
    title=_texts(
        en="Connecting through music",
        hy="Երաժշտությունը կապում է մեզ",
        az="Musiqi bizi birləşdirir",
        ka="მუსიკა გვაკავშირებს",
        ru="Музыка нас объединяет",
    ),
    description=_texts(
        en=(
            "Young musicians from Armenia, Azerbaijan and Georgia agree on a repertoire and "
            "perform it together in joint concerts, in person and online."
        ),
        hy=(
            "Հայաստանից, Ադրբեջանից և Վրաստանից երիտասարդ երաժիշտները համաձայնեցնում են ընդհանուր "
            "ծրագիր և այն միասին կատարում համատեղ համերգներում՝ թե՛ կենդանի, թե՛ առցանց։"
        ),
        az=(
            "Ermənistan, Azərbaycan və Gürcüstandan olan gənc musiqiçilər ümumi repertuar "
            "üzərində razılaşır və onu birgə konsertlərdə həm canlı, həm də onlayn ifa edirlər."
        ),
        ka=(
            "სომხეთის, აზერბაიჯანისა და საქართველოს ახალგაზრდა მუსიკოსები საერთო რეპერტუარზე "
            "თანხმდებიან და მას ერთობლივ კონცერტებზე ასრულებენ, როგორც ცოცხლად, ისე ონლაინ."
        ),
        ru=(
            "Молодые музыканты из Армении, Азербайджана и Грузии согласуют общий репертуар и "
            "исполняют его вместе на совместных концертах — вживую и онлайн."
        ),
    ),
)

CONCERT_TITLE = _texts(
    en="Joint concert of young musicians in Tbilisi",
    hy="Երիտասարդ երաժիշտների համատեղ համերգ Թբիլիսիում",
    az="Gənc musiqiçilərin Tbilisidə birgə konserti",
    ka="ახალგაზრდა მუსიკოსების ერთობლივი კონცერტი თბილისში",
    ru="Совместный концерт молодых музыкантов в Тбилиси",
)

CONCERT_DESCRIPTION = _texts(
    en=(
        "Young musicians from Armenia, Azerbaijan and Georgia perform a programme they prepared "
        "together, including a piece they play jointly. Entry is free, but a ticket is needed: "
        "please register to receive yours. A waiting list opens when all seats are taken."
    ),
    hy=(
        "Հայաստանից, Ադրբեջանից և Վրաստանից երիտասարդ երաժիշտները կատարում են միասին պատրաստած "
        "ծրագիր, այդ թվում՝ համատեղ կատարվող ստեղծագործություն։ Մուտքն անվճար է, սակայն անհրաժեշտ "
        "է տոմս։ Խնդրում ենք գրանցվել՝ Ձեր տոմսը ստանալու համար։ Երբ բոլոր տեղերը զբաղված են, "
        "բացվում է սպասման ցուցակ։"
    ),
    az=(
        "Ermənistan, Azərbaycan və Gürcüstandan olan gənc musiqiçilər birlikdə hazırladıqları "
        "proqramı, o cümlədən birgə ifa etdikləri əsəri təqdim edirlər. Giriş pulsuzdur, lakin "
        "bilet tələb olunur: biletinizi almaq üçün qeydiyyatdan keçin. Bütün yerlər tutulduqda "
        "gözləmə siyahısı açılır."
    ),
    ka=(
        "სომხეთის, აზერბაიჯანისა და საქართველოს ახალგაზრდა მუსიკოსები ასრულებენ ერთად მომზადებულ "
        "პროგრამას, მათ შორის ერთობლივად შესასრულებელ ნაწარმოებს. შესვლა უფასოა, თუმცა საჭიროა "
        "ბილეთი: ბილეთის მისაღებად გთხოვთ, გაიაროთ რეგისტრაცია. როცა ყველა ადგილი დაკავებულია, "
        "იხსნება მოლოდინის სია."
    ),
    ru=(
        "Молодые музыканты из Армении, Азербайджана и Грузии исполняют программу, которую "
        "подготовили вместе, включая произведение для совместного исполнения. Вход свободный, но "
        "нужен билет: пожалуйста, зарегистрируйтесь, чтобы получить его. Когда все места заняты, "
        "открывается лист ожидания."
    ),
)


def _joint_concert(now: datetime) -> DemoProgramme:
    day = _on_or_after(_today(now, TBILISI) + timedelta(days=60), SATURDAY)
    concert = EventDraft(
        slug=f"joint-concert-{day:%Y-%m}-tbilisi",
        title=CONCERT_TITLE,
        description=CONCERT_DESCRIPTION,
        starts_at=_local(day, 19, 0, TBILISI),
        ends_at=_local(day, 21, 30, TBILISI),
        timezone=TBILISI.timezone,
        venue="Concert hall, central Tbilisi",
        city=TBILISI.name,
        country=TBILISI.country,
        capacity=600,
        mode=RegistrationMode.OPEN,
    )
    return DemoProgramme(JOINT_CONCERTS, (concert,))


# Measure 29: monthly town-hall debates with expert panels, preferably at universities.

TOWN_HALLS = ProgrammeDraft(
    slug="town-halls",
    kind=ProgrammeKind.TOWN_HALL,
    title=_texts(
        en="Monthly town halls at universities",
        hy="Ամենամսյա բաց քննարկումներ համալսարաններում",
        az="Universitetlərdə aylıq açıq müzakirələr",
        ka="ყოველთვიური ღია დისკუსიები უნივერსიტეტებში",
        ru="Ежемесячные открытые обсуждения в университетах",
    ),
    description=_texts(
        en=(
            "Every month, experts from the region debate a question of public interest at a "
            "university in Tbilisi, Yerevan or Baku, with time for questions from the audience. "
            "Entry is free. Please register so that we can prepare the hall."
        ),
        hy=(
            "Ամեն ամիս տարածաշրջանի փորձագետները Թբիլիսիի, Երևանի կամ Բաքվի համալսարաններից "
            "մեկում քննարկում են հանրային հետաքրքրություն ներկայացնող որևէ հարց, իսկ հանդիսատեսը "
            "կարող է հարցեր տալ։ Մուտքն անվճար է։ Խնդրում ենք գրանցվել, որպեսզի կարողանանք "
            "նախապատրաստել դահլիճը։"
        ),
        az=(
            "Hər ay regionun ekspertləri Tbilisi, İrəvan və ya Bakıdakı universitetlərdən birində "
            "ictimai maraq doğuran bir məsələni müzakirə edir, dinləyicilər də sual verə "
            "bilirlər. Giriş pulsuzdur. Zalı hazırlaya bilməyimiz üçün xahiş edirik, qeydiyyatdan "
            "keçin."
        ),
        ka=(
            "ყოველთვე რეგიონის ექსპერტები თბილისის, ერევნის ან ბაქოს ერთ-ერთ უნივერსიტეტში "
            "საზოგადოებრივი ინტერესის საკითხს განიხილავენ, მსმენელებს კი კითხვების დასმა "
            "შეუძლიათ. შესვლა უფასოა. გთხოვთ, გაიაროთ რეგისტრაცია, რათა დარბაზი წინასწარ "
            "მოვამზადოთ."
        ),
        ru=(
            "Каждый месяц эксперты из региона обсуждают вопрос, представляющий общественный "
            "интерес, в одном из университетов Тбилиси, Еревана или Баку, а слушатели могут "
            "задать свои вопросы. Вход свободный. Пожалуйста, зарегистрируйтесь, чтобы мы могли "
            "подготовить зал."
        ),
    ),
)

TOWN_HALL_TOPICS: tuple[Translated, ...] = (
    _texts(
        en="Open public debate: tourism across the South Caucasus",
        hy="Բաց քննարկում՝ զբոսաշրջությունը Հարավային Կովկասում",
        az="Açıq müzakirə: Cənubi Qafqazda turizm",
        ka="ღია დისკუსია: ტურიზმი სამხრეთ კავკასიაში",
        ru="Открытое обсуждение: туризм на Южном Кавказе",
    ),
    _texts(
        en="Open public debate: student exchanges and academic cooperation",
        hy="Բաց քննարկում՝ ուսանողական փոխանակումներ և ակադեմիական համագործակցություն",
        az="Açıq müzakirə: tələbə mübadiləsi və akademik əməkdaşlıq",
        ka="ღია დისკუსია: სტუდენტური გაცვლები და აკადემიური თანამშრომლობა",
        ru="Открытое обсуждение: студенческие обмены и академическое сотрудничество",
    ),
    _texts(
        en="Open public debate: the green economy and jobs for young people",
        hy="Բաց քննարկում՝ կանաչ տնտեսություն և աշխատատեղեր երիտասարդների համար",
        az="Açıq müzakirə: yaşıl iqtisadiyyat və gənclər üçün iş yerləri",
        ka="ღია დისკუსია: მწვანე ეკონომიკა და სამუშაო ადგილები ახალგაზრდებისთვის",
        ru="Открытое обсуждение: зелёная экономика и рабочие места для молодёжи",
    ),
)

TOWN_HALL_DESCRIPTION = _texts(
    en=(
        "A panel of experts from the region discusses this question {at}, with time for questions "
        "from the audience. Entry is free. Please register so that we can prepare the hall."
    ),
    hy=(
        "Տարածաշրջանի փորձագետների պանելը քննարկում է այս հարցը {at}, իսկ հանդիսատեսը կարող է "
        "հարցեր տալ։ Մուտքն անվճար է։ Խնդրում ենք գրանցվել, որպեսզի կարողանանք նախապատրաստել "
        "դահլիճը։"
    ),
    az=(
        "Regionun ekspertlərindən ibarət panel bu məsələni {at} müzakirə edir, dinləyicilər də "
        "sual verə bilirlər. Giriş pulsuzdur. Zalı hazırlaya bilməyimiz üçün xahiş edirik, "
        "qeydiyyatdan keçin."
    ),
    ka=(
        "რეგიონის ექსპერტები ამ საკითხს {at} განიხილავენ, მსმენელებს კი კითხვების დასმა "
        "შეეძლებათ. შესვლა უფასოა. გთხოვთ, გაიაროთ რეგისტრაცია, რათა დარბაზი წინასწარ მოვამზადოთ."
    ),
    ru=(
        "Эксперты из региона обсуждают этот вопрос {at}, а слушатели могут задать свои вопросы. "
        "Вход свободный. Пожалуйста, зарегистрируйтесь, чтобы мы могли подготовить зал."
    ),
)

TOWN_HALLS_AHEAD = 3  # months


def _town_hall(year: int, month: int) -> EventDraft:
    """The town hall of a month: second Thursday, 18:00 local time.

    Host and topic follow the calendar month, so the rotation between the three
    capitals is the same whenever the demo is loaded.
    """
    turn = (year * 12 + month - 1) % len(UNIVERSITIES)
    university = UNIVERSITIES[turn]
    city = university.city
    day = _nth_weekday(year, month, THURSDAY, 2)
    return EventDraft(
        slug=f"town-hall-{year}-{month:02d}-{city.slug}",
        title=TOWN_HALL_TOPICS[turn % len(TOWN_HALL_TOPICS)],
        description=_fill(TOWN_HALL_DESCRIPTION, at=university.at),
        starts_at=_local(day, 18, 0, city),
        ends_at=_local(day, 20, 0, city),
        timezone=city.timezone,
        venue=university.venue,
        city=city.name,
        country=city.country,
        capacity=200,
        mode=RegistrationMode.OPEN,
    )


def _town_halls(now: datetime) -> DemoProgramme:
    """The next three months' town halls (from next month, so each is still ahead)."""
    today = _today(now, TBILISI)
    occurrences = tuple(
        _town_hall(*_month_after(today, ahead)) for ahead in range(1, TOWN_HALLS_AHEAD + 1)
    )
    return DemoProgramme(TOWN_HALLS, occurrences)


def demo_programmes(now: datetime) -> tuple[DemoProgramme, ...]:
    """Every demo programme with its events, dated relative to ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return (
        _summer_school(now),
        _economic_forum(now),
        _exchange_visits(now),
        _joint_concert(now),
        _town_halls(now),
    )


# --- Loading ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Loaded:
    slug: str
    programme_created: bool = False
    events_created: int = 0
    published: int = 0  # programme and events moved from draft to published

    @property
    def changed(self) -> bool:
        return self.programme_created or bool(self.events_created or self.published)


async def _load_programme(session: AsyncSession, now: datetime, demo: DemoProgramme) -> _Loaded:
    """Create and publish what is missing of one programme.

    A programme that exists, is no longer a draft and has none of its demo events left
    in draft is complete and left alone (even if ``now`` would date its events
    differently). Otherwise an interrupted earlier run is finished.
    """
    slug = demo.programme.slug
    programme = await session.scalar(select(Programme).where(Programme.slug == slug))
    event_slugs = [draft.slug for draft in demo.events]
    existing = {
        event.slug: event
        for event in await session.scalars(select(Event).where(Event.slug.in_(event_slugs)))
    }
    drafts_left = any(event.status == PublicationStatus.DRAFT for event in existing.values())
    if programme is not None and programme.status != PublicationStatus.DRAFT and not drafts_left:
        return _Loaded(slug)

    created = programme is None
    if programme is None:
        programme = await create_programme(session, now, SYSTEM, demo.programme)
    new_events = published = 0
    for draft in demo.events:
        if draft.slug not in existing:
            existing[draft.slug] = await create_event(session, now, SYSTEM, slug, draft)
            new_events += 1
    if programme.status == PublicationStatus.DRAFT:
        await publish_programme(session, now, SYSTEM, slug)
        published += 1
    for event in existing.values():
        if event.status == PublicationStatus.DRAFT:
            await publish_event(session, now, SYSTEM, event.id)
            published += 1
    return _Loaded(slug, created, new_events, published)


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _summary(loaded: list[_Loaded]) -> str:
    if not any(item.changed for item in loaded):
        return (
            f"The demo data is already there ({_plural(len(loaded), 'programme')}); "
            "nothing was changed."
        )
    new_programmes = sum(item.programme_created for item in loaded)
    new_events = sum(item.events_created for item in loaded)
    if new_programmes or new_events:
        header = (
            f"Demo data loaded: {_plural(new_programmes, 'programme')} and "
            f"{_plural(new_events, 'event')} created and published."
        )
    else:
        published = sum(item.published for item in loaded)
        header = f"Demo data completed: {published} left in draft by an earlier run published."
    lines = [header]
    width = max(len(item.slug) for item in loaded)
    for item in loaded:
        if item.programme_created:
            state = f"created with {_plural(item.events_created, 'event')}"
        elif item.changed:
            state = (
                f"completed: {_plural(item.events_created, 'new event')}, "
                f"{item.published} published"
            )
        else:
            state = "already there"
        lines.append(f"  {item.slug:<{width}}  {state}")
    return "\n".join(lines)


async def load_demo(settings: Settings, now: datetime) -> str:
    """Migrate the database, load the demo programmes and say what was created."""
    programmes = demo_programmes(now)
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            loaded = [await _load_programme(session, now, demo) for demo in programmes]
    finally:
        await engine.dispose()
    return _summary(loaded)

"""The demo's texts: ``texts.toml``, its shape, and the checks a translator's edit must pass.

The file holds only words; ``programmes.py`` decides what they are used for and when. Its
shape is fixed here, so a misspelt key is an error rather than a silently unused entry, and
every problem is reported at once with the entry and the language it concerns.
"""

import tomllib
from collections.abc import Callable, Mapping
from importlib.resources import files
from pathlib import Path
from string import Formatter
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from events.languages import LANGUAGES, Translated

TEXTS_FILE = "texts.toml"

# The host cities by the keys the file uses for them (programmes.py names its cities alike).
CitySlug: TypeAlias = Literal["tbilisi", "yerevan", "baku"]


class DemoTextsError(ValueError):
    """The texts file cannot be read or breaks a rule; the message lists every problem."""


def _fold(value: object) -> object:
    # Translators wrap long texts over several lines; the stored text is one line.
    return " ".join(value.split()) if isinstance(value, str) else value


def _not_empty(value: str) -> str:
    if not value:
        raise ValueError("the text is empty")
    return value


# The text in one language.
OneLanguage = Annotated[str, BeforeValidator(_fold), AfterValidator(_not_empty)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Texts(_Strict):
    """One text in the five languages (the fields are ``LANGUAGES``)."""

    en: OneLanguage
    hy: OneLanguage
    az: OneLanguage
    ka: OneLanguage
    ru: OneLanguage

    def translated(self) -> Translated:
        return {language: getattr(self, language) for language in LANGUAGES}


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a text.

    Raises ``ValueError`` for what ``str.format`` would choke on: a stray brace, or a
    placeholder with a conversion or a format (``{at!r}``, ``{at:>9}``).
    """
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        # Python's own wording ("unmatched '{' in format spec") puzzles a translator.
        raise ValueError("a { or } without its pair") from None
    found = set()
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion:
            raise ValueError(f"{{{name}}} must be written without ! or :")
        found.add(name)
    return found


def _with_placeholders(*expected: str) -> Callable[[Texts], Texts]:
    """A check that every language has exactly the placeholders the code fills in."""

    def check(texts: Texts) -> Texts:
        wanted = set(expected)
        problems = []
        for language, text in texts.translated().items():
            try:
                found = placeholders(text)
            except ValueError as error:
                problems.append(f"{language}: {error}")
                continue
            if found != wanted:
                problems.append(f"{language} has {_braces(found)}")
        if problems:
            rule = f"must be {_braces(wanted)}" if wanted else "are not filled in here"
            raise ValueError(f"placeholders {rule}; " + "; ".join(problems))
        return texts

    return check


def _braces(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"


# A text shown as it is, and a template whose placeholders the code fills in.
Text = Annotated[Texts, AfterValidator(_with_placeholders())]
InCityTemplate = Annotated[Texts, AfterValidator(_with_placeholders("in_city"))]
AtTemplate = Annotated[Texts, AfterValidator(_with_placeholders("at"))]


class PerCity(_Strict):
    """A text for each host city (the fields are ``CitySlug``)."""

    tbilisi: Text
    yerevan: Text
    baku: Text

    def of(self, city: CitySlug) -> Translated:
        texts: Texts = getattr(self, city)
        return texts.translated()


class Prompt(_Strict):
    prompt: Text


class TrackChoices(_Strict):
    economy: Text
    culture_media: Text
    environment: Text
    education: Text


class TrackQuestion(_Strict):
    prompt: Text
    choices: TrackChoices


class SharedQuestions(_Strict):
    support: Prompt


class SummerSchoolQuestions(_Strict):
    motivation: Prompt
    track: TrackQuestion


class SummerSchoolTexts(_Strict):
    title: Text
    description: Text
    edition: Text
    questions: SummerSchoolQuestions


class ForumTexts(_Strict):
    title: Text
    description: Text
    edition: InCityTemplate
    in_city: PerCity


class Visit(_Strict):
    title: Text
    description: Text


class VisitQuestions(_Strict):
    background: Prompt
    passport: Prompt


class ExchangeVisitsTexts(_Strict):
    title: Text
    description: Text
    to_yerevan: Visit
    to_baku: Visit
    questions: VisitQuestions


class Concert(_Strict):
    title: Text
    description: Text


class ConcertsTexts(_Strict):
    title: Text
    description: Text
    concert: Concert


class TownHallTopics(_Strict):
    tourism: Text
    student_exchanges: Text
    green_economy: Text


class TownHallsTexts(_Strict):
    title: Text
    description: Text
    edition: AtTemplate
    at: PerCity
    topics: TownHallTopics


class PlacesTexts(_Strict):
    cities: PerCity
    universities: PerCity
    concert_hall: Text


class DemoTexts(_Strict):
    """The whole file: questions several programmes ask, the places, then one table per
    programme."""

    questions: SharedQuestions
    places: PlacesTexts
    summer_school: SummerSchoolTexts
    economic_forum: ForumTexts
    exchange_visits: ExchangeVisitsTexts
    joint_concerts: ConcertsTexts
    town_halls: TownHallsTexts


def _problem(error: ErrorDetails) -> str:
    entry = ".".join(str(part) for part in error["loc"]) or "(the whole file)"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key (misspelt, or not used by the demo)"
    elif error["type"] == "missing":
        message = "missing"
    return f"  {entry}: {message}"


def check_texts(data: Mapping[str, Any], source: str = TEXTS_FILE) -> DemoTexts:
    """Check parsed texts; raise ``DemoTextsError`` naming every wrong entry and language."""
    try:
        return DemoTexts.model_validate(data)
    except ValidationError as error:
        problems = [_problem(item) for item in error.errors()]
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        raise DemoTextsError("\n".join([f"{source} has {count}:", *problems])) from None


def parse_texts(content: str, source: str = TEXTS_FILE) -> DemoTexts:
    """Read and check the texts file's content (see ``check_texts``)."""
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as error:
        raise DemoTextsError(f"{source} is not valid TOML: {error}") from None
    return check_texts(data, source)


def load_texts(path: Path | None = None) -> DemoTexts:
    """The texts from ``path``, or from the file shipped with the package."""
    if path is not None:
        return parse_texts(path.read_text(encoding="utf-8"), str(path))
    shipped = files("redbridge.demo").joinpath(TEXTS_FILE)
    return parse_texts(shipped.read_text(encoding="utf-8"), f"redbridge/demo/{TEXTS_FILE}")

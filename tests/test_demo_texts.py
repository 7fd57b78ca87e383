"""The demo's texts file: it validates, a broken edit is refused by name, and nothing is dead."""

import importlib.util
import re
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from events.languages import LANGUAGES
from redbridge.demo.texts import (
    TEXTS_FILE,
    CitySlug,
    DemoTexts,
    DemoTextsError,
    PerCity,
    Texts,
    check_texts,
    load_texts,
    parse_texts,
    placeholders,
)

ROOT = Path(__file__).resolve().parents[1]


def _shipped() -> str:
    return files("redbridge.demo").joinpath(TEXTS_FILE).read_text(encoding="utf-8")


def _data() -> dict[str, Any]:
    return tomllib.loads(_shipped())


def _refused(data: dict[str, Any]) -> str:
    with pytest.raises(DemoTextsError) as refused:
        check_texts(data)
    return str(refused.value)


def _entries(model: BaseModel, path: str = "") -> Iterator[tuple[str, Texts]]:
    """Every entry of the texts with its dotted path, as the error messages name it."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        entry = f"{path}.{name}" if path else name
        if isinstance(value, Texts):
            yield entry, value
        else:
            yield from _entries(value, entry)


def test_the_shipped_file_validates() -> None:
    texts = load_texts()

    assert isinstance(texts, DemoTexts)
    assert tuple(Texts.model_fields) == LANGUAGES
    assert tuple(PerCity.model_fields) == get_args(CitySlug)
    # Each table of the file is one entry, so the walk below sees them all.
    headers = [line for line in _shipped().splitlines() if line.startswith("[")]
    assert [f"[{entry}]" for entry, _texts in _entries(texts)] == headers


def test_the_file_ships_with_the_package() -> None:
    # An editable install finds the file anyway; `pip install .` only with this line.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = pyproject["tool"]["setuptools"]["package-data"]
    assert TEXTS_FILE in package_data["redbridge.demo"]


def test_a_missing_language_is_refused_by_entry_and_language() -> None:
    data = _data()
    del data["places"]["cities"]["tbilisi"]["hy"]

    assert "places.cities.tbilisi.hy: missing" in _refused(data)


def test_an_empty_text_is_refused() -> None:
    data = _data()
    data["town_halls"]["topics"]["tourism"]["ru"] = " \n "

    assert "town_halls.topics.tourism.ru: the text is empty" in _refused(data)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("{city}", "ka has {city}"),  # a translated placeholder name
        ("", "ka has none"),
        ("{in_city:>9}", "ka: {in_city} must be written without ! or :"),
        ("{in_city", "ka: a { or } without its pair"),
    ],
)
def test_a_mismatched_placeholder_is_refused(change: str, problem: str) -> None:
    data = _data()
    edition = data["economic_forum"]["edition"]
    edition["ka"] = edition["ka"].replace("{in_city}", change)

    expected = f"economic_forum.edition: placeholders must be {{in_city}}; {problem}"
    assert expected in _refused(data)


def test_a_placeholder_in_a_plain_text_is_refused() -> None:
    data = _data()
    data["joint_concerts"]["title"]["az"] += " {year}"

    assert "joint_concerts.title: placeholders are not filled in here; az has {year}" in _refused(
        data
    )


@pytest.mark.parametrize(
    ("path", "key"),
    [
        (("town_halls", "topics", "tourism"), "de"),  # a language Redbridge does not speak
        (("town_halls", "topics"), "sport"),  # an entry the demo has no use for
        (("economic_forum", "in_city"), "gyumri"),
        ((), "glossary"),
    ],
)
def test_an_unknown_key_is_refused(path: tuple[str, ...], key: str) -> None:
    data = _data()
    table = data
    for name in path:
        table = table[name]
    table[key] = dict.fromkeys(LANGUAGES, "x")

    assert f"{'.'.join((*path, key))}: unknown key" in _refused(data)


def test_every_problem_is_reported_at_once() -> None:
    data = _data()
    del data["summer_school"]["questions"]["track"]["choices"]["education"]["ka"]
    data["exchange_visits"]["to_baku"]["title"]["en"] = ""

    message = _refused(data)

    assert message.startswith(f"{TEXTS_FILE} has 2 problems:")
    assert "summer_school.questions.track.choices.education.ka: missing" in message
    assert "exchange_visits.to_baku.title.en: the text is empty" in message


def test_a_broken_file_is_refused_with_its_name_and_line(tmp_path: Path) -> None:
    broken = tmp_path / TEXTS_FILE
    broken.write_text(_shipped().replace('en = "Baku"', 'en = "Baku'), encoding="utf-8")

    with pytest.raises(DemoTextsError, match=rf"{re.escape(str(broken))} is not valid TOML.*line"):
        load_texts(broken)


def test_a_wrapped_text_is_read_as_one_line() -> None:
    wrapped = _shipped().replace(
        'en = "Connecting through music"', 'en = """\nConnecting\n   through  music\n"""'
    )

    assert parse_texts(wrapped).joint_concerts.title.en == "Connecting through music"


def _marked(data: dict[str, Any], path: str = "") -> dict[str, Any]:
    """The texts with each replaced by its own path, placeholders kept: ``<entry.hy> {at}``."""
    marked: dict[str, Any] = {}
    for key, value in data.items():
        entry = f"{path}.{key}" if path else key
        if isinstance(value, str):
            kept = "".join(f" {{{name}}}" for name in sorted(placeholders(value)))
            marked[key] = f"<{entry}>{kept}"
        else:
            marked[key] = _marked(value, entry)
    return marked


def _programmes_module(texts: DemoTexts, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A private copy of ``redbridge.demo.programmes`` built from ``texts``.

    The real module reads the shipped file once, on import; a copy leaves it untouched.
    """
    monkeypatch.setattr("redbridge.demo.texts.load_texts", lambda: texts)
    spec = importlib.util.find_spec("redbridge.demo.programmes")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_text_in_the_file_is_used_by_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    marked = _marked(_data())
    programmes = _programmes_module(check_texts(marked), monkeypatch)
    shown = []
    # A year of months, so every rotation (forum hosts, town-hall topics) comes round.
    start = datetime(2026, 1, 15, 12, tzinfo=UTC)
    for month in range(12):
        for demo in programmes.demo_programmes(start + timedelta(days=31 * month)):
            shown += [demo.programme.title, demo.programme.description]
            for event in (*demo.events, *(series.draft for series in demo.series)):
                shown += [event.title, event.description, event.venue, event.city]
                for question in event.questions:
                    shown.append(question.prompt)
                    shown += [choice.label for choice in question.choices]
    everything = "\n".join(text for texts in shown for text in texts.values())

    dead = [
        f"{entry}.{language}"
        for entry, _texts in _entries(load_texts())
        for language in LANGUAGES
        if f"<{entry}.{language}>" not in everything
    ]

    assert dead == []


def test_placeholders_are_named_fields_only() -> None:
    assert placeholders("Two days {in_city}.") == {"in_city"}
    assert placeholders("No placeholder here.") == set()
    with pytest.raises(ValueError, match="without ! or :"):
        placeholders("{at!r}")

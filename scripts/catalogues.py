"""The bot's gettext catalogues: extract the source strings, update the catalogues, check them.

Run from anywhere::

    .venv/bin/python scripts/catalogues.py update [--fuzzy-matching]
    .venv/bin/python scripts/catalogues.py check

``update`` extracts every ``gettext("…")`` and ``ngettext("…", "…", n)`` string from bot/,
scheduler/, events/feeds/ (the calendar feeds' own words), events/online/ (the join
redirect's page) and web/ (the dashboard's Python and its Jinja2 templates) into
locales/redbridge.pot
(sorted, without source locations) and merges it into
locales/<language>/LC_MESSAGES/redbridge.po: new strings arrive untranslated (or, with
``--fuzzy-matching``, pre-filled from a similar old string and marked fuzzy), strings gone
from the source are dropped, and the English catalogue is filled from the source itself.
Files are rewritten only when their content changes. It lists what needs a translator.

``check`` exits with status 1 and lists every problem: an untranslated or fuzzy entry, a
catalogue out of sync with the source strings, ``{placeholders}`` that differ between a
message and its translation, wrong headers (``Language``, ``Content-Type``,
``Plural-Forms``), a string built at run time that the extractor cannot see, or anything
``msgfmt --check`` reports. tests/test_catalogues.py runs the same checks.
"""

from __future__ import annotations

import argparse
import ast
import copy
import io
import os
import shutil
import string
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TypeAlias

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT: Final = Path(__file__).resolve().parent.parent
SOURCE_DIRS: Final = (
    "bot",
    "scheduler",
    "events/feeds",
    "events/online",
    "locales",
    "web",
)
# The dashboard's Jinja2 templates call gettext()/ngettext() too; Jinja's own extractor
# reads them (the Python walk below covers .py files only).
TEMPLATE_METHODS: Final = [("**/templates/**.html", "jinja2.ext:babel_extract")]
LOCALE_DIR: Final = ROOT / "locales"
DOMAIN: Final = "redbridge"
TEMPLATE: Final = LOCALE_DIR / f"{DOMAIN}.pot"
SOURCE_LANGUAGE: Final = "en"

# Translation functions and the (1-based) arguments that are messages: gettext:1, ngettext:1,2.
KEYWORDS: Final[Mapping[str, tuple[int, ...]]] = {"gettext": (1,), "ngettext": (1, 2)}

# The gettext plural rule of each catalogue, written out: Babel's defaults are not relied on.
PLURAL_FORMS: Final[Mapping[str, str]] = {
    "en": "nplurals=2; plural=(n != 1);",
    "hy": "nplurals=2; plural=(n > 1);",
    "az": "nplurals=2; plural=(n != 1);",
    "ka": "nplurals=2; plural=(n != 1);",
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
}
LANGUAGES: Final = tuple(PLURAL_FORMS)

_TEAMS: Final[Mapping[str, str]] = {
    "en": "English",
    "hy": "Armenian",
    "az": "Azerbaijani",
    "ka": "Georgian",
    "ru": "Russian",
}
_PROJECT: Final = "Redbridge"
_VERSION: Final = "bot"
_TRANSLATOR: Final = "Redbridge expert group"
_WIDTH: Final = 76
_CHARSET: Final = "UTF-8"

# A message id: the text, or (singular, plural) for ngettext.
MessageId: TypeAlias = str | tuple[str, ...]


def catalogue_path(language: str, directory: Path = LOCALE_DIR) -> Path:
    return directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _header_comment(language: str | None) -> str:
    what = f"{_TEAMS[language]} messages" if language else "Message template"
    return (
        f"# {what} of the Redbridge bot.\n"
        "# Made by scripts/catalogues.py from the strings in bot/, scheduler/ and events/feeds/:\n"
        "# run `scripts/catalogues.py update` after changing them, translate every\n"
        "# msgstr, then run `scripts/catalogues.py check`.\n"
        "#"
    )


# --- Extraction ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """A call of a translation function found in the source."""

    path: Path
    line: int
    function: str
    messages: tuple[str, ...] | None  # None: some message argument is not a string literal


def _function_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def translation_calls(path: Path) -> Iterator[Call]:
    """Every ``gettext``/``ngettext`` call in a Python file, f-string interiors included."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _function_name(node)
        if name is None or name not in KEYWORDS:
            continue
        indices = KEYWORDS[name]
        arguments = [node.args[i - 1] if i <= len(node.args) else None for i in indices]
        texts = tuple(
            argument.value
            for argument in arguments
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
        )
        yield Call(path, node.lineno, name, texts if len(texts) == len(indices) else None)


def _source_files(root: Path, directories: Sequence[str]) -> list[Path]:
    return sorted(path for name in directories for path in (root / name).rglob("*.py"))


def source_messages(
    root: Path = ROOT, directories: Sequence[str] = SOURCE_DIRS
) -> dict[MessageId, str]:
    """The translatable strings of the source: message id → where it is first used.

    Babel's Python extractor reads the token stream and so, before Python 3.12, misses a
    call inside an f-string (``f"{t.gettext('Registrations')}"``); an AST walk finds those.
    Both are merged, so the result is the same on every Python version.
    """
    found: dict[MessageId, str] = {}
    for directory in directories:
        if not (root / directory).is_dir():
            continue
        for filename, line, message, _comments, _context in extract_from_dir(
            root / directory,
            method_map=[*TEMPLATE_METHODS, ("**.py", "python")],
            keywords=dict(KEYWORDS),
            comment_tags=(),
        ):
            if message:
                found.setdefault(message, f"{directory}/{filename}:{line}")
    for path in _source_files(root, directories):
        for call in translation_calls(path):
            if call.messages and call.messages[0]:
                key = call.messages[0] if len(call.messages) == 1 else call.messages
                found.setdefault(key, f"{_relative(path)}:{call.line}")
    return found


def dynamic_calls(root: Path = ROOT, directories: Sequence[str] = SOURCE_DIRS) -> list[str]:
    """Translation calls whose message is built at run time, so no extractor can see it.

    A plain name is allowed: that is a wrapper passing its own parameter on
    (locales/translator.py).
    """
    problems = []
    for path in _source_files(root, directories):
        tree = ast.parse(path.read_bytes(), filename=str(path))
        for node in ast.walk(tree):
            name = _function_name(node) if isinstance(node, ast.Call) else None
            if name is None or name not in KEYWORDS or not isinstance(node, ast.Call):
                continue
            arguments = node.args[: len(KEYWORDS[name])]
            if any(
                not _literal(argument) and not isinstance(argument, ast.Name)
                for argument in arguments
            ):
                problems.append(
                    f"{_relative(path)}:{node.lineno}: {name}() of a string built at run "
                    "time: write the message out as a literal"
                )
    return problems


def build_template(
    messages: Iterable[MessageId], creation_date: datetime | None = None
) -> Catalog:
    template = Catalog(
        domain=DOMAIN,
        header_comment=_header_comment(None),
        project=_PROJECT,
        version=_VERSION,
        msgid_bugs_address="",
        creation_date=creation_date or datetime.now(UTC),
        charset=_CHARSET,
        fuzzy=False,
    )
    for message in messages:
        template.add(message)
    return template


# --- Reading and writing ------------------------------------------------------------------


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as source:
        catalogue = read_po(source, domain=DOMAIN)
    if catalogue.charset.lower() == _CHARSET.lower():
        catalogue.charset = _CHARSET  # Babel lower-cases it; write it back as it was
    return catalogue


def render(catalogue: Catalog) -> bytes:
    output = io.BytesIO()
    write_po(
        output,
        catalogue,
        width=_WIDTH,
        no_location=True,
        sort_output=True,
        ignore_obsolete=True,
        include_previous=True,
    )
    return output.getvalue()


def _write_if_changed(path: Path, content: bytes) -> bool:
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def message_id(message: Message) -> MessageId:
    return message.id if isinstance(message.id, str) else tuple(message.id)


def _ids(catalogue: Catalog) -> set[MessageId]:
    return {message_id(message) for message in catalogue if message.id}


def _set_headers(catalogue: Catalog, language: str) -> None:
    catalogue.mime_headers = [
        ("Language", language),
        ("Plural-Forms", PLURAL_FORMS[language]),
    ]
    catalogue.charset = _CHARSET


def new_catalogue(language: str, template: Catalog) -> Catalog:
    catalogue = Catalog(
        locale=language,
        domain=DOMAIN,
        header_comment=_header_comment(language),
        project=_PROJECT,
        version=_VERSION,
        msgid_bugs_address="",
        creation_date=template.creation_date,
        revision_date=template.creation_date,
        last_translator=_TRANSLATOR,
        language_team=_TEAMS[language],
        charset=_CHARSET,
        fuzzy=False,
    )
    _set_headers(catalogue, language)
    return catalogue


def _is_translated(message: Message) -> bool:
    forms = _forms(message.string)
    return bool(forms) and all(forms)


def _fill_from_source(catalogue: Catalog) -> None:
    """The source language translates to itself: msgstr = msgid (singular, plural)."""
    for message in catalogue:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
            message.previous_id = []


# --- Update -------------------------------------------------------------------------------


@dataclass
class UpdateReport:
    path: Path
    changed: bool = False
    added: list[MessageId] = field(default_factory=list)
    removed: list[MessageId] = field(default_factory=list)
    untranslated: list[MessageId] = field(default_factory=list)
    fuzzy: list[MessageId] = field(default_factory=list)


def _show(key: MessageId) -> str:
    return repr(key if isinstance(key, str) else " | ".join(key))


def update_template(messages: Iterable[MessageId], path: Path = TEMPLATE) -> UpdateReport:
    """Write the template; its creation date moves only when the set of strings changes."""
    wanted = set(messages)
    previous = read_catalogue(path) if path.exists() else None
    old = _ids(previous) if previous is not None else set()
    created = previous.creation_date if previous is not None and old == wanted else None
    template = build_template(
        sorted(wanted, key=_show), created if isinstance(created, datetime) else None
    )
    report = UpdateReport(path)
    report.added = sorted(wanted - old, key=_show)
    report.removed = sorted(old - wanted, key=_show)
    report.changed = _write_if_changed(path, render(template))
    return report


def update_catalogue(
    language: str, template: Catalog, path: Path, fuzzy_matching: bool = False
) -> UpdateReport:
    catalogue = read_catalogue(path) if path.exists() else new_catalogue(language, template)
    before = _ids(catalogue)
    # Babel's update adds the template's own Message objects: give it a copy to share.
    catalogue.update(copy.deepcopy(template), no_fuzzy_matching=not fuzzy_matching)
    catalogue.obsolete.clear()  # dropped, not kept as #~ entries
    _set_headers(catalogue, language)
    if language == SOURCE_LANGUAGE:
        _fill_from_source(catalogue)
    after = _ids(catalogue)
    report = UpdateReport(path)
    report.added = sorted(after - before, key=_show)
    report.removed = sorted(before - after, key=_show)
    for message in catalogue:
        if not message.id:
            continue
        if message.fuzzy:
            report.fuzzy.append(message_id(message))
        elif not _is_translated(message):
            report.untranslated.append(message_id(message))
    report.fuzzy.sort(key=_show)
    report.untranslated.sort(key=_show)
    report.changed = _write_if_changed(path, render(catalogue))
    return report


def update(
    root: Path = ROOT,
    directory: Path = LOCALE_DIR,
    languages: Sequence[str] = LANGUAGES,
    fuzzy_matching: bool = False,
) -> list[UpdateReport]:
    messages = source_messages(root)
    template_path = directory / f"{DOMAIN}.pot"
    reports = [update_template(messages, template_path)]
    template = read_catalogue(template_path)
    for language in languages:
        reports.append(
            update_catalogue(
                language, template, catalogue_path(language, directory), fuzzy_matching
            )
        )
    return reports


def describe(report: UpdateReport) -> list[str]:
    state = "updated" if report.changed else "unchanged"
    lines = [
        f"{_relative(report.path)}: {state}; {len(report.added)} new, "
        f"{len(report.removed)} removed, {len(report.untranslated)} untranslated, "
        f"{len(report.fuzzy)} fuzzy"
    ]
    lines += [f"  removed: {_show(message)}" for message in report.removed]
    lines += [f"  fuzzy (review, then delete the flag): {_show(m)}" for m in report.fuzzy]
    lines += [f"  untranslated: {_show(message)}" for message in report.untranslated]
    return lines


# --- Checks -------------------------------------------------------------------------------


def placeholders(text: str) -> frozenset[str] | None:
    """The replacement fields of a format string (``{}`` for a positional one), or None if
    the text is not a valid format string."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    return frozenset(
        name or "{}" for _literal, name, _spec, _conversion in parsed if name is not None
    )


def _forms(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _header(catalogue: Catalog, name: str) -> str | None:
    return next((value for key, value in catalogue.mime_headers if key.lower() == name), None)


def _normalise_rule(rule: str) -> str:
    return "".join(rule.split()).rstrip(";")


def catalogue_problems(
    language: str, catalogue: Catalog, source: Iterable[MessageId], where: str = ""
) -> list[str]:
    """Everything wrong with one catalogue, compared with the source strings."""
    where = where or language
    problems = []
    expected_rule = PLURAL_FORMS[language]
    rule = _header(catalogue, "plural-forms")
    if rule is None or _normalise_rule(rule) != _normalise_rule(expected_rule):
        problems.append(f"{where}: Plural-Forms is {rule!r}, expected {expected_rule!r}")
    if _header(catalogue, "language") != language:
        problems.append(
            f"{where}: Language is {_header(catalogue, 'language')!r}, expected {language!r}"
        )
    content_type = _header(catalogue, "content-type") or ""
    if "charset=utf-8" not in content_type.lower().replace(" ", ""):
        problems.append(f"{where}: Content-Type is {content_type!r}, expected UTF-8")
    if catalogue.fuzzy:
        problems.append(f"{where}: the header is marked fuzzy")

    wanted = set(source)
    present = _ids(catalogue)
    problems += [f"{where}: missing {_show(m)}" for m in sorted(wanted - present, key=_show)]
    problems += [
        f"{where}: not in the source any more {_show(m)}"
        for m in sorted(present - wanted, key=_show)
    ]
    problems += [
        f"{where}: obsolete entry {_show(message_id(m))}" for m in catalogue.obsolete.values()
    ]

    nplurals = int(expected_rule.split(";")[0].split("=")[1])
    for message in sorted((m for m in catalogue if m.id), key=lambda m: _show(message_id(m))):
        label = f"{where}: {_show(message_id(message))}"
        if message.fuzzy:
            problems.append(f"{label} is fuzzy")
        if not _is_translated(message):
            problems.append(f"{label} is not translated")
            continue
        originals = _forms(message.id)
        translations = _forms(message.string)
        if len(originals) > 1 and len(translations) != nplurals:
            problems.append(f"{label} has {len(translations)} plural forms, expected {nplurals}")
        expected = frozenset[str]()
        for original in originals:
            fields = placeholders(original)
            expected |= fields or frozenset()
        for index, translation in enumerate(translations):
            fields = placeholders(translation)
            form = f" (form {index})" if len(originals) > 1 else ""
            if fields is None:
                problems.append(f"{label}{form}: translation is not a valid format string")
            elif fields != expected:
                problems.append(
                    f"{label}{form}: placeholders {sorted(fields)} in the translation, "
                    f"{sorted(expected)} in the source"
                )
    return problems


def template_problems(template: Catalog, source: Iterable[MessageId], where: str) -> list[str]:
    wanted = set(source)
    present = _ids(template)
    missing = [f"{where}: missing {_show(m)}" for m in sorted(wanted - present, key=_show)]
    stale = [
        f"{where}: not in the source any more {_show(m)}"
        for m in sorted(present - wanted, key=_show)
    ]
    return missing + stale


def _msgfmt(path: Path) -> tuple[int, list[str]]:
    """Exit status and messages of ``msgfmt --check --statistics`` on a catalogue."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return 127, ["msgfmt not found: install GNU gettext (apt-get install gettext)"]
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "--output-file=/dev/null", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, "LC_ALL": "C.UTF-8", "LANGUAGE": ""},
        check=False,
    )
    return result.returncode, [line for line in result.stderr.splitlines() if line.strip()]


def msgfmt_statistics(path: Path) -> str:
    """E.g. "130 translated messages." (msgfmt counts fuzzy and untranslated apart)."""
    _status, lines = _msgfmt(path)
    return lines[-1] if lines else ""


def msgfmt_problems(path: Path) -> list[str]:
    """What ``msgfmt --check`` reports as errors, and any fuzzy or untranslated count."""
    status, lines = _msgfmt(path)
    where = _relative(path)
    if status != 0:
        return [f"{where}: msgfmt: {line}" for line in lines]
    statistics = lines[-1] if lines else ""
    if "fuzzy" in statistics or "untranslated" in statistics:
        return [f"{where}: msgfmt: {statistics}"]
    return []


def check(
    root: Path = ROOT, directory: Path = LOCALE_DIR, languages: Sequence[str] = LANGUAGES
) -> list[str]:
    """Every problem of the template and the catalogues; empty when all is well."""
    source = set(source_messages(root))
    problems = dynamic_calls(root)
    template_path = directory / f"{DOMAIN}.pot"
    if template_path.exists():
        template = read_catalogue(template_path)
        problems += template_problems(template, source, _relative(template_path))
    else:
        problems.append(f"{_relative(template_path)}: missing (run update)")
    for language in languages:
        path = catalogue_path(language, directory)
        if not path.exists():
            problems.append(f"{_relative(path)}: missing (run update)")
            continue
        catalogue = read_catalogue(path)
        problems += catalogue_problems(language, catalogue, source, _relative(path))
        problems += msgfmt_problems(path)
    return problems


# --- Command line -------------------------------------------------------------------------


def _say(lines: Iterable[str]) -> None:
    for line in lines:
        sys.stdout.write(line + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    update_command = commands.add_parser("update", help="extract strings, update catalogues")
    update_command.add_argument(
        "--fuzzy-matching",
        action="store_true",
        help="pre-fill a new string from a similar old one, marked fuzzy for review",
    )
    commands.add_parser("check", help="exit 1 and list problems if any catalogue has one")
    arguments = parser.parse_args(argv)
    if arguments.command == "update":
        reports = update(fuzzy_matching=arguments.fuzzy_matching)
        for report in reports:
            _say(describe(report))
        return 0
    problems = check()
    for language in LANGUAGES:
        path = catalogue_path(language)
        if path.exists():
            _say([f"{_relative(path)}: {msgfmt_statistics(path)}"])
    if problems:
        _say([*problems, f"{len(problems)} problem(s)"])
        return 1
    _say([f"{len(source_messages())} messages; all catalogues complete and consistent"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Which package may import which: the dependency lines of DESIGN.md, read from the source.

The domain (``events``) imports no transport, no web framework and not the composition
root; the transports import the composition root (``redbridge``) nowhere; the scheduler
imports no bot module (the notice renderer is handed to it). Every import counts, also
one inside a function or under ``TYPE_CHECKING``.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> top-level modules it must never import
FORBIDDEN: dict[str, frozenset[str]] = {
    "events": frozenset(
        {"api", "bot", "scheduler", "redbridge", "emulator", "aiogram", "fastapi", "starlette"}
    ),
    "scheduler": frozenset({"api", "bot", "redbridge", "fastapi"}),
    # The reader's language and dates, shared by the bot and the dashboard.
    "locales": frozenset(
        {"api", "bot", "web", "redbridge", "scheduler", "aiogram", "fastapi", "starlette"}
    ),
    "api": frozenset({"redbridge", "scheduler"}),
    "bot": frozenset({"api", "redbridge", "scheduler", "fastapi"}),
    # The dashboard is a transport beside the API and the bot (DESIGN.md): it calls use
    # cases, never another transport, the scheduler or the composition root. Its words and
    # dates come from locales.translator; aiogram only checks Mini App initData
    # (aiogram.utils.web_app).
    "web": frozenset({"api", "bot", "redbridge", "scheduler", "sending", "emulator"}),
    # The send budget knows Telegram's limits and aiogram, nothing of Redbridge.
    "sending": frozenset(
        {"api", "bot", "events", "redbridge", "scheduler", "emulator", "fastapi"}
    ),
}


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level module) of every absolute import in the file."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_only_what_its_layer_may(package: str) -> None:
    crossings = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, module in imported_modules(path)
        if module in FORBIDDEN[package]
    ]
    assert not crossings, "\n".join(crossings)


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "late.py"
    source.write_text("def f() -> None:\n    from bot.notices import render\n")
    assert list(imported_modules(source)) == [(2, "bot")]

"""No handler talks to Telegram while it holds a database session.

On SQLite the bot shares one connection; saving the conversation before each request
to Telegram (``bot.storage.SaveBeforeSending``) needs it, so a handler awaiting a
request inside ``async with db() as session`` would wait for itself until the pool
times out. This reads the source, since such a wait shows only under that timing.
"""

import ast
from pathlib import Path

import bot

REQUESTS = ("answer", "edit", "send_", "reply", "bot.")


def _requests_inside_sessions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.AsyncWith):
            continue
        opens_session = any(
            "db(" in ast.unparse(item.context_expr)
            or "sessionmaker(" in ast.unparse(item.context_expr)
            for item in node.items
        )
        if not opens_session:
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call):
                name = ast.unparse(inner.func)
                if any(marker in name for marker in REQUESTS):
                    found.append(f"{path.name}:{inner.lineno} {name}")
    return found


def test_no_handler_awaits_telegram_inside_a_session() -> None:
    package = Path(bot.__file__).parent
    offenders = [
        finding
        for path in sorted(package.rglob("*.py"))
        for finding in _requests_inside_sessions(path)
    ]
    assert offenders == []

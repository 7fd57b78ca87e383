"""No handler talks to Telegram while it holds a database session.

On SQLite the bot shares one connection; saving the conversation before each request
to Telegram (``bot.storage.SaveBeforeSending``) needs it, so a handler awaiting a
request inside ``async with db() as session`` would wait for itself until the pool
times out. This reads the source, since such a wait shows only under that timing.
"""

import ast
from pathlib import Path

import bot

# Telegram's methods as aiogram's objects name them (message.answer, query.message
# .edit_text, bot.send_message, …).
METHODS = ("answer", "reply")
METHOD_PREFIXES = ("answer_", "edit_", "send_", "reply_", "delete_", "copy_", "forward_")


def _sending_helpers() -> frozenset[str]:
    """The bot's own functions that send (``bot/replies.py``), called by bare name."""
    source = (Path(bot.__file__).parent / "replies.py").read_text(encoding="utf-8")
    return frozenset(
        node.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.AsyncFunctionDef)
    )


def _is_request(call: str) -> bool:
    """A call that talks to Telegram; a use case named ``editions_of`` does not."""
    *receiver, name = call.split(".")
    if not receiver:
        return name in _sending_helpers()
    return receiver[0] == "bot" or name in METHODS or name.startswith(METHOD_PREFIXES)


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
                if _is_request(name):
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


def test_the_check_tells_requests_from_use_cases() -> None:
    for call in ("message.answer", "query.message.edit_text", "bot.send_message", "edit_or_send"):
        assert _is_request(call), call
    for call in ("editions_of", "answer_invitations", "session.execute", "t.gettext"):
        assert not _is_request(call), call

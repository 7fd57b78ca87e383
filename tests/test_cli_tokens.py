"""``redbridge token create|list|revoke`` on a real SQLite file: what an admin types."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from events.store import create_engine, create_sessionmaker
from redbridge.cli import main
from tests.factories import create_programme


async def _make_programme(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            await create_programme(session, datetime.now(UTC), slug="summer-school")
            await session.commit()
    finally:
        await engine.dispose()


def test_tokens_are_created_listed_and_revoked_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'redbridge.db'}"
    monkeypatch.setenv("REDBRIDGE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)

    assert main(["token", "create", "--role", "admin", "--name", "ops"]) == 0
    admin_secret = capsys.readouterr().out.strip()
    assert main(["token", "create", "--role", "checker"]) == 2
    assert "a checker token needs at least one programme" in capsys.readouterr().err
    asyncio.run(_make_programme(url))
    checker = ["--role", "checker", "--programme", "summer-school", "--name", "door"]
    assert main(["token", "create", *checker, "--telegram-user-id", "5001"]) == 0
    checker_secret = capsys.readouterr().out.strip()

    assert main(["token", "list"]) == 0
    listed = capsys.readouterr().out
    header, admin, door = listed.splitlines()
    assert header.split() == [
        "ID", "NAME", "ROLE", "PROGRAMMES", "CREATED", "LAST", "USED", "REVOKED", "TELEGRAM"
    ]  # fmt: skip
    assert admin.split()[:4] == ["1", "ops", "admin", "-"]
    assert door.split()[:4] == ["2", "door", "checker", "summer-school"]
    assert door.split()[-2:] == ["-", "5001"]  # not revoked; its Telegram account
    for secret in (admin_secret, checker_secret):
        assert secret not in listed

    assert main(["token", "revoke", "2"]) == 0
    assert capsys.readouterr().out.startswith("Token 2 (door) is revoked since ")
    assert main(["token", "list"]) == 0
    door = capsys.readouterr().out.splitlines()[2]
    assert door.split()[-2] == "UTC"  # the revocation time ends the line before the account
    assert main(["token", "revoke", "99"]) == 2
    assert "token" in capsys.readouterr().err


@pytest.mark.parametrize("action", ["create", "list", "revoke"])
def test_every_token_action_answers_help(action: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["token", action, "--help"])
    assert exited.value.code == 0
    assert f"usage: redbridge token {action}" in capsys.readouterr().out

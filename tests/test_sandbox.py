"""``redbridge sandbox`` and ``redbridge serve`` as a newcomer meets them: a busy port is
one clear line (serve) or another port (sandbox), /quit leaves without a traceback, the
sandbox has a database of its own unless told to keep one, and its --language wins.
Links follow the port when PUBLIC_URL is not set."""

import asyncio
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from redbridge.cli import main
from redbridge.ports import PortInUse, check_port
from redbridge.settings import Settings

WAIT_S = 90.0  # imports, migrations and the demo data on a busy machine


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_links_follow_the_port_unless_public_url_says_otherwise() -> None:
    assert Settings(port=9001).public_url == "http://127.0.0.1:9001"
    assert Settings(host="0.0.0.0", port=9002).public_url == "http://127.0.0.1:9002"
    assert Settings(host="::1", port=9003).public_url == "http://[::1]:9003"
    given = Settings(port=9004, public_url="https://redbridge.example")
    assert given.public_url == "https://redbridge.example"


def test_a_taken_port_is_found_before_anything_starts(busy_port: int) -> None:
    with pytest.raises(PortInUse, match=f"port {busy_port} on 127.0.0.1 is in use"):
        check_port("127.0.0.1", busy_port)


def test_serve_on_a_taken_port_says_so_in_one_line(
    busy_port: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("REDBRIDGE_PORT", str(busy_port))
    monkeypatch.setenv("REDBRIDGE_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    assert main(["serve"]) == 1
    errors = capsys.readouterr().err
    assert errors.count("\n") == 1
    assert "REDBRIDGE_PORT" in errors
    assert not (tmp_path / "serve.db").exists()  # nothing was started


async def _sandbox(
    tmp_path: Path, port: int, *arguments: str, lines: list[tuple[str, str]]
) -> str:
    """Run the sandbox, type each line once the previous answer is on screen, return all
    it printed (stdout and stderr)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REDBRIDGE_")}
    environment |= {"REDBRIDGE_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "redbridge",
        "sandbox",
        *arguments,
        cwd=tmp_path,
        env=environment,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    screen = ""
    for line, expected in lines:
        process.stdin.write(f"{line}\n".encode())
        await process.stdin.drain()
        while expected not in screen:
            try:
                chunk = await asyncio.wait_for(process.stdout.read(4096), WAIT_S)
            except TimeoutError:
                process.kill()
                raise AssertionError(f"no {expected!r} within {WAIT_S} s:\n{screen}") from None
            assert chunk, f"the sandbox ended before {expected!r}:\n{screen}"
            screen += chunk.decode()
    process.stdin.write(b"/quit\n")
    await process.stdin.drain()
    rest, _ = await asyncio.wait_for(process.communicate(), WAIT_S)
    screen += rest.decode()
    assert process.returncode == 0, screen
    assert "Traceback" not in screen, screen
    return screen


@pytest.mark.process
async def test_the_sandbox_takes_a_free_port_keeps_no_data_and_its_language_wins(
    tmp_path: Path, busy_port: int
) -> None:
    first = await _sandbox(
        tmp_path, busy_port, "--language", "ru", lines=[("/start", "Добро пожаловать")]
    )
    assert f"Port {busy_port} is in use: the sandbox's API takes port" in first
    assert f"http://127.0.0.1:{busy_port}" not in first  # links follow the new port
    assert "a new database, gone when you leave" in first
    assert not list(tmp_path.glob("*.db"))  # nothing left in the working directory

    # A kept database: the person chose English there; --language ru wins next time.
    kept = ["--database", f"sqlite:///{tmp_path / 'kept.db'}"]
    await _sandbox(
        tmp_path,
        busy_port,
        *kept,
        "--language",
        "ru",
        lines=[
            ("/start", "[3] Язык"),
            ("#3", "[5] Русский"),
            ("#1", "Done: I will write to you in English."),
        ],
    )
    again = await _sandbox(
        tmp_path, busy_port, *kept, "--language", "ru", lines=[("/help", "Что я умею")]
    )
    assert "a new database" not in again

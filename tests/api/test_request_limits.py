"""Request bodies (#12): a size limit, and the token checked before the body is read.

Over a raw connection, so that a test sees when the server answers while the client is
still sending (or has not sent the body at all)."""

import asyncio
import contextlib
import json

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import DEFAULT_MAX_BODY_BYTES, create_app
from events.feeds.render import Links
from redbridge.settings import Settings
from tests.api.conftest import BOT_USERNAME, PUBLIC_URL, ManualClock
from tests.support.served import served

PROBLEM_JSON = "application/problem+json"
CHUNK = b"x" * 65536
ANSWER_TIMEOUT_S = 10.0
# Of the 100 MB a client offers, what it may get out before the answer stops it: socket
# buffers on the loopback grow to a few MB, the rest is never read.
SENT_AT_MOST = 32 * 1024 * 1024


class Exchange:
    """One HTTP/1.1 request written by hand, and the answer read back."""

    def __init__(self, api: httpx.AsyncClient) -> None:
        self.port = api.base_url.port
        self.sent = 0

    async def open(
        self, path: str, headers: dict[str, str]
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        return reader, writer

    async def send_until_answered(
        self,
        writer: asyncio.StreamWriter,
        answered: "asyncio.Task[bytes]",
        total: int,
        *,
        chunked: bool,
    ) -> None:
        """Send up to ``total`` bytes of body, stopping as soon as the answer is in."""
        with contextlib.suppress(ConnectionError):
            while self.sent < total and not answered.done():
                writer.write(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK) if chunked else CHUNK)
                await writer.drain()
                self.sent += len(CHUNK)
                await asyncio.sleep(0.001)


async def _answer(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head + await reader.readexactly(length)


def _problem(answer: bytes, status: int) -> dict[str, object]:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), head
    assert f"content-type: {PROBLEM_JSON}".encode() in head.lower()
    problem: dict[str, object] = json.loads(body)
    assert problem["status"] == status
    return problem


async def _oversized(
    api: httpx.AsyncClient, headers: dict[str, str], *, chunked: bool
) -> tuple[bytes, int]:
    total = 100 * 1024 * 1024
    exchange = Exchange(api)
    framing = {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(total)}
    reader, writer = await exchange.open("/api/v1/programmes", headers | framing)
    answered = asyncio.create_task(asyncio.wait_for(_answer(reader), ANSWER_TIMEOUT_S))
    await exchange.send_until_answered(writer, answered, total, chunked=chunked)
    answer = await answered
    writer.close()
    return answer, exchange.sent


async def test_a_body_announced_too_large_is_refused_unread(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    answer, sent = await _oversized(api, admin, chunked=False)
    problem = _problem(answer, 413)
    assert problem["detail"] == f"the request body is larger than {DEFAULT_MAX_BODY_BYTES} bytes"
    # Answered at once, while the client was still sending: far from 100 MB read.
    assert sent < SENT_AT_MOST


async def test_a_chunked_body_is_cut_off_at_the_limit(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    answer, sent = await _oversized(api, admin, chunked=True)
    problem = _problem(answer, 413)
    assert problem["code"] == "request_entity_too_large"
    assert DEFAULT_MAX_BODY_BYTES < sent < SENT_AT_MOST


async def test_an_oversized_body_without_a_token_is_refused_too(api: httpx.AsyncClient) -> None:
    for chunked in (False, True):
        answer, sent = await _oversized(api, {}, chunked=chunked)
        assert answer.startswith((b"HTTP/1.1 401 ", b"HTTP/1.1 413 "))
        assert sent < SENT_AT_MOST


async def test_the_token_is_checked_before_the_body_is_read(api: httpx.AsyncClient) -> None:
    """The client sends the headers of a body and no body: the server answers anyway."""
    for headers in (
        {"Content-Length": str(DEFAULT_MAX_BODY_BYTES)},
        {"Transfer-Encoding": "chunked"},
        {"Content-Length": "1000", "Authorization": "Bearer not-a-token"},
        {"Content-Length": "1000", "Authorization": "Basic YTpi"},
    ):
        reader, writer = await Exchange(api).open("/api/v1/programmes", headers)
        answer = await asyncio.wait_for(_answer(reader), ANSWER_TIMEOUT_S)
        writer.close()
        problem = _problem(answer, 401)
        assert b"www-authenticate: bearer" in answer.lower()
        assert problem["code"] == "unauthorized"


async def test_a_body_within_the_limit_goes_through(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    long_description = "x" * 3000
    programme = {
        "slug": "forum",
        "kind": "economic_forum",
        "title": {"en": "Forum"},
        "description": {"en": long_description},
    }
    created = await api.post("/api/v1/programmes", json=programme, headers=admin)
    assert created.status_code == 201, created.text


async def test_json_nested_too_deep_is_a_bad_body(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    response = await api.post(
        "/api/v1/programmes",
        content=nested,
        headers=admin | {"Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_the_limit_is_a_setting_passed_to_the_app(
    monkeypatch: pytest.MonkeyPatch,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    admin: dict[str, str],
) -> None:
    monkeypatch.setenv("REDBRIDGE_MAX_BODY_BYTES", "2048")
    limit = Settings(_env_file=None).max_body_bytes
    assert limit == 2048
    app = create_app(Links(PUBLIC_URL, BOT_USERNAME), sessionmaker, clock, max_body_bytes=limit)
    programme = {"slug": "forum", "kind": "economic_forum", "title": {"en": "Forum"}}
    async with served(app) as client:
        small = await client.post("/api/v1/programmes", json=programme, headers=admin)
        assert small.status_code == 201, small.text
        programme |= {"slug": "forum-2", "description": {"en": "x" * 2048}}
        large = await client.post("/api/v1/programmes", json=programme, headers=admin)
        assert large.status_code == 413
        assert large.headers["content-type"] == PROBLEM_JSON
        assert large.json()["detail"] == "the request body is larger than 2048 bytes"

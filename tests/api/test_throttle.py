"""Guessing tokens slows down: after ten wrong API tokens a minute, an address gets 429
with Retry-After, even with a good token; other addresses, callers without a token and
the public feeds go on as before."""

import httpx

from events.enums import Role
from tests.api.conftest import TokenFactory

WRONG = {"Authorization": "Bearer rb_not-a-token"}
LIMIT = 10  # create_app's default


def _from(api: httpx.AsyncClient, address: str) -> httpx.AsyncClient:
    """A client of the same server whose requests come from another loopback address."""
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return httpx.AsyncClient(base_url=api.base_url, transport=transport, timeout=30)


async def test_an_address_that_guesses_tokens_is_made_to_wait(
    api: httpx.AsyncClient, token_headers: TokenFactory
) -> None:
    good = await token_headers(Role.ADMIN)
    for _ in range(LIMIT):
        answer = await api.get("/api/v1/audit", headers=WRONG)
        assert answer.status_code == 401
    refused = await api.get("/api/v1/audit", headers=WRONG)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Checked before the token is: a good one from this address waits as well.
    assert (await api.get("/api/v1/audit", headers=good)).status_code == 429
    assert (await api.get("/api/v1/events", headers=WRONG)).status_code == 429

    # Not counted, not refused: no token at all, the feeds, health.
    assert (await api.get("/api/v1/programmes")).status_code == 200
    assert (await api.get("/calendar/all.ics")).status_code == 200
    assert (await api.get("/healthz")).status_code == 200

    async with _from(api, "127.0.0.2") as neighbour:
        assert (await neighbour.get("/api/v1/audit", headers=good)).status_code == 200
        assert (await neighbour.get("/api/v1/audit", headers=WRONG)).status_code == 401


async def test_good_tokens_are_never_counted(
    api: httpx.AsyncClient, token_headers: TokenFactory
) -> None:
    good = await token_headers(Role.ADMIN)
    for _ in range(3 * LIMIT):
        assert (await api.get("/api/v1/audit", headers=good)).status_code == 200
    assert (await api.get("/api/v1/audit", headers=WRONG)).status_code == 401

"""The fuzzer's own check reads the listed rules right: a 422 to valid data passes only
for a field listed under ``x-rules-not-in-schema`` (``tests/api/fuzz_checks.py``)."""

import httpx

from tests.api.fuzz_checks import is_listed, listed_rules


async def test_listed_rules_reach_nested_models_and_nothing_else(api: httpx.AsyncClient) -> None:
    document = (await api.get("/openapi.json")).json()
    create = document["paths"]["/api/v1/programmes/{slug}/events"]["post"]
    listed = listed_rules(create, document)
    assert {"ends_at", "starts_at", "questions", "questions.*.max_value"} <= set(listed)
    assert is_listed("questions.3.max_value", listed)
    assert is_listed("ends_at", listed)
    for unlisted in ("venue.en", "questions.0.prompt.en", "title.ru", "ends_at.x", "questions.0"):
        assert not is_listed(unlisted, listed), unlisted
    change = document["paths"]["/api/v1/events/{event_id}"]["patch"]
    assert is_listed("title.ru", listed_rules(change, document))
    assert is_listed("country_quotas.GE", listed_rules(change, document))
    assert listed_rules(document["paths"]["/api/v1/events"]["get"], document) == {}


async def test_listed_rules_of_query_parameters_are_read_by_name(api: httpx.AsyncClient) -> None:
    document = (await api.get("/openapi.json")).json()
    balance = document["paths"]["/api/v1/events/{event_id}/balance"]["get"]
    assert set(listed_rules(balance, document)) == {"participation"}
    listing = document["paths"]["/api/v1/events/{event_id}/applications"]["get"]
    assert listed_rules(listing, document) == {}

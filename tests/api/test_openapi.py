"""The OpenAPI document tells the truth: problem answers, optional tokens, 405's Allow."""

import json
import re
from typing import Any

import httpx
import jsonschema_rs

from tests.api.builders import SUMMER_SCHOOL, published_event

PROBLEM_JSON = "application/problem+json"


async def _document(api: httpx.AsyncClient) -> dict[str, object]:
    answer = await api.get("/openapi.json")
    assert answer.status_code == 200
    document: dict[str, object] = answer.json()
    return document


async def test_every_error_answer_is_documented_as_a_problem(api: httpx.AsyncClient) -> None:
    document = await _document(api)
    paths = document["paths"]
    assert isinstance(paths, dict)
    for path, operations in paths.items():
        for method, operation in operations.items():
            errors = {code: r for code, r in operation["responses"].items() if code >= "400"}
            for code, response in errors.items():
                assert list(response["content"]) == [PROBLEM_JSON], (method, path, code)
            if operation.get("parameters") or operation.get("requestBody"):
                assert {"404", "422"} <= set(errors), (method, path)
            if operation.get("requestBody"):
                assert {"400", "413"} <= set(errors), (method, path)
            if method in ("post", "patch", "delete"):
                assert {"409", "410"} <= set(errors), (method, path)


async def test_no_reference_dangles_and_fastapis_own_422_body_is_gone(
    api: httpx.AsyncClient,
) -> None:
    document = await _document(api)
    components = document["components"]
    assert isinstance(components, dict)
    schemas = components["schemas"]
    references = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(document)))
    assert references <= set(schemas)
    assert "HTTPValidationError" not in schemas
    assert schemas["Problem"]["required"] == ["type", "title", "status", "code", "detail"]


async def test_public_reads_take_a_token_or_none_and_the_rest_require_one(
    api: httpx.AsyncClient,
) -> None:
    paths = (await _document(api))["paths"]
    assert isinstance(paths, dict)
    public = paths["/api/v1/programmes"]["get"]
    assert public["security"] == [{}, {"bearer": []}]
    assert "403" not in public["responses"]
    assert {"401", "429"} <= set(public["responses"])  # an unknown token is refused
    private = paths["/api/v1/events/{event_id}/registrations"]["get"]
    assert private["security"] == [{"bearer": []}]
    assert {"401", "403", "429"} <= set(private["responses"])
    assert "security" not in paths["/healthz"]["get"]


async def test_a_wrong_method_is_told_every_method_of_the_path(api: httpx.AsyncClient) -> None:
    """GET and PATCH of one event are two routes; Starlette's own answer named only one."""
    answer = await api.request("OPTIONS", "/api/v1/events/1")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, PATCH"
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json()["code"] == "method_not_allowed"
    answer = await api.put("/api/v1/programmes")
    assert (answer.status_code, answer.headers["allow"]) == (405, "GET, POST")


def _nodes(node: object) -> list[dict[str, Any]]:
    """Every schema object within ``node``, depth first."""
    if isinstance(node, list):
        return [found for item in node for found in _nodes(item)]
    if not isinstance(node, dict):
        return []
    return [node, *(found for value in node.values() for found in _nodes(value))]


async def test_every_input_string_has_a_limit_and_every_keyword_is_json_schema(
    api: httpx.AsyncClient,
) -> None:
    """Bodies state their limits (``maxLength``, a pattern or the values); pydantic's own
    names (``ge``, ``le``) never leak into the document."""
    document = await _document(api)
    schemas = document["components"]["schemas"]  # type: ignore[index]
    bodies = [
        operation["requestBody"]["content"]["application/json"]["schema"]
        for operations in document["paths"].values()  # type: ignore[attr-defined]
        for operation in operations.values()
        if "requestBody" in operation
    ]
    names: set[str] = set()
    pending: list[Any] = bodies
    while pending:  # every component the bodies are made of
        found = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(pending))) - names
        names |= found
        pending = [schemas[name] for name in found]
    for name in names:
        for node in _nodes(schemas[name]):
            assert not {"ge", "le", "gt", "lt"} & set(node), (name, node)
            if node.get("type") == "string":
                assert {"maxLength", "pattern", "enum", "const"} & set(node), (name, node)
    assert "pattern" in schemas["CountryCode"]
    assert "pattern" in schemas["TimeZone"]
    assert "ends_at" in schemas["EventDraft"]["x-rules-not-in-schema"]


async def test_answers_to_the_documents_examples_match_their_documented_schema(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    """Formats included: a series' ``start_time`` is a local time, not RFC 3339's
    ``time`` (which needs an offset), as the fuzzer found."""
    document = await _document(api)
    await published_event(api, admin)  # the programme, published
    schemas = document["components"]["schemas"]  # type: ignore[index]
    operation = document["paths"]["/api/v1/programmes/{slug}/series"]["post"]  # type: ignore[index]
    (example,) = schemas["SeriesDraft"]["examples"]
    created = await api.post(
        f"/api/v1/programmes/{SUMMER_SCHOOL}/series", json=example, headers=admin
    )
    assert created.status_code == 201, created.text
    schema = operation["responses"]["201"]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for(
        {**schema, "components": document["components"]}, validate_formats=True
    )
    errors = [error.message for error in validator.iter_errors(created.json())]
    assert not errors

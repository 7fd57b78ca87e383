"""Schemathesis hooks for fuzzing Redbridge (``SCHEMATHESIS_HOOKS=<this file>``).

Loaded into the ``st`` process, by ``tests/api/test_fuzz.py`` and by hand (README):

- ``valid_data_is_refused_only_by_listed_rules``: the document states every input rule
  it can; the rest (a field compared with another, with the stored state or the clock)
  it lists per model under ``x-rules-not-in-schema``. Schemathesis's own
  ``positive_data_acceptance`` is told that 422 may answer valid data
  (``tests/api/schemathesis.toml``); this check then fails a 422 to data the schema
  accepts unless every field the problem names is under such a listed rule. So a rule
  the document could state but does not, or states wrongly, still fails the run.
- Counting the requests sent, printed when ``st`` exits (``Requests sent: N``).
"""

import atexit
import sys
from collections.abc import Mapping
from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, HookContext, Response

from events.json_schema import RULES_KEYWORD

_sent = 0


@schemathesis.hook
def after_call(_context: HookContext, _case: Case[Any], _response: Response) -> None:
    global _sent
    _sent += 1


def _report() -> None:
    print(f"Requests sent: {_sent}", file=sys.stderr)  # noqa: T201


# Only inside ``st``, which loads this file under that name (not when a test imports it).
if __name__ == "_schemathesis_hooks":
    atexit.register(_report)


def _resolve(document: Mapping[str, Any], reference: str) -> Any:
    node: Any = document
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return node


def listed_rules(operation: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, str]:
    """The rules beyond the schema of an operation's request body, by field pattern
    (dotted; ``*`` for any key or index), from the models it is made of, and of its query
    parameters (listed in each parameter's schema, by the parameter's name)."""
    content = operation.get("requestBody", {}).get("content", {})
    found: dict[str, str] = {}
    schema = content.get("application/json", {}).get("schema")
    _collect(schema, (), document, found, frozenset())
    for parameter in operation.get("parameters", []):
        _collect(parameter.get("schema"), (), document, found, frozenset())
    return found


def _collect(
    schema: Any,
    prefix: tuple[str, ...],
    document: Mapping[str, Any],
    found: dict[str, str],
    seen: frozenset[str],
) -> None:
    if not isinstance(schema, Mapping):
        return
    if "$ref" in schema:
        if schema["$ref"] in seen:
            return
        seen = seen | {schema["$ref"]}
        schema = _resolve(document, schema["$ref"])
    for field, rule in schema.get(RULES_KEYWORD, {}).items():
        found[".".join((*prefix, field))] = rule
    for keyword in ("anyOf", "allOf", "oneOf"):
        for branch in schema.get(keyword, []):
            _collect(branch, prefix, document, found, seen)
    for name, inner in schema.get("properties", {}).items():
        _collect(inner, (*prefix, name), document, found, seen)
    for keyword in ("items", "additionalProperties"):
        _collect(schema.get(keyword), (*prefix, "*"), document, found, seen)


def is_listed(field: str, patterns: Mapping[str, str]) -> bool:
    parts = field.split(".")
    for pattern in patterns:
        wanted = pattern.split(".")
        if len(wanted) == len(parts) and all(
            w in ("*", p) for w, p in zip(wanted, parts, strict=True)
        ):
            return True
    return False


@schemathesis.check
def valid_data_is_refused_only_by_listed_rules(
    _ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    if response.status_code != 422 or case.meta is None:
        return None
    if not case.meta.generation.mode.is_positive:
        return None
    problem = response.json()
    fields = [str(error.get("field")) for error in problem.get("errors", [])]
    listed = listed_rules(case.operation.definition.raw, case.operation.schema.raw_schema)
    unlisted = [field for field in fields if not is_listed(field, listed)]
    if unlisted or not fields:
        raise AssertionError(
            "422 to data the schema accepts, for a rule the document neither states nor "
            f"lists under {RULES_KEYWORD}: {problem.get('detail')!r} "
            f"(fields {unlisted or 'not named'}; listed: {sorted(listed) or 'none'})"
        )
    return True

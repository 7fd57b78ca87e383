"""How the input types describe themselves in the API's JSON Schema.

The runtime rules stay in the validators; these annotations only say in the document
what those validators refuse, so that a request the document accepts is accepted and
one it refuses is refused (``tests/events/test_input_schema.py`` holds the two to each
other). ``Described`` adds keywords to a type's own schema; ``Named`` makes a type one
shared component (a list of 500 country codes is written once, not at every field).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

# The document's extension listing, per input model, the rules it cannot state (a field
# compared with another, with the stored state or with the server's clock).
RULES_KEYWORD = "x-rules-not-in-schema"


@dataclass(frozen=True)
class Described:
    """Add these keywords to the annotated type's JSON schema."""

    # Not hashed (a dict is not hashable; ``X | None`` hashes the annotations).
    keywords: Mapping[str, Any] = field(hash=False)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        described = handler(schema)
        described.update(self.keywords)
        return described


@dataclass(frozen=True)
class Named:
    """Make the annotated type a named component with exactly this JSON schema."""

    name: str
    schema: Mapping[str, Any] = field(hash=False)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        # A core schema with a ``ref`` becomes one definition, referenced wherever it is used.
        return {**handler(source), "ref": self.name}

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        reference = handler(schema)
        definition = handler.resolve_ref_schema(reference)
        definition.clear()
        definition.update(self.schema)
        return reference

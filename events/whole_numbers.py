"""Whole numbers as request bodies carry them: ``Annotated[int, Whole(1, 100_000)]``.

Strict about type (#12): JSON ``true`` or ``"12"`` is refused, not read as 1 or 12. But
JSON has one kind of number, and JSON Schema calls ``12.0`` an integer, so that one is
read as 12; ``12.5`` is refused. The bounds are part of the type, so the document shows
them as ``minimum`` and ``maximum``.
"""

from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

# The integers a JSON number holds exactly (RFC 7493): beyond them JSON Schema validators
# compare as doubles and would call 2**63 + 100 "at most 2**63 - 1".
MAX_SAFE_INT = 2**53 - 1


def _whole(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Whole:
    minimum: int
    maximum: int

    def __get_pydantic_core_schema__(
        self, _source: Any, _handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(
            _whole, core_schema.int_schema(strict=True, ge=self.minimum, le=self.maximum)
        )

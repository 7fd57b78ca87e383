"""Errors of rules that read several fields, reported at the field they are about.

pydantic reports an error raised in a model validator at the model itself (an empty
location), which an API client would read as "body". Such a rule raises
``field_error(name, message)`` instead: a pydantic error that carries the field's name
in its context, so ``error_path`` can name it after the model's own location (which
matters for nested models such as a question's ``max_value``).
"""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from events.errors import InvalidInput

CROSS_FIELD = "cross_field"


def field_error(field: str, message: str) -> PydanticCustomError:
    """An error for a model validator to raise about ``field`` (dotted for nested keys)."""
    # The message goes in through the context: it may hold braces pydantic would format.
    return PydanticCustomError(CROSS_FIELD, "{message}", {"field": field, "message": message})


def error_path(error: Mapping[str, Any]) -> list[str]:
    """The location of one pydantic error (``ValidationError.errors()`` item), ending with
    the field a cross-field rule named."""
    path = [str(part) for part in error["loc"]]
    context = error.get("ctx") or {}
    if error["type"] == CROSS_FIELD and "field" in context:
        path.extend(str(context["field"]).split("."))
    return path


def invalid_input(error: ValidationError) -> InvalidInput:
    """The first error of a validation that ran inside a use case, as ``InvalidInput``."""
    first = error.errors()[0]
    return InvalidInput(".".join(error_path(first)) or "body", first["msg"])

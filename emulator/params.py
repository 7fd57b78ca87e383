"""Method parameters from any of the encodings the Bot API accepts.

Telegram takes parameters from the query string, an ``application/json`` body, an
urlencoded form or ``multipart/form-data``. In forms every value is a string, and
nested objects (``reply_markup``, ``allowed_updates``, ...) arrive JSON-encoded:
aiogram 3 posts an urlencoded form without files and multipart with files, dumping
every non-string value with ``json.dumps`` and referring to each file part as
``attach://<part name>``.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from emulator.errors import bad_request

_INTEGER = re.compile(r"-?\d{1,20}")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


class Params:
    """The parameters of one method call, with Telegram-like coercion of form strings."""

    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload] | None = None):
        self._values = dict(values)
        self._uploads = dict(uploads or {})

    @classmethod
    async def from_request(cls, request: web.Request) -> "Params":
        """Read the query string and the body; body values win over query values."""
        values: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        if request.content_type == "application/json" and request.can_read_body:
            try:
                body = await request.json()
            except ValueError as error:
                raise bad_request("can't parse JSON request body") from error
            if not isinstance(body, dict):
                raise bad_request("JSON request body must be an object")
            values.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    with value.file:  # aiohttp spools parts to temporary files: close them
                        data = value.file.read()
                    uploads[key] = Upload(value.filename, value.content_type, data)
                elif isinstance(value, bytes | bytearray):
                    values[key] = bytes(value).decode("utf-8", errors="replace")
                else:
                    values[key] = value
        return cls(values, uploads)

    def __contains__(self, name: str) -> bool:
        return name in self._values or name in self._uploads

    def raw(self, name: str) -> Any:
        """The value as it arrived (a string from forms, any JSON type from JSON bodies)."""
        return self._values.get(name)

    def text(self, name: str) -> str | None:
        """A string parameter; numbers from JSON bodies are accepted as their decimal text."""
        value = self._values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def integer(self, name: str) -> int | None:
        """An integer parameter, or ``None`` when it is absent or empty."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        raise bad_request(f'field "{name}" must be of type Integer')

    def flag(self, name: str) -> bool:
        """A Boolean parameter; absent means ``False``, as in Telegram."""
        value = self._values.get(name)
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return False

    def structure(self, name: str) -> Any:
        """A nested object or array, decoded from JSON text when it came in a form."""
        value = self._values.get(name)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except ValueError as error:
                raise bad_request(f"can't parse {name} JSON object") from error
        return value

    def file(self, name: str) -> Upload | str | None:
        """A file: an uploaded part (directly or via ``attach://``) or a file_id / URL string."""
        if name in self._uploads:
            return self._uploads[name]
        value = self.text(name)
        if value is None or value == "":
            return None
        if value.startswith("attach://"):
            part = self._uploads.get(value.removeprefix("attach://"))
            if part is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return part
        return value

    def chat_id(self, name: str = "chat_id") -> int:
        """The target chat; ``@username`` never resolves here (the emulator has no channels)."""
        value = self._values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        raise bad_request("chat not found")

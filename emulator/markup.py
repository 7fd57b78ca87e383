"""Keyboards: validating ``reply_markup`` like Telegram and reading buttons back."""

from dataclasses import dataclass
from typing import Any

from emulator.errors import bad_request
from emulator.links import checked_url

Markup = dict[str, Any]

CALLBACK_DATA_LIMIT = 64  # bytes of UTF-8, not characters
# The optional fields of InlineKeyboardButton; a button must use exactly one of them.
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


@dataclass(frozen=True)
class Button:
    """One inline button as a user sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    web_app_url: str | None = None


def validate_reply_markup(value: Any) -> Markup | None:
    """The markup normalised as Telegram stores it, or a 400 for anything it refuses."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        return {"inline_keyboard": _inline_rows(value["inline_keyboard"])}
    if "keyboard" in value:
        return _reply_keyboard(value)
    if value.get("remove_keyboard") is True:
        return {"remove_keyboard": True}
    if value.get("force_reply") is True:
        return {"force_reply": True}
    raise bad_request("can't parse reply keyboard markup JSON object")


def inline_buttons(markup: Markup | None) -> list[list[Button]]:
    """The rows of inline buttons of a stored markup (empty for other keyboards)."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        [
            Button(
                b["text"],
                b.get("callback_data"),
                b.get("url"),
                b["web_app"]["url"] if isinstance(b.get("web_app"), dict) else None,
            )
            for b in row
        ]
        for row in markup["inline_keyboard"]
    ]


def _rows(value: Any, what: str) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(f'field "{what}" must be an Array of Arrays')
    return value


def _inline_rows(value: Any) -> list[list[dict[str, Any]]]:
    return [[_inline_button(button) for button in row] for row in _rows(value, "inline_keyboard")]


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [field for field in _INLINE_ACTIONS if field in button]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be used"
        )
    action = actions[0]
    argument = button[action]
    if action == "callback_data":
        if not isinstance(argument, str) or not (
            1 <= len(argument.encode("utf-8")) <= CALLBACK_DATA_LIMIT
        ):
            raise bad_request("BUTTON_DATA_INVALID")
    elif action == "url" and (not isinstance(argument, str) or checked_url(argument) is None):
        raise bad_request("BUTTON_URL_INVALID")
    elif action == "web_app":
        web_app_url(argument)
    return {"text": text, action: argument}


def web_app_url(web_app: Any) -> str:
    """The URL of a ``WebAppInfo``; Telegram opens Mini Apps only over https, and refuses
    any other link with 400 "BUTTON_TYPE_INVALID"."""
    url = web_app.get("url") if isinstance(web_app, dict) else None
    if not isinstance(url, str) or not url.startswith("https://") or checked_url(url) is None:
        raise bad_request("BUTTON_TYPE_INVALID")
    return url


def _reply_keyboard(value: dict[str, Any]) -> Markup:
    rows: list[list[dict[str, Any]]] = []
    for row in _rows(value["keyboard"], "keyboard"):
        buttons = []
        for button in row:
            spec = {"text": button} if isinstance(button, str) else button
            if not isinstance(spec, dict) or not isinstance(spec.get("text"), str):
                raise bad_request('can\'t parse keyboard button: field "text" must be a String')
            if not spec["text"].strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            buttons.append(dict(spec))
        rows.append(buttons)
    options = ("resize_keyboard", "one_time_keyboard", "is_persistent", "selective")
    markup: Markup = {"keyboard": rows, **{key: True for key in options if value.get(key) is True}}
    if isinstance(value.get("input_field_placeholder"), str):
        markup["input_field_placeholder"] = value["input_field_placeholder"]
    return markup

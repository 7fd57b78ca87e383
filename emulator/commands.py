"""The bot's profile: getMe, its command menus per scope and language, its descriptions."""

import re
from typing import Any

from emulator.errors import bad_request
from emulator.markup import web_app_url
from emulator.params import Params
from emulator.state import EmulatorState, Handler

MAX_COMMANDS = 100
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_GLOBAL_SCOPES = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators")
_CHAT_SCOPES = ("chat", "chat_administrators")
# setMyX / getMyX pairs: (result field, maximum length)
_PROFILE_TEXTS = {
    "Description": ("description", 512),
    "ShortDescription": ("short_description", 120),
    "Name": ("name", 64),
}


async def get_me(state: EmulatorState, params: Params) -> dict[str, Any]:
    """getMe: the bot's own ``User`` with its capabilities."""
    return state.identity.me_api()


def _scope_key(params: Params) -> str:
    scope = params.structure("scope") or {"type": "default"}
    kind = scope.get("type") if isinstance(scope, dict) else None
    if kind in _GLOBAL_SCOPES:
        return str(kind)
    if kind in _CHAT_SCOPES and isinstance(scope.get("chat_id"), int):
        return f"{kind}:{scope['chat_id']}"
    if kind == "chat_member" and isinstance(scope.get("chat_id"), int):
        return f"chat_member:{scope['chat_id']}:{scope.get('user_id')}"
    raise bad_request("can't parse BotCommandScope JSON object")


def _language(params: Params) -> str:
    language = params.text("language_code") or ""
    if language and not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language code specified")
    return language


def _commands(params: Params) -> list[dict[str, str]]:
    commands = params.structure("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    result = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name, description = command.get("command"), command.get("description")
        if not isinstance(name, str) or not _COMMAND.fullmatch(name.removeprefix("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": name.removeprefix("/"), "description": description.strip()})
    return result


async def set_my_commands(state: EmulatorState, params: Params) -> bool:
    """setMyCommands for one (scope, language_code); an empty list deletes them."""
    commands = _commands(params)
    key = (_scope_key(params), _language(params))
    if commands:
        state.commands[key] = commands
    else:
        state.commands.pop(key, None)
    return True


async def get_my_commands(state: EmulatorState, params: Params) -> list[dict[str, str]]:
    """getMyCommands: exactly that (scope, language_code), no fallback, as in Telegram."""
    return list(state.commands.get((_scope_key(params), _language(params)), []))


async def delete_my_commands(state: EmulatorState, params: Params) -> bool:
    """deleteMyCommands for one (scope, language_code)."""
    state.commands.pop((_scope_key(params), _language(params)), None)
    return True


def visible_commands(state: EmulatorState, chat_id: int, language: str) -> list[dict[str, str]]:
    """The menu a user sees in a private chat, by Telegram's documented scope order."""
    language = (language or "").split("-")[0].lower()
    for scope in (f"chat:{chat_id}", "all_private_chats", "default"):
        for code in (language, ""):
            if (scope, code) in state.commands:
                return list(state.commands[(scope, code)])
    return []


def _profile_setter(kind: str) -> Handler:
    field, limit = _PROFILE_TEXTS[kind]

    async def set_text(state: EmulatorState, params: Params) -> bool:
        text = params.text(field) or ""
        if len(text) > limit:
            raise bad_request(f"{field} is too long")
        state.profile_texts[(field, _language(params))] = text
        return True

    set_text.__doc__ = f"setMy{kind}: the bot's {field} in one language ('' for all)."
    return set_text


def _profile_getter(kind: str) -> Handler:
    field, _limit = _PROFILE_TEXTS[kind]

    async def get_text(state: EmulatorState, params: Params) -> dict[str, str]:
        language = _language(params)
        texts = state.profile_texts
        return {field: texts.get((field, language)) or texts.get((field, ""), "")}

    get_text.__doc__ = f"getMy{kind}: the {field} for a language, else the default one."
    return get_text


_MENU_BUTTON_TYPES = ("commands", "web_app", "default")
MENU_BUTTON_TEXT_LIMIT = 64  # not documented; Telegram cuts longer labels


def _menu_button(params: Params) -> dict[str, Any]:
    button = params.structure("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in _MENU_BUTTON_TYPES:
        raise bad_request("can't parse MenuButton JSON object")
    if button["type"] != "web_app":
        return {"type": button["type"]}
    text = button.get("text")
    if not isinstance(text, str) or not 1 <= len(text.strip()) <= MENU_BUTTON_TEXT_LIMIT:
        raise bad_request("BUTTON_TEXT_INVALID")
    return {
        "type": "web_app",
        "text": text,
        "web_app": {"url": web_app_url(button.get("web_app"))},
    }


async def set_chat_menu_button(state: EmulatorState, params: Params) -> bool:
    """setChatMenuButton: one private chat's menu button, or (without ``chat_id``) the
    default of every chat that has none of its own."""
    button = _menu_button(params)
    state.menu_buttons[params.integer("chat_id")] = button
    return True


async def get_chat_menu_button(state: EmulatorState, params: Params) -> dict[str, Any]:
    """getChatMenuButton: the chat's own button, else the default one, else "commands"."""
    chat_id = params.integer("chat_id")
    return dict(
        state.menu_buttons.get(chat_id) or state.menu_buttons.get(None) or {"type": "commands"}
    )


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    **{f"setMy{kind}": _profile_setter(kind) for kind in _PROFILE_TEXTS},
    **{f"getMy{kind}": _profile_getter(kind) for kind in _PROFILE_TEXTS},
}

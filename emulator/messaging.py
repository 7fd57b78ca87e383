"""Text messages: sendMessage, edits, deleteMessage, sendChatAction, answerCallbackQuery."""

from typing import Any

from emulator.chats import CallbackAnswer, Chat, ChatMessage
from emulator.errors import bad_request
from emulator.formatting import message_text
from emulator.markup import Markup, validate_reply_markup
from emulator.params import Params
from emulator.state import EmulatorState, Handler

CALLBACK_ANSWER_LIMIT = 200
_CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice"}
    | {"upload_document", "choose_sticker", "find_location", "record_video_note"}
    | {"upload_video_note"}
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


async def send_message(state: EmulatorState, params: Params) -> dict[str, Any]:
    """sendMessage: validate everything, then count against flood limits, then deliver."""
    chat_id = params.chat_id()
    parsed = message_text(params, state.lookup_user)
    markup = validate_reply_markup(params.structure("reply_markup"))
    chat = state.chat_for_bot(chat_id)
    reply_to = reply_target(state, chat, params)
    state.limiter.admit(chat.user.id)
    message = ChatMessage(
        chat_id=chat.user.id,
        message_id=chat.next_message_id(),
        date=state.now(),
        from_bot=True,
        text=parsed.text,
        entities=parsed.entities,
        source=params.text("text"),
        parse_mode=params.text("parse_mode"),
        reply_markup=markup,
        reply_to_message_id=reply_to,
        link_preview=link_preview(params),
    )
    apply_client_keyboard(chat, markup)
    state.store(chat, message)
    return state.message_api(message)


def link_preview(params: Params) -> bool:
    """Whether Telegram would preview the text's first link: ``link_preview_options``, or
    the older ``disable_web_page_preview``."""
    options = params.structure("link_preview_options")
    if options is not None and not isinstance(options, dict):
        raise bad_request("can't parse link preview options JSON object")
    if options:
        return not bool(options.get("is_disabled"))
    return not params.flag("disable_web_page_preview")


def reply_target(state: EmulatorState, chat: Chat, params: Params) -> int | None:
    """The message replied to, from ``reply_parameters`` or the older ``reply_to_message_id``."""
    reply = params.structure("reply_parameters")
    if reply is not None and not isinstance(reply, dict):
        raise bad_request("can't parse reply parameters JSON object")
    if reply:
        message_id, lenient = (
            reply.get("message_id"),
            bool(reply.get("allow_sending_without_reply")),
        )
    else:
        message_id = params.integer("reply_to_message_id")
        lenient = params.flag("allow_sending_without_reply")
    if message_id is None:
        return None
    if not isinstance(message_id, int) or state.find_message(chat, message_id) is None:
        if lenient:
            return None
        raise bad_request("message to be replied not found")
    return message_id


def apply_client_keyboard(chat: Chat, markup: Markup | None) -> None:
    """Reply keyboards replace the user's keyboard until removed; inline ones do not."""
    if markup and "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup and "remove_keyboard" in markup:
        chat.reply_keyboard = None


def _editable(state: EmulatorState, params: Params) -> tuple[Chat, ChatMessage]:
    if params.text("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # the emulator has no inline mode
    chat = state.chat_for_bot(params.chat_id())
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = state.find_message(chat, message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


def _inline_markup(params: Params) -> Markup | None:
    markup = validate_reply_markup(params.structure("reply_markup"))
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


def _applied_edit(state: EmulatorState, chat: Chat, message: ChatMessage) -> dict[str, Any]:
    message.edit_date = state.now()
    message.edits += 1
    state.stats.edits_applied += 1
    chat.changed.notify()
    return state.message_api(message)


async def edit_message_text(state: EmulatorState, params: Params) -> dict[str, Any]:
    """editMessageText; leaving out reply_markup removes the inline keyboard, as in Telegram."""
    chat, message = _editable(state, params)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    parsed = message_text(params, state.lookup_user)
    markup = _inline_markup(params)
    if (parsed.text, parsed.entities, markup) == (
        message.text,
        message.entities,
        message.reply_markup,
    ):
        raise bad_request(_NOT_MODIFIED)
    state.limiter.admit(chat.user.id)
    message.text, message.entities = parsed.text, parsed.entities
    message.source, message.parse_mode = params.text("text"), params.text("parse_mode")
    message.reply_markup = markup
    message.link_preview = link_preview(params)
    return _applied_edit(state, chat, message)


async def edit_message_reply_markup(state: EmulatorState, params: Params) -> dict[str, Any]:
    """editMessageReplyMarkup; no reply_markup removes the keyboard."""
    chat, message = _editable(state, params)
    markup = _inline_markup(params)
    if markup == message.reply_markup:
        raise bad_request(_NOT_MODIFIED)
    state.limiter.admit(chat.user.id)
    message.reply_markup = markup
    return _applied_edit(state, chat, message)


async def delete_message(state: EmulatorState, params: Params) -> bool:
    """deleteMessage: the bot may delete its own and the user's messages in private chats."""
    chat = state.chats.get(params.chat_id())
    if chat is None:
        raise bad_request("chat not found")
    message = state.find_message(chat, params.integer("message_id"))
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    chat.changed.notify()
    return True


async def send_chat_action(state: EmulatorState, params: Params) -> bool:
    """sendChatAction: recorded in the chat for tests to look at."""
    chat = state.chat_for_bot(params.chat_id())
    action = params.text("action")
    if action not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.chat_actions.append(action)
    chat.changed.notify()
    return True


async def answer_callback_query(state: EmulatorState, params: Params) -> bool:
    """answerCallbackQuery: each query exists once and can be answered once."""
    query = state.callback_queries.get(params.text("callback_query_id") or "")
    if query is None or query.answered:
        raise bad_request(_QUERY_INVALID)
    text = params.text("text")
    if text is not None and len(text) > CALLBACK_ANSWER_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    chat = state.chats[query.chat_id]
    chat.callback_answers.append(
        CallbackAnswer(
            callback_query_id=query.id,
            text=text or None,
            show_alert=params.flag("show_alert"),
            url=params.text("url"),
            cache_time=params.integer("cache_time") or 0,
        )
    )
    chat.changed.notify()
    return True


HANDLERS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "sendChatAction": send_chat_action,
    "answerCallbackQuery": answer_callback_query,
}

"""Files: sendDocument, sendPhoto and getFile."""

import mimetypes
from http import HTTPStatus
from pathlib import PurePosixPath
from typing import Any

from emulator.chats import ChatMessage, StoredFile
from emulator.errors import ApiError, bad_request
from emulator.formatting import caption
from emulator.images import image_size
from emulator.markup import validate_reply_markup
from emulator.messaging import apply_client_keyboard, reply_target
from emulator.params import Params, Upload
from emulator.state import EmulatorState, Handler

DOCUMENT_LIMIT = 50 * 1024 * 1024  # bots may upload documents up to 50 MB
PHOTO_LIMIT = 10 * 1024 * 1024  # and photos up to 10 MB
PHOTO_MAX_SIDES = 10_000  # width + height
PHOTO_MAX_RATIO = 20


async def send_document(state: EmulatorState, params: Params) -> dict[str, Any]:
    """sendDocument with an uploaded file or the file_id of one sent before."""
    return _send_file(state, params, "document")


async def send_photo(state: EmulatorState, params: Params) -> dict[str, Any]:
    """sendPhoto (PNG, JPEG or GIF; one PhotoSize with the image's own dimensions)."""
    return _send_file(state, params, "photo")


async def get_file(state: EmulatorState, params: Params) -> dict[str, Any]:
    """getFile: the path to download a file from ``/file/bot<token>/<file_path>``."""
    stored = state.files.get(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


def _send_file(state: EmulatorState, params: Params, kind: str) -> dict[str, Any]:
    chat_id = params.chat_id()
    source = params.file(kind)
    if source is None:
        raise bad_request(f"there is no {kind} in the request")
    parsed_caption = caption(params, state.lookup_user)
    markup = validate_reply_markup(params.structure("reply_markup"))
    stored = _stored_file(state, source, kind)
    chat = state.chat_for_bot(chat_id)
    reply_to = reply_target(state, chat, params)
    state.limiter.admit(chat.user.id)
    state.files[stored.file_id] = stored
    message = ChatMessage(
        chat_id=chat.user.id,
        message_id=chat.next_message_id(),
        date=state.now(),
        from_bot=True,
        file=stored,
        caption=parsed_caption.text if parsed_caption else None,
        caption_entities=parsed_caption.entities if parsed_caption else [],
        source=params.text("caption"),
        parse_mode=params.text("parse_mode"),
        reply_markup=markup,
        reply_to_message_id=reply_to,
    )
    apply_client_keyboard(chat, markup)
    state.store(chat, message)
    return state.message_api(message)


def _stored_file(state: EmulatorState, source: Upload | str, kind: str) -> StoredFile:
    if isinstance(source, str):
        if source.startswith(("http://", "https://")):
            # Telegram would download the URL; tests must never reach off the machine.
            raise bad_request("failed to get HTTP URL content")
        known = state.files.get(source)
        if known is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if known.kind != kind:
            raise bad_request(f"can't use file of type {known.kind.title()} as {kind.title()}")
        return known
    return _upload(state, source, kind)


def _upload(state: EmulatorState, upload: Upload, kind: str) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    if len(upload.data) > (PHOTO_LIMIT if kind == "photo" else DOCUMENT_LIMIT):
        raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
    width = height = 0
    if kind == "photo":
        size = image_size(upload.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > PHOTO_MAX_SIDES or max(size) > PHOTO_MAX_RATIO * max(min(size), 1):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
    file_name = PurePosixPath(upload.filename or kind).name
    # Telegram derives the MIME type from the file name's extension, like TDLib does.
    guessed, _encoding = mimetypes.guess_type(file_name, strict=False)
    mime_type = guessed or upload.content_type or "application/octet-stream"
    if kind == "photo":
        mime_type = "image/jpeg"  # Telegram recompresses photos
    file_id, unique_id = state.new_file_ids(kind)
    suffix = ".jpg" if kind == "photo" else PurePosixPath(file_name).suffix
    return StoredFile(
        file_id=file_id,
        file_unique_id=unique_id,
        kind=kind,
        file_name=file_name,
        mime_type=mime_type,
        data=upload.data,
        file_path=f"{kind}s/file_{state.serial()}{suffix}",
        width=width,
        height=height,
    )


HANDLERS: dict[str, Handler] = {
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "getFile": get_file,
}

"""sendDocument, sendPhoto and getFile with real multipart uploads from aiogram."""

import struct
import zlib

import pytest
from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile

from emulator import SimulatedUser, TelegramEmulator

CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def png(width: int, height: int) -> bytes:
    """A PNG signature and IHDR chunk: enough for anything that reads dimensions."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


async def test_document_arrives_with_name_bytes_and_caption(
    tg: TelegramEmulator, bot: Bot, ani: SimulatedUser
) -> None:
    sent = await bot.send_document(
        ani.id,
        BufferedInputFile(CALENDAR, filename="summer-school.ics"),
        caption="Add <b>Summer school</b> to your calendar",
        parse_mode=ParseMode.HTML,
    )
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.mime_type) == (
        "summer-school.ics",
        "text/calendar",
    )
    assert sent.document.file_size == len(CALENDAR)
    assert sent.caption == "Add Summer school to your calendar"

    [document] = ani.documents
    assert (document.file_name, document.data) == ("summer-school.ics", CALENDAR)
    assert document.caption == "Add Summer school to your calendar"
    message = await ani.next_message(timeout=1)
    assert message.caption == "Add Summer school to your calendar"
    assert message.html == "Add <b>Summer school</b> to your calendar"

    # A file_id is reusable, and getFile leads to the same bytes.
    again = await bot.send_document(ani.id, sent.document.file_id)
    assert again.document is not None
    assert again.document.file_id == sent.document.file_id
    downloaded = await bot.download(sent.document.file_id)
    assert downloaded is not None
    assert downloaded.read() == CALENDAR


async def test_photo_dimensions_come_from_the_image(bot: Bot, ani: SimulatedUser) -> None:
    sent = await bot.send_photo(ani.id, BufferedInputFile(png(300, 200), filename="ticket.png"))
    assert sent.photo is not None
    assert (sent.photo[-1].width, sent.photo[-1].height) == (300, 200)
    [photo] = ani.photos
    assert photo.data == png(300, 200)
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(ani.id, BufferedInputFile(b"not an image", filename="x.png"))
    with pytest.raises(TelegramBadRequest, match="can't use file of type Photo as Document"):
        await bot.send_document(ani.id, sent.photo[-1].file_id)


async def test_file_rules(bot: Bot, ani: SimulatedUser) -> None:
    with pytest.raises(TelegramBadRequest, match="file must be non-empty"):
        await bot.send_document(ani.id, BufferedInputFile(b"", filename="empty.txt"))
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(ani.id, "BQACnot-a-real-file-id")
    with pytest.raises(TelegramBadRequest, match="failed to get HTTP URL content"):
        await bot.send_document(ani.id, "https://example.org/file.pdf")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_document(
            ani.id, BufferedInputFile(b"x", filename="x.txt"), caption="c" * 1025
        )
    assert ani.messages == []

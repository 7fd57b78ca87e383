"""Contact requests and accepted requests, as the outbox sends them."""

from aiogram.types import InlineKeyboardMarkup

from bot.alumni.views import contact_text
from bot.callbacks import ContactAction
from bot.keyboards import button, rows
from bot.views import e
from events.alumni.notices import ConnectionNotice
from locales.translator import Translator


def request_text(t: Translator, notice: ConnectionNotice) -> str:
    lines = [
        t.gettext(
            "{name} from the Redbridge alumni network would like to exchange contacts with you."
        ).format(name=f"<b>{e(notice.other_name)}</b>")
    ]
    if notice.note:
        lines.append(t.gettext("Their note: {note}").format(note=e(notice.note)))
    lines.append(
        t.gettext(
            "If you accept, you both receive each other's Telegram contact. If you decline, "
            "they are not told."
        )
    )
    return "\n\n".join(lines)


def request_keyboard(t: Translator, notice: ConnectionNotice) -> InlineKeyboardMarkup:
    def action(name: str) -> str:
        return ContactAction(action=name, id=notice.connection_id).pack()

    return rows(
        button(t.gettext("Accept"), action("accept")),
        button(t.gettext("Decline"), action("decline")),
        button(t.gettext("Block"), action("block")),
        button(t.gettext("Report"), action("report")),
        width=2,
    )


def accepted_text(t: Translator, notice: ConnectionNotice) -> str:
    assert notice.contact is not None
    return t.gettext(
        "{name} accepted your request. This is how to reach them on Telegram: {contact}"
    ).format(name=f"<b>{e(notice.other_name)}</b>", contact=contact_text(notice.contact))

"""What composing a broadcast (bot.broadcasts.compose) and following it up
(bot.broadcasts.reports) share: the audiences the bot offers, how many events are offered,
a report's buttons, and the refusal for people who are not organisers.
"""

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import BroadcastControl
from bot.keyboards import button, rows
from events.broadcast_inputs import BroadcastAudience
from events.broadcasts import BroadcastReport, BroadcastState
from events.enums import RegistrationStatus
from locales.translator import Translator

_STOPPABLE = (BroadcastState.SCHEDULED, BroadcastState.SENDING)

# Events offered as buttons; an admin sees every programme, so the list is capped.
EVENT_BUTTONS = 12

# The audiences the bot offers, in the order of their buttons.
AUDIENCE_KEYS = ("seats", "waiting", "applied", "in", "absent", "alumni")


def audience_preset(key: str) -> BroadcastAudience | None:
    """The audiences the bot offers (the API takes any combination of filters)."""
    presets = {
        "seats": BroadcastAudience(),
        "waiting": BroadcastAudience(statuses=[RegistrationStatus.WAITLISTED]),
        "applied": BroadcastAudience(statuses=[RegistrationStatus.APPLIED]),
        "in": BroadcastAudience(checked_in=True),
        "absent": BroadcastAudience(checked_in=False),
        "alumni": BroadcastAudience(alumni=True),
    }
    return presets.get(key)


def audience_label(t: Translator, key: str) -> str:
    labels = {
        "seats": t.gettext("Everyone with a seat"),
        "waiting": t.gettext("The waiting list"),
        "applied": t.gettext("Applicants"),
        "in": t.gettext("Checked in"),
        "absent": t.gettext("With a seat, not checked in"),
        "alumni": t.gettext("Alumni (attended)"),
    }
    return labels.get(key, key)


def report_keyboard(t: Translator, report: BroadcastReport) -> InlineKeyboardMarkup:
    buttons = [
        button(t.gettext("Progress"), BroadcastControl(action="progress", id=report.id).pack())
    ]
    if report.state in _STOPPABLE:
        buttons.append(
            button(
                t.gettext("Cancel the broadcast"),
                BroadcastControl(action="stop", id=report.id).pack(),
            )
        )
    return rows(*buttons)


def only_organisers(t: Translator) -> str:
    return t.gettext("This is only for organisers.")

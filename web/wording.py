"""Words the pages use for values of the domain (statuses, genders, problems), in one
place so that every page names them the same way."""

from events.enums import Gender, RegistrationStatus
from locales.translator import Translator


def status_label(t: Translator, status: str) -> str:
    """A registration's status as a column of a table says it."""
    labels = {
        RegistrationStatus.APPLIED: t.gettext("Applied"),
        RegistrationStatus.CONFIRMED: t.gettext("Confirmed"),
        RegistrationStatus.WAITLISTED: t.gettext("On the waiting list"),
        RegistrationStatus.OFFERED: t.gettext("Seat offered"),
        RegistrationStatus.REJECTED: t.gettext("Not selected"),
        RegistrationStatus.CANCELLED: t.gettext("Cancelled"),
        RegistrationStatus.ATTENDED: t.gettext("Checked in"),
        RegistrationStatus.NO_SHOW: t.gettext("Did not attend"),
    }
    return labels[RegistrationStatus(status)] if status in labels else status


def gender_label(t: Translator, gender: str | None) -> str:
    labels = {
        Gender.FEMALE: t.gettext("Female"),
        Gender.MALE: t.gettext("Male"),
        Gender.OTHER: t.gettext("Other"),
    }
    # Not "Not stated": that is the button a person presses to give none, "Prefer not to
    # say" in some languages; a table says that no gender is given.
    return labels[Gender(gender)] if gender in labels else t.gettext("Not given")


def part_label(t: Translator, part: str) -> str:
    return t.gettext("Online") if part == "online" else t.gettext("In person")


def problem_text(t: Translator, problem: str) -> str:
    """Why a page or a form was refused."""
    texts = {
        "signed_out": t.gettext("Your session has ended. Please sign in again."),
        "csrf": t.gettext(
            "This form has expired or did not come from this page. "
            "Please reload the page and try again."
        ),
        "forbidden": t.gettext("This is not one of your programmes."),
        "not_found": t.gettext("There is no such page."),
        "invalid": t.gettext("Some of the values are not valid."),
        "conflict": t.gettext("This is no longer possible."),
        "no_seat": t.gettext("There is no seat left."),
        "no_longer": t.gettext("This is no longer possible."),
        "link": t.gettext(
            "This sign-in link is not valid: it was already used or has expired. "
            "Send /dashboard to the bot for a new one."
        ),
        "mini_app": t.gettext(
            "Telegram could not confirm who you are, or this sign-in is too old or was "
            "already used. Please close the dashboard and open it again from the bot."
        ),
    }
    return texts.get(problem, texts["invalid"])


def history_label(t: Translator, action: str) -> str:
    """An audit entry about a registration, as its history on a person's card says it."""
    labels = {
        "registration.create": t.gettext("Registered by an organiser"),
        "registration.confirm": t.gettext("Confirmed by an organiser"),
        "registration.waitlist": t.gettext("Put on the waiting list"),
        "registration.reject": t.gettext("Not selected"),
        "registration.cancel": t.gettext("Cancelled"),
        "registration.check_in": t.gettext("Checked in"),
        "registration.review": t.gettext("Reviewed"),
        "registration.switch": t.gettext("Changed how they take part"),
    }
    return labels.get(action, action)

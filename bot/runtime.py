"""Building the bot and its dispatcher from settings; polling or webhook start-up."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramForbiddenError
from aiogram.filters import ExceptionTypeFilter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import BotCommand, ErrorEvent, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.alumni import contacts as alumni_contacts
from bot.alumni import directory as alumni_directory
from bot.alumni import router as alumni
from bot.alumni.invitations import AlumniInvitations
from bot.arrivals import Arrivals
from bot.broadcasts import compose, reports
from bot.browse import router as browse
from bot.context import ContextMiddleware
from bot.fallback import router as fallback
from bot.feedback import router as feedback
from bot.filters import IS_COMMAND
from bot.language import router as language
from bot.membership import router as membership
from bot.mine import router as mine
from bot.organiser import dashboard as organiser_dashboard
from bot.organiser import router as organiser
from bot.privacy import router as privacy
from bot.review import router as review
from bot.services import BotServices
from bot.signup import router as signup
from bot.start import router as start
from bot.storage import DatabaseStorage, SaveBeforeSending
from bot.telegram_session import JsonSession
from events.clock import Clock
from events.languages import LANGUAGES
from events.preferences import set_reachable
from locales.translator import Catalogues
from sending.budget import SendBudget
from sending.pacing import Pacer

log = logging.getLogger(__name__)


@dataclass
class ErrorLedger:
    """Counts failures no handler expected; the property tests require it to stay at zero."""

    count: int = 0
    last: list[str] = field(default_factory=list)

    def note(self, error: BaseException) -> None:
        self.count += 1
        self.last = [*self.last[-9:], repr(error)]


class KeepResponseModels(BaseRequestMiddleware):
    """Holds aiogram's ``Response[...]`` models once built.

    pydantic caches parametrised generic models only weakly, so the garbage collector
    drops them and the next request of that kind rebuilds one: 7–12 ms each time, a third
    of the bot's CPU in bench/bot_updates.py. A strong reference keeps them built.
    """

    def __init__(self) -> None:
        self._models: dict[object, type[Response[Any]]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._models:
            self._models[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)


def create_bot(token: str, api_url: str, budget: SendBudget | None = None) -> Bot:
    """A bot talking to ``{api_url}/bot{token}/{method}`` (Telegram or a self-hosted server).

    Every message it sends takes a slot of ``budget`` (Telegram's free limits unless
    given one): hand the same budget's pacer to the outbox so the two share it.
    """
    session = JsonSession(api=TelegramAPIServer.from_base(api_url))
    session.middleware(KeepResponseModels())
    session.middleware(SaveBeforeSending())
    # Innermost, so a retried reply repeats only the request itself.
    session.middleware(budget or SendBudget(Pacer(30, 1)))
    # No link previews: a preview has Telegram's servers open the link, and the links the
    # bot sends are personal (a join redirect records attendance when opened; a calendar
    # feed's address is its secret).
    defaults = DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True)
    return Bot(token, session=session, default=defaults)


def create_dispatcher(
    sessionmaker: async_sessionmaker[AsyncSession],
    catalogues: Catalogues,
    clock: Clock,
    services: BotServices,
    ledger: ErrorLedger | None = None,
) -> Dispatcher:
    storage = DatabaseStorage(sessionmaker)
    # ContextMiddleware takes the place of aiogram's FSM middleware (see bot.context).
    dispatcher = Dispatcher(storage=storage, disable_fsm=True)
    arrivals = Arrivals()
    dispatcher["arrivals"] = arrivals
    dispatcher.update.outer_middleware(arrivals)
    dispatcher.update.outer_middleware(ContextMiddleware(storage, sessionmaker, catalogues, clock))
    dispatcher.message.outer_middleware(AlumniInvitations())
    dispatcher["catalogues"] = catalogues
    dispatcher["services"] = services
    dispatcher["ledger"] = ledger or ErrorLedger()
    commands_first = Router(name="unknown-commands")
    commands_first.message.register(fallback.unknown_command, IS_COMMAND)
    # New routers each time: aiogram lets a router join one dispatcher only.
    # The order matters: a message goes to the first handler that takes it.
    # - Every router with commands comes before ``commands_first`` and signup: in a signup
    #   step any text is an answer, so "/my" would otherwise become someone's name.
    # - start (with /cancel) comes first of all, so /cancel ends any conversation.
    # - broadcasts' steps take only text that is not a command, so the command routers
    #   after it still get /my or /stats typed while composing.
    # - ``commands_first`` comes before signup, so an unknown command mid-signup is
    #   answered as one instead of stored as an answer.
    # - fallback comes last: it takes whatever is left.
    dispatcher.include_routers(
        start.create_router(),
        membership.create_router(),
        language.create_router(),
        privacy.create_router(),
        organiser.create_router(),
        organiser_dashboard.create_router(),
        review.create_router(),
        compose.create_router(),
        reports.create_router(),
        mine.create_router(),
        browse.create_router(),
        alumni.create_router(),
        alumni_directory.create_router(),
        alumni_contacts.create_router(),
        feedback.create_router(),
        commands_first,
        signup.create_router(),
        fallback.create_router(),
    )
    dispatcher.errors.register(
        _on_blocked(sessionmaker, clock), ExceptionTypeFilter(TelegramForbiddenError)
    )
    dispatcher.errors.register(_on_error, ExceptionTypeFilter(Exception))
    return dispatcher


def _on_blocked(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> Callable[[ErrorEvent], Awaitable[None]]:
    """A person blocked the bot while we answered: expected, not a failure. They are
    marked unreachable (and reachable again when they next write)."""

    async def on_blocked(event: ErrorEvent) -> None:
        user = getattr(event.update.event, "from_user", None)
        log.info("update %s: the person has blocked the bot", event.update.update_id)
        if isinstance(user, User):
            async with sessionmaker() as session:
                await set_reachable(session, clock(), user.id, reachable=False)

    return on_blocked


async def _on_error(event: ErrorEvent, ledger: ErrorLedger) -> None:
    ledger.note(event.exception)
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)


async def announce_commands(bot: Bot, catalogues: Catalogues) -> None:
    """The command menu Telegram shows, in each of the five languages."""
    for code in LANGUAGES:
        t = catalogues.translator(code)
        commands = [
            BotCommand(command="start", description=t.gettext("Programmes and events")),
            BotCommand(command="my", description=t.gettext("My registrations")),
            BotCommand(command="profile", description=t.gettext("My profile")),
            BotCommand(command="alumni", description=t.gettext("Alumni network")),
            BotCommand(command="language", description=t.gettext("Language")),
            BotCommand(command="mydata", description=t.gettext("What is stored about me")),
            BotCommand(command="forget", description=t.gettext("Erase my data")),
            BotCommand(command="help", description=t.gettext("Help")),
        ]
        await bot.set_my_commands(commands, language_code=None if code == "en" else code)

"""The emulator's HTTP side: an aiohttp app on 127.0.0.1 speaking the Bot API."""

import asyncio
import contextlib
import ipaddress
import json
import time
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from types import TracebackType
from typing import Any

from aiohttp import web

from emulator.chats import Chat, UserProfile
from emulator.errors import ApiError, unauthorized
from emulator.limits import Clock, Fault, FaultBody, FloodSettings, method_set
from emulator.methods import canonical_name, perform
from emulator.params import Params
from emulator.state import BotIdentity, EmulatorState
from emulator.stats import Stats
from emulator.updates import WebhookConfig
from emulator.users import SimulatedUser
from emulator.webhook import WebhookDelivery

MAX_REQUEST_SIZE = 52 * 1024 * 1024  # a 50 MB document plus the rest of the form
HANG_LIMIT = 300.0  # seconds a "hang" fault holds a request if the client never gives up
_PROXY_PAGE = (
    "<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class TelegramEmulator:
    """A Telegram Bot API server for one bot, with simulated users, limits and faults.

    Use as ``async with TelegramEmulator() as tg:`` and give ``tg.base_url`` to the
    bot as its API server. It listens on loopback only and never contacts anything
    outside the machine (webhooks must be loopback URLs too).
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "redbridge_test_bot",
        bot_name: str = "Redbridge",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock = time.monotonic,
        webhook_retry_delays: Sequence[float] = (0.1, 0.5, 1.0),
        webhook_timeout: float = 10.0,
    ) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError("the emulator listens on loopback addresses only")
        self.state = EmulatorState(BotIdentity.from_token(token, bot_username, bot_name), clock)
        self._host, self._port = host, port
        self._delivery = WebhookDelivery(
            self.state,
            lambda method, params: perform(self.state, method, params),
            webhook_retry_delays,
            webhook_timeout,
        )
        self._runner: web.AppRunner | None = None
        self._delivery_task: asyncio.Task[None] | None = None
        self._stopped = asyncio.Event()
        self._base_url: str | None = None
        self._users: dict[int, SimulatedUser] = {}

    async def __aenter__(self) -> "TelegramEmulator":
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on the host and port (0: a free one) and start webhook delivery."""
        app = web.Application(client_max_size=MAX_REQUEST_SIZE)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # Cancel a handler when its client goes away, so an abandoned long poll ends.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
        self._delivery_task = asyncio.create_task(self._delivery.run())

    async def stop(self) -> None:
        """Answer waiting polls, stop delivery and close the server."""
        self.state.closing = True
        self._stopped.set()
        self.state.updates.changed.notify()
        if self._delivery_task is not None:
            self._delivery_task.cancel()
            await asyncio.gather(self._delivery_task, return_exceptions=True)
            self._delivery_task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: the Bot API server URL for the bot."""
        if self._base_url is None:
            raise RuntimeError("the emulator is not started")
        return self._base_url

    @property
    def token(self) -> str:
        """The only token the emulator accepts."""
        return self.state.identity.token

    @property
    def stats(self) -> Stats:
        """Counters: calls per method, 429s and 5xx sent, messages delivered, ..."""
        return self.state.stats

    @property
    def webhook(self) -> WebhookConfig | None:
        """The webhook set by the bot, if any."""
        return self.state.webhook

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by getUpdates or delivered to the webhook."""
        return len(self.state.updates)

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        started: bool = False,
    ) -> SimulatedUser:
        """A simulated user in a private chat with the bot.

        The same id gives the same user (the profile given first stays). Until the
        user sends something (or ``started=True``), the bot cannot write to them:
        Telegram answers 403 "bot can't initiate conversation with a user".
        """
        user = self._users.get(user_id)
        if user is None:
            profile = UserProfile(user_id, first_name, last_name, username, language_code)
            chat = self.state.chats[user_id] = Chat(profile)
            user = self._users[user_id] = SimulatedUser(self.state, chat)
        if started:
            self.state.chats[user_id].started = True
        return user

    def flood_limits(
        self,
        enabled: bool = True,
        global_per_second: int = 30,
        per_chat_per_second: float = 1.0,
        per_chat_burst: int = 0,
    ) -> None:
        """Switch Telegram's sending limits on or off (see ``FloodSettings``)."""
        settings = FloodSettings(global_per_second, per_chat_per_second, per_chat_burst)
        self.state.limiter.configure(enabled, settings)

    def fail_next(
        self,
        n: int = 1,
        status: int = 502,
        *,
        body: FaultBody = "json",
        methods: Iterable[str] | None = None,
        after_delivery: bool = False,
    ) -> None:
        """Make the next ``n`` calls (of ``methods``, default any) fail with ``status``.

        ``body="json"``: Telegram's error envelope; ``"html"``: a proxy's HTML error page;
        ``"hang"``: no answer until the client times out. ``after_delivery``: the call
        takes effect and only its answer fails.
        """
        HTTPStatus(status)  # ValueError for a status that does not exist
        self.state.faults.add(n, Fault(status, body, method_set(methods), after_delivery))

    def clear_faults(self) -> None:
        """Forget faults not yet used."""
        self.state.faults.clear()

    def commands(self, scope: str = "default", language_code: str = "") -> list[dict[str, str]]:
        """What setMyCommands stored for a scope key (e.g. ``"chat:1001"``) and language."""
        return list(self.state.commands.get((scope, language_code), []))

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        method = canonical_name(request.match_info["method"])
        self.state.stats.calls[method] += 1
        if request.match_info["token"] != self.state.identity.token:
            return self._error(unauthorized())
        fault = self.state.faults.take(method.lower())
        if fault is not None and not fault.after_delivery:
            return await self._fault(fault)
        try:
            params = await Params.from_request(request)
            result = await perform(self.state, method, params)
        except web.HTTPRequestEntityTooLarge:
            return self._error(
                ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
            )
        except ApiError as error:
            return self._error(error)
        if fault is not None:
            return await self._fault(fault)
        return _json_response(HTTPStatus.OK, {"ok": True, "result": result})

    def _error(self, error: ApiError) -> web.Response:
        self.state.stats.record_error(error.error_code)
        return _json_response(error.error_code, error.envelope())

    async def _fault(self, fault: Fault) -> web.Response:
        if fault.body == "hang":
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(HANG_LIMIT):
                    await self._stopped.wait()
        self.state.stats.record_error(fault.status)
        phrase = HTTPStatus(fault.status).phrase
        if fault.body == "json":
            retry_after = 1 if fault.status == HTTPStatus.TOO_MANY_REQUESTS else None
            return _json_response(
                fault.status, ApiError(fault.status, phrase, retry_after).envelope()
            )
        page = _PROXY_PAGE.format(status=fault.status, phrase=phrase)
        return web.Response(status=fault.status, text=page, content_type="text/html")

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.state.identity.token:
            return self._error(unauthorized())
        path = request.match_info["path"]
        for stored in self.state.files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data, content_type=stored.mime_type)
        return _json_response(
            HTTPStatus.NOT_FOUND, {"ok": False, "error_code": 404, "description": "Not Found"}
        )


def _json_response(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
    )

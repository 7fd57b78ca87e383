"""``python -m emulator``: serve the Bot API emulator and chat with the bot as one user.

Start it, point a bot at the printed URL (for Redbridge: ``REDBRIDGE_TELEGRAM_API_URL``
and ``REDBRIDGE_BOT_TOKEN``), then type; numbers press the buttons shown.
"""

import argparse
import asyncio
import sys

from emulator.console import chat_in_terminal, stdin_lines
from emulator.server import TelegramEmulator


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run until /quit or end of input."""
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", default="123456:TEST")
    parser.add_argument("--bot-username", default="redbridge_test_bot")
    parser.add_argument("--user-id", type=int, default=1001)
    parser.add_argument("--first-name", default="Ani")
    parser.add_argument("--language", default="en", help="the user's language_code")
    args = parser.parse_args(argv)
    asyncio.run(_serve(args))


async def _serve(args: argparse.Namespace) -> None:
    async with TelegramEmulator(args.token, args.bot_username, port=args.port) as tg:
        _write(
            f"Telegram Bot API emulator at {tg.base_url}\n"
            f"  REDBRIDGE_TELEGRAM_API_URL={tg.base_url} REDBRIDGE_BOT_TOKEN={tg.token}\n"
        )
        user = tg.user(args.user_id, args.first_name, language_code=args.language)
        await chat_in_terminal(user, stdin_lines(), _write)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


if __name__ == "__main__":
    main()

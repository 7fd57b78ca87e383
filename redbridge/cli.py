"""The ``redbridge`` command line."""

import argparse
import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from events.access import SYSTEM, TokenSummary, create_token, list_tokens, revoke_token
from events.clock import system_clock
from events.enums import Role
from events.errors import DomainError
from events.languages import LANGUAGES
from events.migrations.runner import upgrade
from events.store import create_engine, create_sessionmaker
from redbridge.logs import configure_logging
from redbridge.ports import PortInUse
from redbridge.settings import Settings

log = logging.getLogger("redbridge")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redbridge",
        description="Redbridge: registrations, waitlists, reminders and calendars for "
        "cross-border programmes, over Telegram and HTTP. Settings come from REDBRIDGE_* "
        "environment variables (see the README).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "serve",
        help="apply migrations, then run the API, the bot and the scheduler",
        description="Apply pending migrations, then serve the HTTP API on REDBRIDGE_HOST:"
        "REDBRIDGE_PORT (default 127.0.0.1:8000), with the bot and the scheduler.",
    )
    commands.add_parser(
        "migrate",
        help="apply pending database migrations",
        description="Bring the database at REDBRIDGE_DATABASE_URL to the latest schema.",
    )
    demo = commands.add_parser(
        "demo",
        help="load realistic demo programmes and events",
        description="Migrate, then load demo programmes drawn from the expert group's report "
        "(summer school, economic forum, exchange visits, concert, town halls). Running it "
        "again changes nothing.",
    )
    demo.add_argument("--quiet", action="store_true", help="print nothing on success")
    sandbox = commands.add_parser(
        "sandbox",
        help="chat with the bot in this terminal, without a Telegram token",
        description="Load the demo data into a new database of the sandbox's own, start an "
        "emulated Telegram on 127.0.0.1, run Redbridge against it and chat with the bot "
        "here: type text (numbers too), press a button with #N, /quit to leave.",
    )
    sandbox.add_argument(
        "--language", default="en", choices=LANGUAGES, help="the language you read"
    )
    sandbox.add_argument(
        "--database",
        metavar="URL",
        help="keep the sandbox's data in this database across runs "
        "(e.g. sqlite:///sandbox.db); by default each run has a new one",
    )
    sandbox.add_argument("--name", default="Ani", help="your first name in Telegram")
    sandbox.add_argument("--user-id", type=int, default=1001, help="your Telegram id")
    sandbox.add_argument(
        "--organiser", action="store_true", help="be an admin organiser too (/stats, check-in)"
    )
    token = commands.add_parser(
        "token", help="manage API tokens", description="Manage API bearer tokens."
    )
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = token_commands.add_parser(
        "create",
        help="create a token and print its secret once",
        description="Create an API token. The secret is printed once and stored only as a "
        "hash. Organiser tokens manage only the programmes given with --programme; checker "
        "tokens only check people in at their events (POST /api/v1/events/ID/check-in, or "
        "a ticket's QR link in the bot).",
    )
    create.add_argument("--role", choices=[role.value for role in Role], required=True)
    create.add_argument(
        "--programme",
        action="append",
        default=[],
        metavar="SLUG",
        help="a programme the organiser manages or the checker checks people in for "
        "(repeatable; required for both roles)",
    )
    create.add_argument("--name", default="", help="a label to recognise the token by")
    create.add_argument(
        "--telegram-user-id",
        type=int,
        metavar="ID",
        help="also give this Telegram account the role in the bot (/stats, check-in)",
    )
    token_commands.add_parser(
        "list",
        help="list tokens (never their secrets)",
        description="List every token, revoked ones included: id, name, role, programmes, "
        "creation time, last use (recorded at most once a minute) and revocation time.",
    )
    revoke = token_commands.add_parser(
        "revoke",
        help="revoke a token at once",
        description="Revoke a token: from now on the API refuses it, and its Telegram "
        "account loses the role in the bot. Revoking a revoked token changes nothing.",
    )
    revoke.add_argument("token_id", type=int, metavar="ID", help="the id shown by `token list`")
    return parser


async def _migrate(settings: Settings) -> None:
    await upgrade(settings.database_url)


@asynccontextmanager
async def _session(settings: Settings) -> AsyncIterator[AsyncSession]:
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def _list_tokens(settings: Settings) -> str:
    async with _session(settings) as session:
        tokens = await list_tokens(session, SYSTEM)
    return token_table(tokens)


async def _revoke_token(settings: Settings, token_id: int) -> str:
    async with _session(settings) as session:
        token = await revoke_token(session, system_clock(), token_id)
    assert token.revoked_at is not None  # revoke_token just set it (or found it set)
    return f"Token {token.id} ({token.name}) is revoked since {_time(token.revoked_at)}."


def token_table(tokens: Sequence[TokenSummary]) -> str:
    """Tokens as a table for a terminal, one line each; never a secret."""
    header = ("ID", "NAME", "ROLE", "PROGRAMMES", "CREATED", "LAST USED", "REVOKED", "TELEGRAM")
    rows = [header] + [
        (
            str(token.id),
            token.name,
            token.role.value,
            ",".join(token.programmes) or "-",
            _time(token.created_at),
            _time(token.last_used_at),
            _time(token.revoked_at),
            "-" if token.telegram_user_id is None else str(token.telegram_user_id),
        )
        for token in tokens
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _time(at: datetime | None) -> str:
    return "-" if at is None else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


async def _create_token(
    settings: Settings, role: Role, slugs: list[str], name: str, telegram_user_id: int | None
) -> str:
    async with _session(settings) as session:
        _token, secret = await create_token(
            session,
            system_clock(),
            role=role,
            name=name or role.value,
            programme_slugs=slugs,
            telegram_user_id=telegram_user_id,
        )
        return secret


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level, args.command)
    try:
        if args.command == "serve":
            from redbridge.server import serve

            asyncio.run(serve(settings))
        elif args.command == "migrate":
            asyncio.run(_migrate(settings))
            print("The database is up to date.")
        elif args.command == "demo":
            from redbridge.demo import load_demo

            summary = asyncio.run(load_demo(settings, system_clock()))
            if not args.quiet:
                print(summary)
        elif args.command == "sandbox":
            from redbridge.sandbox import run_sandbox

            asyncio.run(
                run_sandbox(
                    settings,
                    user_id=args.user_id,
                    first_name=args.name,
                    language=args.language,
                    organiser=args.organiser,
                    database_url=args.database,
                )
            )
        elif args.command == "token" and args.token_command == "list":
            print(asyncio.run(_list_tokens(settings)))
        elif args.command == "token" and args.token_command == "revoke":
            print(asyncio.run(_revoke_token(settings, args.token_id)))
        elif args.command == "token":
            secret = asyncio.run(
                _create_token(
                    settings, Role(args.role), args.programme, args.name, args.telegram_user_id
                )
            )
            print(secret)
    except DomainError as error:
        print(f"redbridge: {error.detail}", file=sys.stderr)
        return 2
    except PortInUse as error:
        print(f"redbridge: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

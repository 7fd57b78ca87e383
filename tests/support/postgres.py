"""A throwaway PostgreSQL server for one test session.

``postgres_server()`` starts a private cluster (``initdb`` + ``pg_ctl``) in a fresh
temporary directory, listening only on 127.0.0.1 with trust authentication, and
yields its URL; on exit it stops the server (``-m immediate``) and deletes the
directory. Durability is switched off for speed: the data is thrown away anyway.

Set ``REDBRIDGE_TEST_POSTGRES_URL`` to use an existing server instead (its user must
be allowed to create databases). Missing binaries are an error, never a skip: the
PostgreSQL half of the suite is not optional.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from events.store import normalise_url
from tests.support.ports import free_port

URL_VARIABLE = "REDBRIDGE_TEST_POSTGRES_URL"
BIN_VARIABLE = "REDBRIDGE_POSTGRES_BIN"
PREFERRED_BIN = Path("/usr/lib/postgresql/15/bin")
# Debian's PostgreSQL refuses to run as root; the package creates this system user.
SERVER_USER = "postgres"
START_TIMEOUT_S = 60
MAX_CONNECTIONS = 200

INSTALL_HINT = (
    f"PostgreSQL server binaries (initdb, pg_ctl) were not found in {PREFERRED_BIN} (or any "
    "/usr/lib/postgresql/*/bin). The test suite needs them: run `make postgres` (as root it "
    "runs `apt-get install -y postgresql`), or install the `postgresql` package yourself, "
    f"or point {BIN_VARIABLE} at a directory holding initdb and pg_ctl, or set "
    f"{URL_VARIABLE} to a server the tests may create databases on "
    "(postgresql+asyncpg://user:password@host:port/dbname)."
)


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL binaries are missing or the server would not start."""


def find_binaries() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``: PostgreSQL 15 first, else the newest."""
    configured = os.environ.get(BIN_VARIABLE)
    candidates = [Path(configured)] if configured else []
    candidates.append(PREFERRED_BIN)
    installed = Path("/usr/lib/postgresql").glob("*/bin")
    candidates.extend(sorted(installed, key=_major_version, reverse=True))
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    raise PostgresUnavailable(INSTALL_HINT)


def _major_version(bin_dir: Path) -> int:
    name = bin_dir.parent.name
    return int(name) if name.isdigit() else 0


def _as_server_user(command: Sequence[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVER_USER, "--", *command]
    return list(command)


def _run(command: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # cwd: the server user may not be allowed into the caller's working directory.
    return subprocess.run(
        _as_server_user(command),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=START_TIMEOUT_S + 30,
    )


def _checked(result: subprocess.CompletedProcess[str], what: str, log: Path | None = None) -> None:
    if result.returncode == 0:
        return
    server_log = log.read_text(errors="replace") if log is not None and log.exists() else ""
    raise PostgresUnavailable(
        f"{what} failed with exit code {result.returncode}:\n{result.stdout}\n{result.stderr}"
        + (f"\nserver log:\n{server_log}" if server_log else "")
    )


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield the URL of a PostgreSQL server for this session (an admin database on it)."""
    external = os.environ.get(URL_VARIABLE)
    if external:
        yield normalise_url(external).render_as_string(hide_password=False)
        return
    bin_dir = find_binaries()
    # /tmp rather than $TMPDIR: the server user must be able to enter it, and the socket
    # path inside it must stay under the 107-byte limit of Unix sockets.
    base = "/tmp" if Path("/tmp").is_dir() else None
    root = Path(tempfile.mkdtemp(prefix="redbridge-pg-", dir=base))
    try:
        if os.geteuid() == 0:
            shutil.chown(root, user=SERVER_USER, group=None)
        data = root / "data"
        log = root / "server.log"
        init = _run(
            [
                str(bin_dir / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                "postgres",
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ],
            cwd=root,
        )
        _checked(init, "initdb")
        port = _start(bin_dir, root, data, log)
        try:
            yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
        finally:
            stop = _run(
                [str(bin_dir / "pg_ctl"), "stop", "--pgdata", str(data), "-m", "immediate", "-w"],
                cwd=root,
            )
            _checked(stop, "pg_ctl stop", log)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _start(bin_dir: Path, root: Path, data: Path, log: Path) -> int:
    """Start the server on a free loopback port; retry if another process took the port."""
    attempts = 3
    for attempt in range(attempts):
        port = free_port()
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c port={port}",
                f"-c unix_socket_directories={root}",
                f"-c max_connections={MAX_CONNECTIONS}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c shared_buffers=32MB",
            ]
        )
        result = _run(
            [
                str(bin_dir / "pg_ctl"),
                "start",
                "--pgdata",
                str(data),
                "--log",
                str(log),
                "-o",
                options,
                "-w",
                "-t",
                str(START_TIMEOUT_S),
            ],
            cwd=root,
        )
        if result.returncode == 0:
            return port
        if attempt == attempts - 1:
            _checked(result, "pg_ctl start", log)
    raise AssertionError("unreachable")


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)

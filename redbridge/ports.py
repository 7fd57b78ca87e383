"""Whether the API's port is free, asked before anything starts (kept light: the command
line imports it without the server's heavy imports)."""

import socket


class PortInUse(RuntimeError):
    """Another program already listens where the API should."""


def check_port(host: str, port: int) -> None:
    """Fail early, in one line, when the port is taken (uvicorn would fail only after the
    bot and the scheduler started, with tracebacks)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortInUse(
                f"port {port} on {host} is in use (is Redbridge already running there?): "
                "stop that program, or choose another port with REDBRIDGE_PORT"
            ) from error

"""Ports for the servers tests and benchmarks start on 127.0.0.1."""

import random
import socket

# Linux hands out 32768–60999 to outgoing connections (net.ipv4.ip_local_port_range):
# a port chosen there can be taken by some client's connection before the server binds
# it, so servers get one below that range.
_FIRST, _LAST = 20_000, 32_767


def free_port() -> int:
    """A port nothing listens on now, outside the range outgoing connections use."""
    for _ in range(200):
        port = random.randint(_FIRST, _LAST)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {_FIRST} and {_LAST}")

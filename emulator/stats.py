"""Counters of what the emulator answered, for tests and benchmarks to assert on."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Stats:
    """Totals since the emulator started (or since :meth:`reset`)."""

    calls: Counter[str] = field(default_factory=Counter)  # per method, as the bot spelled it
    errors: Counter[int] = field(default_factory=Counter)  # error answers per status code
    too_many_requests: int = 0  # 429 answers
    server_errors: int = 0  # 5xx answers, injected faults included
    messages_delivered: int = 0  # new messages stored in a chat
    edits_applied: int = 0
    webhook_deliveries: int = 0  # updates the webhook accepted (2xx)
    webhook_failures: int = 0  # attempts answered non-2xx or not at all

    def record_error(self, status: int) -> None:
        """Count one error answer."""
        self.errors[status] += 1
        if status == 429:
            self.too_many_requests += 1
        elif status >= 500:
            self.server_errors += 1

    def reset(self) -> None:
        """Start counting from zero."""
        fresh = Stats()
        self.__dict__.update(fresh.__dict__)

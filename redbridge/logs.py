"""One log format for the whole process: ours, uvicorn's and the libraries' lines alike.

uvicorn is started without a logging config of its own (``log_config=None`` in
``redbridge.server``), so its records reach these handlers instead of its own
``INFO:     …`` ones. APScheduler writes two lines per job at start-up ("Adding job
tentatively", then "Added job") and two per run of every job (a run every 15 s): the
clockwork says once what it scheduled, and APScheduler speaks up only for warnings and
errors, unless the level is DEBUG.
"""

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _UvicornName(logging.Filter):
    """uvicorn logs its start and stop on "uvicorn.error": shown as "uvicorn", so that a
    normal start does not read as an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.error":
            record.name = "uvicorn"
        return True


def configure_logging(level: str, command: str) -> None:
    logging.basicConfig(level=level, format=FORMAT)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(existing, _UvicornName) for existing in handler.filters):
            handler.addFilter(_UvicornName())
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    if command != "serve":
        logging.getLogger("alembic").setLevel(logging.WARNING)
    if command == "sandbox":
        logging.getLogger().setLevel(logging.WARNING)  # the terminal is the chat

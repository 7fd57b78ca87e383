"""What ``redbridge serve`` writes while it starts, serves and stops: one format for every
line (ours, uvicorn's, the access log, the libraries'), and one line for each scheduled
job (APScheduler wrote two per job at start-up, and uvicorn its own ``INFO:     …``)."""

import re
from pathlib import Path

import httpx
import pytest

from scheduler.jobs import JOBS
from tests.bot.process import BotProcess

pytestmark = pytest.mark.process

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING) [\w.]+: \S")


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_the_log_has_one_format_and_one_line_per_job(
    database_url: str, tmp_path: Path
) -> None:
    serve = BotProcess(tmp_path, database_url, emulator=None)
    await serve.start()  # waits for /healthz
    try:
        async with httpx.AsyncClient(base_url=serve.base_url, timeout=10) as api:
            assert (await api.get("/healthz")).status_code == 200
    finally:
        assert await serve.stop() == 0, serve.log_tail()
    lines = serve.log_text().splitlines()

    assert [line for line in lines if not LINE.match(line)] == []
    for name in JOBS:
        assert len([line for line in lines if re.search(rf"\b{name}\b", line)]) == 1, lines
    assert not any("apscheduler" in line for line in lines), lines
    assert len([line for line in lines if "Uvicorn running on" in line]) == 1
    # Start and stop are not errors, whatever uvicorn's logger is called.
    assert not any("uvicorn.error" in line for line in lines), lines
    assert any('"GET /healthz HTTP/1.1" 200' in line for line in lines), lines

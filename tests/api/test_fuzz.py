"""The whole API fuzzed from its own OpenAPI document with Schemathesis, against the real
app under uvicorn on 127.0.0.1, on SQLite and PostgreSQL, with the demo data loaded and
an admin token: no answer may be a 5xx or disagree with the document, every request
the document accepts must be accepted (or refused for a state reason, or for a rule the
document lists as beyond it: ``tests/api/fuzz_checks.py``), and every request it
refuses must be refused.

Bounded (``REDBRIDGE_FUZZ_EXAMPLES`` cases per operation and phase, 10 by default) and
seeded, so a run takes about half a minute and a failure can be replayed; it prints how
many requests it sent. ``st run`` is Schemathesis's own command line, run as a child
process so its event loop and ours stay apart.
"""

import asyncio
import json
import os
import re
import sys
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from events.enums import Role
from redbridge.demo import load_demo
from redbridge.settings import Settings
from tests.api.conftest import TokenFactory

EXAMPLES = int(os.environ.get("REDBRIDGE_FUZZ_EXAMPLES", "10"))
SEED = 20261205
# Every check that says "the server broke", "the answer is not what the document says" or
# "the document says otherwise about this request".
CHECKS = ",".join(
    (
        "not_a_server_error",
        "positive_data_acceptance",
        "negative_data_rejection",
        "valid_data_is_refused_only_by_listed_rules",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "allow_header_conformance",
        "missing_required_header",
        "ignored_auth",
        "unsupported_method",
    )
)
EXCLUDED = (
    # The personal feed needs a token nobody can guess, so it only ever answers 404.
    "/calendar/me/{token}.ics",
    # It would revoke the fuzzer's own token (id 1), and every later answer would be 401.
    "/api/v1/tokens/{token_id}/revoke",
)
HERE = Path(__file__).parent


@pytest.mark.slow  # left out of `make quick`
async def test_fuzzing_finds_no_server_error_and_no_answer_off_the_document(
    api: httpx.AsyncClient,
    database_url: str,
    token_headers: TokenFactory,
    now: datetime,
    tmp_path: Path,
) -> None:
    await load_demo(Settings(database_url=database_url), now)
    admin = (await token_headers(Role.ADMIN))["Authorization"]
    report = tmp_path / "report.json"
    command = [
        str(Path(sys.executable).parent / "st"),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        f"{api.base_url}/openapi.json",
        "--header",
        f"Authorization: {admin}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        *(option for path in EXCLUDED for option in ("--exclude-path", path)),
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    fuzzer = await asyncio.create_subprocess_exec(
        *command,
        cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HERE / "fuzz_checks.py")},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(fuzzer.communicate(), timeout=600)
    summary = json.loads(report.read_text())
    cases = summary["test_cases"]
    text = output.decode(errors="replace")
    sent = re.search(r"Requests sent: (\d+)", text)
    print(  # noqa: T201
        f"\nSchemathesis: {sent[1] if sent else '?'} requests, {cases['generated']} test cases "
        f"over {summary['operations']['tested']} operations, "
        f"{cases['unique_failures']} unique failures, {len(summary['errors'])} errors"
    )
    assert fuzzer.returncode == 0, text[-20_000:]
    assert sent is not None, text[-2_000:]
    # The token stayed good throughout: no operation was answered only 401 or 403.
    assert not summary["warnings"]["missing_auth"]
    assert summary["operations"]["tested"] >= 40
    assert cases["generated"] >= 40 * EXAMPLES // 2

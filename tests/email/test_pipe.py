"""The MTA's pipe (`contrib/to-servicedesk`) against a real `servicedesk serve`: taken
mail exits 0, a message the desk refuses for good exits 65 (EX_DATAERR: the MTA bounces
it, with the reason), and an unreachable desk 75 (EX_TEMPFAIL: the MTA tries later).
Both kinds of refusal exited 75 before, so a poison message was redelivered for as long
as the MTA keeps mail."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from servicedesk.config import Settings
from tests import live_server
from tests.email.conftest import mail
from tests.helpers.hostile import nested_mail

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("backend", ["sqlite"])]
SCRIPT = Path(__file__).parents[2] / "contrib" / "to-servicedesk"


def _pipe(raw: bytes, url: str, key_file: Path) -> subprocess.CompletedProcess[bytes]:
    assert shutil.which("curl"), "the pipe needs curl (.ci/run installs it)"
    return subprocess.run(
        ["sh", str(SCRIPT)],
        input=raw,
        env={
            "PATH": "/usr/bin:/bin",
            "SERVICEDESK_URL": url,
            "SERVICEDESK_KEY_FILE": str(key_file),
        },
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_the_pipe_tells_the_mta_to_bounce_what_is_refused_and_retry_what_failed(
    settings: Settings, tmp_path: Path
) -> None:
    env = live_server.server_env(settings)
    key = live_server.create_key(env, "acme", "email:ingest")
    key_file = tmp_path / "inbound.key"
    key_file.write_text(f"X-API-Key: {key}\n")

    with live_server.running(env) as server:
        taken = _pipe(mail(), server.base_url, key_file)
        again = _pipe(mail(message_id="<same@c.example>"), server.base_url, key_file)
        refused = _pipe(nested_mail(1_000), server.base_url, key_file)
        not_a_message = _pipe(b"just some bytes", server.base_url, key_file)
    unreachable = _pipe(mail(), server.base_url, key_file)

    assert (taken.returncode, again.returncode) == (0, 0)
    assert refused.returncode == 65
    assert b"nests parts more than 20 levels deep" in refused.stderr
    assert not_a_message.returncode == 65
    assert unreachable.returncode == 75

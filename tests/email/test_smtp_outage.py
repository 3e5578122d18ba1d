"""The SMTP relay down for a minute while replies are written: the worker keeps trying
with backoff, and once the relay is back every reply is delivered exactly once, in
order, each with its own Message-ID."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import func, select

from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.jobs.models import JobState, OutboxJob
from tests.conftest import ClientFactory, worker_on
from tests.email.conftest import configure, hand_in, mail
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.e2e  # a minute of real time: started first, beside the rest

OUTAGE_SECONDS = 60.0
REPLIES = 10


async def _mail_jobs(database: Database) -> dict[str, int]:
    statement = (
        select(OutboxJob.state, func.count(), func.max(OutboxJob.attempts))
        .where(OutboxJob.kind == "email.send")
        .group_by(OutboxJob.state)
    )
    rows = await database.read(lambda session: session.execute(statement).all())
    return {f"{state}": count for state, count, _ in rows} | {
        "attempts": max((attempts for _, _, attempts in rows), default=0)
    }


async def test_smtp_down_for_a_minute_then_back_sends_every_reply_once(
    client_with: ClientFactory,
    headers: dict[str, str],
    smtp: SmtpServer,
    database: Database,
    settings: Settings,
) -> None:
    patient = settings.model_copy(
        update={"email_retry_base_seconds": 1.0, "email_retry_max_seconds": 10.0}
    )
    async with client_with(worker_embedded=False) as client, worker_on(database, patient) as worker:
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        try:
            await configure(client, headers)
            ticket_id = (await hand_in(client, headers, mail()))["ticket_id"]
            smtp.stop()
            down_at = time.monotonic()
            for n in range(REPLIES):
                response = await client.post(
                    f"/api/v1/tickets/{ticket_id}/notes",
                    json={"body": f"Update {n}", "private": False},
                    headers=headers,
                )
                assert response.status_code == 201
            await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
            during = await _mail_jobs(database)

            smtp.start()  # back on the same port
            deadline = time.monotonic() + 60
            while len(smtp.messages) < REPLIES:
                assert time.monotonic() < deadline, await _mail_jobs(database)
                await asyncio.sleep(0.2)
            await asyncio.sleep(2)  # nothing more arrives: no mail is sent twice
        finally:
            stop.set()
            await running

    assert during[str(JobState.PENDING)] == REPLIES
    assert during["attempts"] >= 3  # retried with backoff through the outage
    bodies = [m.get_body(("plain",)).get_content().splitlines()[2] for m in smtp.messages]
    assert bodies == [f"Update {n}" for n in range(REPLIES)]
    assert len({m["Message-ID"] for m in smtp.messages}) == REPLIES
    after = await _mail_jobs(database)
    assert str(JobState.PENDING) not in after

"""Polling a tenant's mailbox: the `email.poll` job.

Each run logs in (the standard library's imaplib, in a thread), takes every message in
the folder through the same path as POST /api/v1/inbound/email, and only then marks it
seen and moves it to the processed folder (MOVE, or COPY + delete where the server lacks MOVE). A
worker killed between the two leaves the message in the folder; the next run takes it
again, finds its Message-ID taken, and moves it: each message becomes a ticket or a
note once. The run ends by queueing the next one, `poll_seconds` later, in the
transaction that finishes it; a mailbox that cannot be reached is tried again at the
next poll, and the error is logged without the password.
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import itertools
import select
import socket
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from servicedesk.config import Settings
from servicedesk.crypto import secret_box
from servicedesk.db.base import utcnow
from servicedesk.email.bounds import read_mail
from servicedesk.email.parse import MessageRefused
from servicedesk.email.repository import EmailRepository
from servicedesk.email.service import POLL_JOB_KIND, poll_ordering_key, take_mail
from servicedesk.email.set_aside import set_aside
from servicedesk.errors import RateLimited, ValidationFailed
from servicedesk.http import tls_context
from servicedesk.jobs import repository as jobs
from servicedesk.jobs.service import Backoff, ClaimedJob, Done, JobSpec, Outcome
from servicedesk.logs import get_logger
from servicedesk.tickets.service import TicketService

log = get_logger(__name__)
BATCH = 50  # messages a run takes at most; the next run takes the rest at once
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Account:
    host: str
    port: int
    security: str
    username: str
    password: str
    folder: str
    processed_folder: str
    poll_seconds: int
    quarantine_folder: str = "Quarantine"


@dataclass(frozen=True, slots=True)
class Polled:
    """A run's outcome for the next poll: `more` left past the batch, or the run waited
    in IDLE (either way, poll again now)."""

    more: bool
    idled: bool = False


_IDLE_TAGS = itertools.count(1)
IDLE_CHECK_SECONDS = 1.0  # how often an IDLE wait looks whether it must end


class _SocketLines:
    """The server's lines read from the socket itself, so that every byte not yet read
    is one `select` can see (TLS: or one the SSL object holds). Used only while IDLE
    runs, which starts after imaplib has read every answer it asked for."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def next_line(self, seconds: float) -> bytes | None:
        """The next whole line, or None when none came within `seconds`."""
        if b"\n" not in self.buffer and self._readable(seconds):
            self._receive()
        return self._pop() if b"\n" in self.buffer else None

    def readline(self) -> bytes:
        while b"\n" not in self.buffer:
            self._receive()
        return self._pop()

    def _readable(self, seconds: float) -> bool:
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return True
        ready, _, _ = select.select([self.sock], [], [], seconds)
        return bool(ready)

    def _receive(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise OSError("the server closed the connection during IDLE")
        self.buffer += data

    def _pop(self) -> bytes:
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line + b"\n"


class Mailbox:
    """One IMAP session, blocking (run it in a thread)."""

    def __init__(self, account: Account, context: ssl.SSLContext) -> None:
        self.account = account
        if account.security == "tls":
            self.client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                account.host, account.port, ssl_context=context, timeout=TIMEOUT_SECONDS
            )
        else:
            self.client = imaplib.IMAP4(account.host, account.port, timeout=TIMEOUT_SECONDS)
            if account.security == "starttls":
                self.client.starttls(ssl_context=context)
        self.client.login(account.username, account.password)
        self._create(account.processed_folder)
        self._ok(self.client.select(_quoted(account.folder)))

    def uids(self) -> list[str]:
        data = self._ok(self.client.uid("SEARCH", "ALL"))
        return data[0].decode().split() if data and data[0] else []

    def fetch(self, uid: str) -> bytes | None:
        data = self._ok(self.client.uid("FETCH", uid, "(BODY.PEEK[])"))
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return bytes(item[1])
        return None  # gone meanwhile (another client moved it)

    def file(self, uid: str) -> None:
        """Mark the message seen and move it out of the folder, into the processed one."""
        self._move(uid, self.account.processed_folder)

    def set_aside(self, uid: str) -> None:
        """Move a message that cannot be taken out of the folder, into the quarantine."""
        self._create(self.account.quarantine_folder)
        self._move(uid, self.account.quarantine_folder)

    def _move(self, uid: str, folder: str) -> None:
        target = _quoted(folder)
        self._ok(self.client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"))
        if "MOVE" in self.client.capabilities:
            self._ok(self.client.uid("MOVE", uid, target))
            return
        self._ok(self.client.uid("COPY", uid, target))
        self._ok(self.client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"))
        self._ok(self.client.expunge())

    @property
    def can_idle(self) -> bool:
        return "IDLE" in self.client.capabilities

    def idle(self, seconds: float, stop: threading.Event) -> bool:
        """Wait in IDLE until the server announces mail (True), `seconds` pass or `stop`
        is set (False); then end the IDLE. imaplib (before Python 3.14) has no IDLE, so
        the command is written here: tag, continuation, untagged lines, DONE. Its lines
        are read straight from the socket: mail delivered just before IDLE is announced
        in the same packet as the continuation, where a buffered reader would hide it
        from `select` until the wait ended."""
        tag = f"SDI{next(_IDLE_TAGS)}".encode()
        lines = _SocketLines(self.client.socket())
        self.client.send(tag + b" IDLE\r\n")
        if not lines.readline().startswith(b"+"):
            raise imaplib.IMAP4.error("IDLE refused")
        arrived = False
        deadline = time.monotonic() + seconds
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                line = lines.next_line(IDLE_CHECK_SECONDS)
                if line is None:
                    continue
                if line.startswith(b"*") and (b" EXISTS" in line or b" RECENT" in line):
                    arrived = True
                    break
        finally:
            self.client.send(b"DONE\r\n")
        self._until_tagged(lines, tag)
        return arrived

    @staticmethod
    def _until_tagged(lines: _SocketLines, tag: bytes) -> None:
        while True:
            line = lines.readline()
            if line.startswith(tag + b" "):
                if not line[len(tag) + 1 :].startswith(b"OK"):
                    raise imaplib.IMAP4.error(line.decode(errors="replace")[:300])
                return

    def close(self) -> None:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            self.client.logout()

    def _create(self, folder: str) -> None:
        status, _ = self.client.create(_quoted(folder))
        # NO: it exists already (servers word that differently).
        if status not in ("OK", "NO"):
            raise imaplib.IMAP4.error(f"CREATE {folder}: {status}")

    @staticmethod
    def _ok(answer: tuple[str, list[Any]]) -> list[Any]:
        status, data = answer
        if status != "OK":
            raise imaplib.IMAP4.error(f"{status}: {data!r}"[:300])
        return data


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapPollHandler:
    """`email.poll`: take what is in the tenant's mailbox, then queue the next poll."""

    backoff = Backoff(base=30.0, cap=600.0)
    waits = True  # in IDLE: a stopping worker ends it at once

    def __init__(self, tickets: TicketService, settings: Settings) -> None:
        self.tickets = tickets
        self.settings = settings

    async def perform(self, job: ClaimedJob) -> Polled | None:
        account = await self.tickets.database.read(lambda s: _account(s, job, self.settings))
        if account is None:
            return None
        try:
            mailbox = await asyncio.to_thread(Mailbox, account, tls_context())
        except (imaplib.IMAP4.error, OSError, ssl.SSLError) as error:
            return self._failed(job, error)
        try:
            polled = await self._drain(job.tenant_id, mailbox)
            if polled.more or not (self.settings.email_imap_idle and mailbox.can_idle):
                return polled
            # Mail that arrived while this run took the rest may have been announced in
            # answer to its commands already: IDLE would not hear of it again.
            if await asyncio.to_thread(mailbox.uids):
                return Polled(more=True)
            await self._idle(mailbox, account.poll_seconds)
            return Polled(more=False, idled=True)
        except (imaplib.IMAP4.error, OSError, ssl.SSLError) as error:
            return self._failed(job, error)
        finally:
            await asyncio.to_thread(mailbox.close)

    @staticmethod
    async def _idle(mailbox: Mailbox, seconds: float) -> None:
        """IDLE in a thread; a worker that stops (the task cancelled) ends it within
        IDLE_CHECK_SECONDS, before the mailbox is closed."""
        stop = threading.Event()
        waiting = asyncio.ensure_future(asyncio.to_thread(mailbox.idle, seconds, stop))
        try:
            await asyncio.shield(waiting)
        except asyncio.CancelledError:
            stop.set()
            with contextlib.suppress(Exception):
                await waiting
            raise

    async def _drain(self, tenant_id: uuid.UUID, mailbox: Mailbox) -> Polled:
        uids = await asyncio.to_thread(mailbox.uids)
        for uid in uids[:BATCH]:
            raw = await asyncio.to_thread(mailbox.fetch, uid)
            if raw is None:
                continue
            refused = await self._take(tenant_id, raw)
            if refused is _WAITS:
                continue  # the sender is over the limit: the message waits for a later poll
            if refused is not None:
                # Kept whole before it leaves the folder: a crash in between sets it aside
                # twice at worst, never loses it, and the messages behind it go on.
                await set_aside(self.tickets.database, tenant_id, raw, refused, source="imap")
                await asyncio.to_thread(mailbox.set_aside, uid)
                continue
            await asyncio.to_thread(mailbox.file, uid)
        return Polled(more=len(uids) > BATCH)

    async def _take(self, tenant_id: uuid.UUID, raw: bytes) -> str | None:
        """None when the message was taken; _WAITS when it must wait; else why it cannot
        be taken as it is. A database or network failure is raised: the poll is tried
        again, with the message still in its folder."""
        try:
            mail = await read_mail(raw)
        except MessageRefused as refused:
            return str(refused)
        try:
            await take_mail(self.tickets, tenant_id, mail)
        except RateLimited:
            return _WAITS
        except ValidationFailed as refused:
            return _reason(refused)
        return None

    def _failed(self, job: ClaimedJob, error: BaseException) -> Polled:
        message = f"{type(error).__name__}: {error}"[:300]
        log.warning("imap_poll_failed", tenant_id=str(job.tenant_id), error=message)
        return Polled(more=False)

    def record(self, session: Session, job: ClaimedJob, result: Polled | None) -> Outcome:
        row = EmailRepository(session, job.tenant_id).settings()
        if row is None or row.imap is None:
            return Done()  # polling was turned off meanwhile
        at_once = result is not None and (result.more or result.idled)
        wait = 0 if at_once else int(row.imap["poll_seconds"])
        next_poll = JobSpec(
            POLL_JOB_KIND,
            poll_ordering_key(job.tenant_id),
            run_after=utcnow() + timedelta(seconds=wait),
        )
        # One chain of polls per tenant, even when settings were saved during this run.
        jobs.cancel_pending(session, job.tenant_id, poll_ordering_key(job.tenant_id))
        jobs.enqueue(session, job.tenant_id, next_poll)
        return Done()


_WAITS = "waits"


def _reason(refused: ValidationFailed) -> str:
    return str(refused.errors[0]["msg"]) if refused.errors else "The message was refused"


def _account(session: Session, job: ClaimedJob, settings: Settings) -> Account | None:
    row = EmailRepository(session, job.tenant_id).settings()
    if row is None or row.imap is None or row.imap_password_encrypted is None:
        return None
    password = secret_box(settings).decrypt(row.imap_password_encrypted)
    return Account(password=password, **row.imap)

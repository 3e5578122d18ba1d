"""A real IMAP server for the e-mail tests: Debian's Dovecot (`dovecot-imapd`), started on
a free loopback port with a throwaway configuration in a temporary directory, in a
process group of its own that is ended with the test. Users are listed in a passwd
file; messages are put in with IMAP APPEND, as any mail client would."""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.live_server import free_port

DOVECOT = "/usr/sbin/dovecot"
CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 0
mail_location = maildir:{root}/mail/%u
# IDLE learns of new mail through inotify, else by checking this often (30 s by
# default): a busy machine may run out of inotify instances.
mailbox_idle_check_interval = 1 secs
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
protocol imap {{
  mail_plugins =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


@dataclass
class ImapServer:
    users: dict[str, str] = field(default_factory=dict)
    port: int = 0
    root: Path = Path()
    _process: subprocess.Popen[bytes] | None = None

    def start(self) -> ImapServer:
        if not Path(DOVECOT).exists():
            raise RuntimeError(f"{DOVECOT} not found: apt-get install dovecot-imapd")
        self.port = self.port or free_port()
        account = _account()
        # A short path of its own: socket paths may not pass 108 bytes (a pytest tmp_path
        # can), and Dovecot's unprivileged processes must be able to reach every part.
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-"))
        for folder in ("run", "state", "mail", "home"):
            (self.root / folder).mkdir()
        (self.root / "passwd").write_text(
            "".join(f"{user}:{{PLAIN}}{password}\n" for user, password in self.users.items())
        )
        config = self.root / "dovecot.conf"
        config.write_text(CONFIG.format(root=self.root, port=self.port, **account))
        if os.geteuid() == 0:
            for path in (self.root, *self.root.rglob("*")):
                shutil.chown(path, account["user"], account["group"])
        self._process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_until_listening()
        return self

    def stop(self) -> None:
        if self._process is None:
            return
        self._end()
        shutil.rmtree(self.root, ignore_errors=True)

    def _end(self) -> None:
        assert self._process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        self._process = None

    def connect(self, user: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(user, self.users[user])
        return client

    def deliver(self, user: str, raw: bytes, folder: str = "INBOX") -> None:
        with self.connect(user) as client:  # logs out at the end
            status, _ = client.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
            assert status == "OK"

    def count(self, user: str, folder: str = "INBOX") -> int:
        with self.connect(user) as client:
            status, data = client.select(f'"{folder}"', readonly=True)
        return int(data[0] or 0) if status == "OK" else 0

    def unseen(self, user: str, folder: str = "INBOX") -> int:
        with self.connect(user) as client:
            status, data = client.status(f'"{folder}"', "(UNSEEN)")
        if status != "OK":
            return 0
        return int(data[0].decode().rsplit("UNSEEN", 1)[1].strip(" )"))

    def message_ids(self, user: str, folder: str = "INBOX") -> list[str]:
        """The Message-ID header of every message in `folder`, in its order."""
        with self.connect(user) as client:
            status, _ = client.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, data = client.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        headers = [item[1].decode() for item in data if isinstance(item, tuple)]
        return [header.split(":", 1)[1].strip() for header in headers if ":" in header]

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                log = self.root / "dovecot.log"
                text = log.read_text() if log.exists() else ""
                raise RuntimeError(f"dovecot exited with {self._process.returncode}: {text}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return
            time.sleep(0.05)
        self.stop()
        raise TimeoutError("dovecot did not listen")


def _account() -> dict[str, str | int]:
    """Who the mail processes run as: Dovecot refuses root for them, so as root the
    package's `dovecot` user; otherwise the current user."""
    entry = pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    group = entry.pw_gid
    return {
        "user": entry.pw_name,
        "group": _group_name(group),
        "uid": entry.pw_uid,
        "gid": group,
    }


def _group_name(gid: int) -> str:
    return grp.getgrgid(gid).gr_name

"""Who sent a mail, as far as the desk can tell, and so what the mail may do.

A `From:` header is whatever its writer typed. A reply that claims an agent's address
was a public note in that agent's name, mailed from the support address to the
requester; one that claimed the requester's address, from anyone who had seen one
Message-ID of the thread, reopened the ticket in the requester's name. So a claim counts
only with evidence:

- **The receiving MTA vouches** for the sender's domain: an `Authentication-Results`
  header (RFC 8601) whose authserv-id is one of the tenant's `authentication_hosts`,
  with `dmarc=pass` for the From domain, or `dkim=pass` signed by it (`header.d`). The
  MTA must strip such headers that arrive from outside under its own id, as RFC 8601
  section 5 requires (Postfix with OpenDMARC, rspamd and Exim do).
- **The mail answers one the desk sent that requester**: it refers to the Message-ID of
  a mail the desk sent about this ticket, or carries the ticket's token in its subject.
  The desk mails only the requester, so a stranger CC'd on the first mail has neither.

An agent's address without the MTA's word is a private note marked for an agent to
confirm, written by the mail gateway, never mailed on. The requester's address without
either is the same (and reopens nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# `dkim=pass header.d=example.com`, `dmarc=pass (p=reject) header.from=example.com`
_RESULT = re.compile(r"\b(dkim|dmarc)\s*=\s*([a-z]+)\b(.*)", re.IGNORECASE | re.DOTALL)
_PROPERTY = re.compile(r"\bheader\.(d|from|i)\s*=\s*\"?([^\s;\"]+)", re.IGNORECASE)
_COMMENT = re.compile(r"\([^()]*\)")


def vouched_domains(results: Iterable[str], hosts: frozenset[str]) -> frozenset[str]:
    """The domains that `Authentication-Results` headers from `hosts` say passed DMARC
    (`header.from`) or DKIM (`header.d`, or the domain of `header.i`)."""
    domains: set[str] = set()
    for header in results:
        text = _COMMENT.sub(" ", " ".join(header.split()))
        authserv, _, rest = text.partition(";")
        if authserv.strip().split(" ")[0].lower() not in hosts:
            continue
        for resinfo in rest.split(";"):
            domains.update(_passed(resinfo))
    return frozenset(domains)


def _passed(resinfo: str) -> Iterable[str]:
    found = _RESULT.search(resinfo)
    if found is None or found.group(2).lower() != "pass":
        return ()
    method = found.group(1).lower()
    wanted = {"from"} if method == "dmarc" else {"d", "i"}
    return [
        value.rsplit("@", 1)[-1].lower().rstrip(".")
        for name, value in _PROPERTY.findall(found.group(3))
        if name.lower() in wanted
    ]


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower()


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a mail shows of its sender."""

    vouched: frozenset[str]
    answers_desk_mail: bool

    def vouches_for(self, address: str) -> bool:
        return domain_of(address) in self.vouched


def answers_desk_mail(
    thread_ids: Sequence[str], sent_by_desk: Iterable[str], subject: str, token: str
) -> bool:
    """Whether the mail refers to a mail the desk sent about the ticket, or carries its
    token in the subject."""
    sent = set(sent_by_desk)
    return any(message_id in sent for message_id in thread_ids) or f"[#{token}]" in subject

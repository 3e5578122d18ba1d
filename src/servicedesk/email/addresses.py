"""Addresses as real mail writes them: the first usable `From`, a display name with an
unquoted comma (`Smith, John <john@example.com>`, older Outlook), any domain an MTA
delivers to (`.local` Active Directory domains, `localhost`, address literals), the
local part kept as written (addresses compare case-insensitively: `same_address`)."""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable

from servicedesk.validation import check_email

_ANGLED = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>")
_NAME_QUOTES = "\"' \t"


def first_sender(values: Iterable[str]) -> tuple[str, str] | None:
    """(display name, address) of the first `From` value that holds a usable address."""
    for value in values:
        found = _sender_in(value)
        if found is not None:
            return found
    return None


def _sender_in(value: str) -> tuple[str, str] | None:
    angled = _ANGLED.findall(value)
    if len(angled) == 1:
        # One address in angle brackets: all before it is the name, commas included.
        name = value[: value.index("<")].strip().strip(_NAME_QUOTES)
        address = usable_address(angled[0])
        return (name, address) if address else None
    for name, candidate in email.utils.getaddresses([value]):
        address = usable_address(candidate)
        if address:
            return name, address
    # `Big Bug bb@bug.com`, `tim@x.com concierge@x.com`: the first word that is an
    # address, the words before it the name.
    words = value.split()
    for index, word in enumerate(words):
        address = usable_address(word.strip("<>()[],;\"'"))
        if address:
            return " ".join(words[:index]).strip(_NAME_QUOTES), address
    return None


def mail_addresses(values: Iterable[str]) -> tuple[str, ...]:
    """Every usable address of address headers (To, Cc), once each, in order."""
    found = (usable_address(a) for _, a in email.utils.getaddresses(list(values)))
    return tuple(dict.fromkeys(a for a in found if a))


def usable_address(candidate: str) -> str | None:
    """The address as `validation.check_email` takes it, or None when no MTA could
    deliver to it."""
    try:
        return check_email(candidate.strip())
    except ValueError:
        return None


def same_address(a: str | None, b: str | None) -> bool:
    """Whether two addresses are one mailbox, as the desk compares them."""
    return a is not None and b is not None and a.casefold() == b.casefold()

"""The version of a ticket a console page showed, sent back with each form that
changes the ticket (`tickets.versions`): a change made on a stale page, or a second
click of one form, is refused instead of undoing what happened since."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form

from servicedesk.tickets.versions import Expected

# The form field that carries the version of the ticket the page showed.
Version = Annotated[str | None, Form(max_length=40)]
CHANGED_MEANWHILE = (
    "Someone changed this ticket after you opened it, so your change was not saved. "
    "The page now shows the ticket as it is: make your change again if it still applies."
)


def expected_version(version: str | None) -> Expected | None:
    """The version a form was made for, as an If-Match would name it (none: the form
    predates versions, and the change is made as before)."""
    return Expected(frozenset({f'"{version}"'})) if version else None

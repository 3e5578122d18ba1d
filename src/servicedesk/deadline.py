"""A request's time limit, and the one part of a request it never cuts short: a write.

A request past its limit is cancelled and answered 503, and cancelling rolls its
transaction back, so it writes nothing. But once a write has begun it runs to its end:
cancelled mid-commit, the transaction may have committed while the client was told it
failed, and its retry would make a second ticket. So the limit, reached during a write,
waits for the write: a write that committed lets the request finish with its real answer;
one that failed leaves it to be cancelled then.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_current: ContextVar[Deadline | None] = ContextVar("servicedesk_deadline", default=None)


class Deadline:
    """The time limit of the request running in `task`."""

    def __init__(self, task: asyncio.Task[object]) -> None:
        self._task = task
        self._writes = 0
        self.expired = False  # the limit passed
        self.cancelled = False  # ... and the request was cancelled for it
        self.committed = False  # a write of this request committed

    def expire(self) -> None:
        """The limit passed: cancel the request, unless a write is running or done."""
        self.expired = True
        self._cancel_unless_written()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        self._writes += 1
        try:
            yield
            self.committed = True
        finally:
            self._writes -= 1
            if self.expired:
                self._cancel_unless_written()

    def _cancel_unless_written(self) -> None:
        if self._writes == 0 and not self.committed and not self.cancelled:
            self.cancelled = True
            self._task.cancel()


@contextlib.contextmanager
def limited(deadline: Deadline) -> Iterator[None]:
    """Make `deadline` the limit of the code run in this context."""
    token = _current.set(deadline)
    try:
        yield
    finally:
        _current.reset(token)


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """A write the current request's limit must not interrupt (no limit: nothing)."""
    deadline = _current.get()
    if deadline is None:
        yield
        return
    with deadline.writing():
        yield

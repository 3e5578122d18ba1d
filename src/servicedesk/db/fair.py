"""Taking turns between tenants: whose queued database work goes next.

One tenant's burst must not starve another's writes. Work waits in one queue per
tenant, and the queues are served round-robin: a tenant with one write waiting goes
next after at most one write of each other waiting tenant, however many the busiest
tenant queued. `FairQueue` holds the waiting (it is not thread-safe: its users lock);
`FairGate` admits a bounded number of async callers at once, in that order.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class QueueTimeout(Exception):
    """Work waited longer than its bound for a turn and was given up before it started."""


class FairQueue(Generic[T]):
    """FIFO per key; `pop` takes the head of the key whose turn it is."""

    def __init__(self) -> None:
        # Keys with something queued, in turn order: the first is served next.
        self._queues: OrderedDict[Hashable, deque[T]] = OrderedDict()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def push(self, key: Hashable, item: T) -> None:
        self._queues.setdefault(key, deque()).append(item)
        self._size += 1

    def push_front(self, key: Hashable, item: T) -> None:
        """Back in line before the key's other items, and the key served first (an item
        that was taken but could not be served)."""
        self._queues.setdefault(key, deque()).appendleft(item)
        self._queues.move_to_end(key, last=False)
        self._size += 1

    def pop(self) -> T:
        """The next item in turn; its key moves to the back of the line."""
        key, queue = next(iter(self._queues.items()))
        item = queue.popleft()
        self._size -= 1
        if queue:
            self._queues.move_to_end(key)
        else:
            del self._queues[key]
        return item

    def remove(self, key: Hashable, item: T) -> bool:
        """Take a waiting item out of line (its caller gave up); False if not queued."""
        queue = self._queues.get(key)
        if queue is None or item not in queue:
            return False
        queue.remove(item)
        self._size -= 1
        if not queue:
            del self._queues[key]
        return True


class FairGate:
    """At most `capacity` holders at once; waiters are admitted round-robin by key, and
    one that waits longer than `timeout` seconds gets `QueueTimeout` instead."""

    def __init__(self, capacity: int, timeout: float) -> None:
        self.capacity = capacity
        self.timeout = timeout
        self._holders = 0
        self._waiting: FairQueue[asyncio.Future[None]] = FairQueue()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @asynccontextmanager
    async def turn(self, key: Hashable) -> AsyncIterator[None]:
        await self._enter(key)
        try:
            yield
        finally:
            self._leave()

    async def _enter(self, key: Hashable) -> None:
        if self._holders < self.capacity and not len(self._waiting):
            self._holders += 1
            return
        admitted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.push(key, admitted)
        started = time.monotonic()
        try:
            await asyncio.wait_for(asyncio.shield(admitted), self.timeout)
        except TimeoutError:
            if self._waiting.remove(key, admitted):
                waited = time.monotonic() - started
                raise QueueTimeout(f"waited {waited:.1f} s for a turn") from None
            # Admitted in the same instant as the timeout: the turn is ours.
        except asyncio.CancelledError:
            if not self._waiting.remove(key, admitted):
                self._leave()  # admitted as we were cancelled: give the turn on
            raise

    def _leave(self) -> None:
        while len(self._waiting):
            admitted = self._waiting.pop()
            if not admitted.done():
                admitted.set_result(None)  # the slot passes straight to the next waiter
                return
        self._holders -= 1

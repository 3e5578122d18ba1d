"""A small store of file contents, addressed by their SHA-256 and kept apart per tenant.

`BlobStore` is the interface the rest of the service uses; `LocalBlobStore` keeps the
bytes under the data directory (`attachments/<tenant>/<ab>/<sha256>`). An S3-compatible
store can implement the same three calls later.

A blob is written to a temporary file, flushed to disk, then renamed into place, so a
reader never sees half a file and a crash leaves at most an unreferenced temporary file.
The same content put twice is stored once. A blob no row refers to (the writer crashed
between `put` and its transaction's commit) stays until a sweep removes it.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK_BYTES = 1024 * 1024


class BlobTooLarge(Exception):
    """The content is longer than the limit it was put with."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True, slots=True)
class StoredBlob:
    sha256: str
    size: int


class BlobStore(Protocol):
    async def put(self, tenant_id: uuid.UUID, source: BinaryIO, *, limit: int) -> StoredBlob:
        """Store what `source` holds from its current position; BlobTooLarge past
        `limit` bytes (nothing is kept then)."""
        ...

    def path(self, tenant_id: uuid.UUID, sha256: str) -> Path:
        """Where a stored blob can be read (the local store's own file)."""
        ...


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    async def put(self, tenant_id: uuid.UUID, source: BinaryIO, *, limit: int) -> StoredBlob:
        return await asyncio.to_thread(self._put, tenant_id, source, limit)

    def path(self, tenant_id: uuid.UUID, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / str(tenant_id) / sha256[:2] / sha256

    def _put(self, tenant_id: uuid.UUID, source: BinaryIO, limit: int) -> StoredBlob:
        tenant_dir = self.root / str(tenant_id)
        tenant_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        handle, temporary = tempfile.mkstemp(dir=tenant_dir, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := source.read(CHUNK_BYTES):
                    size += len(chunk)
                    if size > limit:
                        raise BlobTooLarge(limit)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            blob = StoredBlob(digest.hexdigest(), size)
            final = self.path(tenant_id, blob.sha256)
            final.parent.mkdir(exist_ok=True)
            os.replace(temporary, final)
            return blob
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)

"""Files of tickets and notes: what an upload carries, how its name and type are made
safe to store and to send back, and the rows that point at the stored bytes."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, BinaryIO

from servicedesk.db.base import table_of, utcnow
from servicedesk.db.rows import PendingRows
from servicedesk.storage.blobs import StoredBlob
from servicedesk.tickets.models import TicketAttachment
from servicedesk.tickets.schemas import AttachmentOut

DEFAULT_CONTENT_TYPE = "application/octet-stream"
FILENAME_MAX = 255
_MIME_NAME = r"[A-Za-z0-9!#$&^_.+-]{1,100}"
_CONTENT_TYPE = re.compile(rf"^{_MIME_NAME}/{_MIME_NAME}$")
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
ATTACHMENTS = table_of(TicketAttachment)


@dataclass(frozen=True, slots=True)
class Upload:
    """A file on its way in: from a multipart note or a mail's part."""

    filename: str
    content_type: str
    file: BinaryIO
    content_id: str | None = None


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An upload whose bytes are in the blob store, ready for its row."""

    filename: str
    content_type: str
    content_id: str | None
    blob: StoredBlob


def safe_filename(name: str | None) -> str:
    """The last path segment of `name`, without control or reserved characters, NFC,
    at most 255 characters (keeping the extension); "attachment" when nothing is left.
    Invisible format characters are dropped: bidi controls would show
    `evil\u202egpj.exe` as `evilexe.jpg`, zero-width ones hide what a name says."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(c for c in base if unicodedata.category(c) != "Cf")
    base = _UNSAFE_IN_NAME.sub("_", base).strip(" .")
    if len(base) > FILENAME_MAX:
        stem, dot, extension = base.rpartition(".")
        keep = extension[:20] if dot and stem else ""
        base = base[: FILENAME_MAX - len(keep) - 1] + "." + keep if keep else base[:FILENAME_MAX]
    return base or "attachment"


def safe_content_type(declared: str | None) -> str:
    """`type/subtype` in lower case, parameters dropped; octet-stream for anything else."""
    value = (declared or "").split(";", 1)[0].strip().lower()
    return value if _CONTENT_TYPE.match(value) else DEFAULT_CONTENT_TYPE


def attach(
    rows: PendingRows,
    tenant_id: uuid.UUID,
    ticket_id: uuid.UUID,
    note_id: uuid.UUID | None,
    files: Sequence[StoredFile],
) -> list[dict[str, Any]]:
    """The rows of `files`, added to the change's pending rows (written with the ticket
    or note they belong to). Their times are a microsecond apart, so that listing by
    time keeps the order they were sent in."""
    now = utcnow()
    columns = [
        {
            "id": uuid.uuid4(),
            "tenant_id": tenant_id,
            "ticket_id": ticket_id,
            "note_id": note_id,
            "filename": file.filename,
            "content_type": file.content_type,
            "size": file.blob.size,
            "sha256": file.blob.sha256,
            "content_id": file.content_id,
            "created_at": now + timedelta(microseconds=position),
        }
        for position, file in enumerate(files)
    ]
    if columns:
        rows.insert(ATTACHMENTS, columns)
    return columns


def attachment_document(source: TicketAttachment | Mapping[str, Any]) -> dict[str, Any]:
    """An attachment as the API returns it, from its row or its pending columns."""
    fields = {
        name: source[name] if isinstance(source, Mapping) else getattr(source, name)
        for name in AttachmentOut.model_fields
        if name != "content_url"
    }
    fields["content_url"] = f"/api/v1/attachments/{fields['id']}"
    return AttachmentOut.model_validate(fields).model_dump(mode="json")

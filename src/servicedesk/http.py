"""Request checks shared by JSON endpoints."""

from __future__ import annotations

from email.message import Message

from fastapi import Request

from servicedesk.errors import UnsupportedMediaType


def _is_json(content_type: str) -> bool:
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


async def require_json_body(request: Request) -> None:
    """415 for a request whose body is not declared as JSON."""
    has_body = request.headers.get("content-length", "0") != "0" or (
        "transfer-encoding" in request.headers
    )
    if has_body and not _is_json(request.headers.get("content-type", "")):
        raise UnsupportedMediaType()

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.imap_security import ImapSecurity

T = TypeVar("T", bound="ImapOut")


@_attrs_define
class ImapOut:
    """
    Attributes:
        host (str):
        port (int):  Default: 993.
        security (ImapSecurity):
        username (str):
        folder (str):  Default: 'INBOX'.
        processed_folder (str): Where taken messages go (made when missing) Default: 'Processed'.
        quarantine_folder (str): Where messages that cannot be taken go, set aside (made when needed) Default:
            'Quarantine'.
        poll_seconds (int):  Default: 60.
        password_set (bool):
    """

    host: str
    security: ImapSecurity
    username: str
    password_set: bool
    port: int = 993
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    quarantine_folder: str = "Quarantine"
    poll_seconds: int = 60

    def to_dict(self) -> dict[str, Any]:
        host = self.host

        port = self.port

        security = self.security.value

        username = self.username

        folder = self.folder

        processed_folder = self.processed_folder

        quarantine_folder = self.quarantine_folder

        poll_seconds = self.poll_seconds

        password_set = self.password_set

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "host": host,
                "port": port,
                "security": security,
                "username": username,
                "folder": folder,
                "processed_folder": processed_folder,
                "quarantine_folder": quarantine_folder,
                "poll_seconds": poll_seconds,
                "password_set": password_set,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        host = d.pop("host")

        port = d.pop("port")

        security = ImapSecurity(d.pop("security"))

        username = d.pop("username")

        folder = d.pop("folder")

        processed_folder = d.pop("processed_folder")

        quarantine_folder = d.pop("quarantine_folder")

        poll_seconds = d.pop("poll_seconds")

        password_set = d.pop("password_set")

        imap_out = cls(
            host=host,
            port=port,
            security=security,
            username=username,
            folder=folder,
            processed_folder=processed_folder,
            quarantine_folder=quarantine_folder,
            poll_seconds=poll_seconds,
            password_set=password_set,
        )

        return imap_out

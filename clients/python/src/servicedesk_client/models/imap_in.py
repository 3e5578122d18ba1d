from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.imap_security import ImapSecurity
from ..types import UNSET, Unset

T = TypeVar("T", bound="ImapIn")


@_attrs_define
class ImapIn:
    """
    Attributes:
        host (str):
        username (str):
        port (int | Unset):  Default: 993.
        security (ImapSecurity | Unset):
        folder (str | Unset):  Default: 'INBOX'.
        processed_folder (str | Unset): Where taken messages go (made when missing) Default: 'Processed'.
        quarantine_folder (str | Unset): Where messages that cannot be taken go, set aside (made when needed) Default:
            'Quarantine'.
        poll_seconds (int | Unset):  Default: 60.
        password (None | str | Unset): Stored encrypted, never shown again; leave it out to keep the stored one
    """

    host: str
    username: str
    port: int | Unset = 993
    security: ImapSecurity | Unset = UNSET
    folder: str | Unset = "INBOX"
    processed_folder: str | Unset = "Processed"
    quarantine_folder: str | Unset = "Quarantine"
    poll_seconds: int | Unset = 60
    password: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        host = self.host

        username = self.username

        port = self.port

        security: str | Unset = UNSET
        if not isinstance(self.security, Unset):
            security = self.security.value

        folder = self.folder

        processed_folder = self.processed_folder

        quarantine_folder = self.quarantine_folder

        poll_seconds = self.poll_seconds

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "host": host,
                "username": username,
            }
        )
        if port is not UNSET:
            field_dict["port"] = port
        if security is not UNSET:
            field_dict["security"] = security
        if folder is not UNSET:
            field_dict["folder"] = folder
        if processed_folder is not UNSET:
            field_dict["processed_folder"] = processed_folder
        if quarantine_folder is not UNSET:
            field_dict["quarantine_folder"] = quarantine_folder
        if poll_seconds is not UNSET:
            field_dict["poll_seconds"] = poll_seconds
        if password is not UNSET:
            field_dict["password"] = password

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        host = d.pop("host")

        username = d.pop("username")

        port = d.pop("port", UNSET)

        _security = d.pop("security", UNSET)
        security: ImapSecurity | Unset
        if isinstance(_security, Unset):
            security = UNSET
        else:
            security = ImapSecurity(_security)

        folder = d.pop("folder", UNSET)

        processed_folder = d.pop("processed_folder", UNSET)

        quarantine_folder = d.pop("quarantine_folder", UNSET)

        poll_seconds = d.pop("poll_seconds", UNSET)

        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))

        imap_in = cls(
            host=host,
            username=username,
            port=port,
            security=security,
            folder=folder,
            processed_folder=processed_folder,
            quarantine_folder=quarantine_folder,
            poll_seconds=poll_seconds,
            password=password,
        )

        return imap_in

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.imap_out import ImapOut
    from ..models.mail_templates import MailTemplates


T = TypeVar("T", bound="EmailConfigOut")


@_attrs_define
class EmailConfigOut:
    """
    Attributes:
        addresses (list[str]): The tenant's support addresses: mail to them is the tenant's, and mail from them is never
            answered
        from_address (None | str): Replies are sent from it (default: SERVICEDESK_MAIL_FROM)
        from_name (None | str): The name replies are sent under, e.g. Acme IT
        send_replies (bool): Mail public notes and the AI's resolving reply to the requester Default: True.
        acknowledge_new (bool): Answer a new ticket by mail with an acknowledgement Default: False.
        authentication_hosts (list[str]): The receiving mail servers (their authserv-id, e.g. mx.acme.example) whose
            Authentication-Results headers are believed: a reply from an agent's address is the agent's only when one of
            them vouches for its domain (DMARC or DKIM pass); without any, such replies are private notes to confirm
        imap (ImapOut | None):
        templates (MailTemplates | None): The tenant's own mail templates (none: the shipped ones)
        smtp_configured (bool): Whether SERVICEDESK_SMTP_URL is set
        updated_at (datetime.datetime):
    """

    addresses: list[str]
    from_address: None | str
    from_name: None | str
    authentication_hosts: list[str]
    imap: ImapOut | None
    templates: MailTemplates | None
    smtp_configured: bool
    updated_at: datetime.datetime
    send_replies: bool = True
    acknowledge_new: bool = False

    def to_dict(self) -> dict[str, Any]:
        from ..models.imap_out import ImapOut  # noqa: PLC0415
        from ..models.mail_templates import MailTemplates  # noqa: PLC0415

        addresses = self.addresses

        from_address: None | str
        from_address = self.from_address

        from_name: None | str
        from_name = self.from_name

        send_replies = self.send_replies

        acknowledge_new = self.acknowledge_new

        authentication_hosts = self.authentication_hosts

        imap: dict[str, Any] | None
        if isinstance(self.imap, ImapOut):
            imap = self.imap.to_dict()
        else:
            imap = self.imap

        templates: dict[str, Any] | None
        if isinstance(self.templates, MailTemplates):
            templates = self.templates.to_dict()
        else:
            templates = self.templates

        smtp_configured = self.smtp_configured

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "addresses": addresses,
                "from_address": from_address,
                "from_name": from_name,
                "send_replies": send_replies,
                "acknowledge_new": acknowledge_new,
                "authentication_hosts": authentication_hosts,
                "imap": imap,
                "templates": templates,
                "smtp_configured": smtp_configured,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.imap_out import ImapOut  # noqa: PLC0415
        from ..models.mail_templates import MailTemplates  # noqa: PLC0415

        d = dict(src_dict)
        addresses = cast(list[str], d.pop("addresses"))

        def _parse_from_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        from_address = _parse_from_address(d.pop("from_address"))

        def _parse_from_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        from_name = _parse_from_name(d.pop("from_name"))

        send_replies = d.pop("send_replies")

        acknowledge_new = d.pop("acknowledge_new")

        authentication_hosts = cast(list[str], d.pop("authentication_hosts"))

        def _parse_imap(data: object) -> ImapOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                imap_type_0 = ImapOut.from_dict(data)

                return imap_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImapOut | None, data)

        imap = _parse_imap(d.pop("imap"))

        def _parse_templates(data: object) -> MailTemplates | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                templates_type_0 = MailTemplates.from_dict(data)

                return templates_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MailTemplates | None, data)

        templates = _parse_templates(d.pop("templates"))

        smtp_configured = d.pop("smtp_configured")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        email_config_out = cls(
            addresses=addresses,
            from_address=from_address,
            from_name=from_name,
            send_replies=send_replies,
            acknowledge_new=acknowledge_new,
            authentication_hosts=authentication_hosts,
            imap=imap,
            templates=templates,
            smtp_configured=smtp_configured,
            updated_at=updated_at,
        )

        return email_config_out

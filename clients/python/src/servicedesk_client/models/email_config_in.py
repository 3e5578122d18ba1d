from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.imap_in import ImapIn
    from ..models.mail_templates import MailTemplates


T = TypeVar("T", bound="EmailConfigIn")


@_attrs_define
class EmailConfigIn:
    """
    Attributes:
        addresses (list[str]): The tenant's support addresses: mail to them is the tenant's, and mail from them is never
            answered
        from_address (None | str | Unset): Replies are sent from it (default: SERVICEDESK_MAIL_FROM)
        from_name (None | str | Unset): The name replies are sent under, e.g. Acme IT
        send_replies (bool | Unset): Mail public notes and the AI's resolving reply to the requester Default: True.
        acknowledge_new (bool | Unset): Answer a new ticket by mail with an acknowledgement Default: False.
        authentication_hosts (list[str] | Unset): The receiving mail servers (their authserv-id, e.g. mx.acme.example)
            whose Authentication-Results headers are believed: a reply from an agent's address is the agent's only when one
            of them vouches for its domain (DMARC or DKIM pass); without any, such replies are private notes to confirm
        imap (ImapIn | None | Unset): A mailbox to poll (none: mail in by the API)
        templates (MailTemplates | None | Unset): The tenant's own mail templates (none: the shipped ones)
    """

    addresses: list[str]
    from_address: None | str | Unset = UNSET
    from_name: None | str | Unset = UNSET
    send_replies: bool | Unset = True
    acknowledge_new: bool | Unset = False
    authentication_hosts: list[str] | Unset = UNSET
    imap: ImapIn | None | Unset = UNSET
    templates: MailTemplates | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.imap_in import ImapIn  # noqa: PLC0415
        from ..models.mail_templates import MailTemplates  # noqa: PLC0415

        addresses = self.addresses

        from_address: None | str | Unset
        if isinstance(self.from_address, Unset):
            from_address = UNSET
        else:
            from_address = self.from_address

        from_name: None | str | Unset
        if isinstance(self.from_name, Unset):
            from_name = UNSET
        else:
            from_name = self.from_name

        send_replies = self.send_replies

        acknowledge_new = self.acknowledge_new

        authentication_hosts: list[str] | Unset = UNSET
        if not isinstance(self.authentication_hosts, Unset):
            authentication_hosts = self.authentication_hosts

        imap: dict[str, Any] | None | Unset
        if isinstance(self.imap, Unset):
            imap = UNSET
        elif isinstance(self.imap, ImapIn):
            imap = self.imap.to_dict()
        else:
            imap = self.imap

        templates: dict[str, Any] | None | Unset
        if isinstance(self.templates, Unset):
            templates = UNSET
        elif isinstance(self.templates, MailTemplates):
            templates = self.templates.to_dict()
        else:
            templates = self.templates

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "addresses": addresses,
            }
        )
        if from_address is not UNSET:
            field_dict["from_address"] = from_address
        if from_name is not UNSET:
            field_dict["from_name"] = from_name
        if send_replies is not UNSET:
            field_dict["send_replies"] = send_replies
        if acknowledge_new is not UNSET:
            field_dict["acknowledge_new"] = acknowledge_new
        if authentication_hosts is not UNSET:
            field_dict["authentication_hosts"] = authentication_hosts
        if imap is not UNSET:
            field_dict["imap"] = imap
        if templates is not UNSET:
            field_dict["templates"] = templates

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.imap_in import ImapIn  # noqa: PLC0415
        from ..models.mail_templates import MailTemplates  # noqa: PLC0415

        d = dict(src_dict)
        addresses = cast(list[str], d.pop("addresses"))

        def _parse_from_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        from_address = _parse_from_address(d.pop("from_address", UNSET))

        def _parse_from_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        from_name = _parse_from_name(d.pop("from_name", UNSET))

        send_replies = d.pop("send_replies", UNSET)

        acknowledge_new = d.pop("acknowledge_new", UNSET)

        authentication_hosts = cast(list[str], d.pop("authentication_hosts", UNSET))

        def _parse_imap(data: object) -> ImapIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                imap_type_0 = ImapIn.from_dict(data)

                return imap_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImapIn | None | Unset, data)

        imap = _parse_imap(d.pop("imap", UNSET))

        def _parse_templates(data: object) -> MailTemplates | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                templates_type_0 = MailTemplates.from_dict(data)

                return templates_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MailTemplates | None | Unset, data)

        templates = _parse_templates(d.pop("templates", UNSET))

        email_config_in = cls(
            addresses=addresses,
            from_address=from_address,
            from_name=from_name,
            send_replies=send_replies,
            acknowledge_new=acknowledge_new,
            authentication_hosts=authentication_hosts,
            imap=imap,
            templates=templates,
        )

        return email_config_in

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sla_target import SlaTarget
from ..models.ticket_event_type import TicketEventType

if TYPE_CHECKING:
    from ..models.history_event_changes_type_0 import HistoryEventChangesType0
    from ..models.note_out import NoteOut
    from ..models.triage_details import TriageDetails


T = TypeVar("T", bound="HistoryEvent")


@_attrs_define
class HistoryEvent:
    """
    Attributes:
        id (str): The event id, as webhooks deliver it (`evt_…`).
        type_ (TicketEventType):
        actor (str): An API key id (`key_…`), a console user (`user:<id>`), `provider:freshservice`, `provider:zendesk`,
            `provider`, `triage`, `assignment:round_robin`, or `sla` (its warnings and breaches).
        occurred_at (datetime.datetime):
        changes (HistoryEventChangesType0 | None): Each field that changed, with its old and new value; for
            `ticket.created`, every field's first value (old: null).
        note (None | NoteOut): The note of a `ticket.note_added` event.
        triage (None | TriageDetails): For `ticket.triaged`: the engine and model version, the category's own
            confidence, the suggested priority and the knowledge source of the reply.
        sla_target (None | SlaTarget): For `ticket.sla_warning` and `ticket.sla_breached`: the target.
    """

    id: str
    type_: TicketEventType
    actor: str
    occurred_at: datetime.datetime
    changes: HistoryEventChangesType0 | None
    note: None | NoteOut
    triage: None | TriageDetails
    sla_target: None | SlaTarget
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.history_event_changes_type_0 import HistoryEventChangesType0  # noqa: PLC0415
        from ..models.note_out import NoteOut  # noqa: PLC0415
        from ..models.triage_details import TriageDetails  # noqa: PLC0415

        id = self.id

        type_ = self.type_.value

        actor = self.actor

        occurred_at = self.occurred_at.isoformat()

        changes: dict[str, Any] | None
        if isinstance(self.changes, HistoryEventChangesType0):
            changes = self.changes.to_dict()
        else:
            changes = self.changes

        note: dict[str, Any] | None
        if isinstance(self.note, NoteOut):
            note = self.note.to_dict()
        else:
            note = self.note

        triage: dict[str, Any] | None
        if isinstance(self.triage, TriageDetails):
            triage = self.triage.to_dict()
        else:
            triage = self.triage

        sla_target: None | str
        if isinstance(self.sla_target, SlaTarget):
            sla_target = self.sla_target.value
        else:
            sla_target = self.sla_target

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "actor": actor,
                "occurred_at": occurred_at,
                "changes": changes,
                "note": note,
                "triage": triage,
                "sla_target": sla_target,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.history_event_changes_type_0 import HistoryEventChangesType0  # noqa: PLC0415
        from ..models.note_out import NoteOut  # noqa: PLC0415
        from ..models.triage_details import TriageDetails  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        type_ = TicketEventType(d.pop("type"))

        actor = d.pop("actor")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        def _parse_changes(data: object) -> HistoryEventChangesType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                changes_type_0 = HistoryEventChangesType0.from_dict(data)

                return changes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HistoryEventChangesType0 | None, data)

        changes = _parse_changes(d.pop("changes"))

        def _parse_note(data: object) -> None | NoteOut:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                note_type_0 = NoteOut.from_dict(data)

                return note_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | NoteOut, data)

        note = _parse_note(d.pop("note"))

        def _parse_triage(data: object) -> None | TriageDetails:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                triage_type_0 = TriageDetails.from_dict(data)

                return triage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TriageDetails, data)

        triage = _parse_triage(d.pop("triage"))

        def _parse_sla_target(data: object) -> None | SlaTarget:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sla_target_type_0 = SlaTarget(data)

                return sla_target_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SlaTarget, data)

        sla_target = _parse_sla_target(d.pop("sla_target"))

        history_event = cls(
            id=id,
            type_=type_,
            actor=actor,
            occurred_at=occurred_at,
            changes=changes,
            note=note,
            triage=triage,
            sla_target=sla_target,
        )

        history_event.additional_properties = d
        return history_event

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

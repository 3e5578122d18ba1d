"""Contains all the data models used in inputs/outputs"""

from .article_create import ArticleCreate
from .article_list import ArticleList
from .article_out import ArticleOut
from .article_update import ArticleUpdate
from .attachment_list import AttachmentList
from .attachment_out import AttachmentOut
from .attempt_out import AttemptOut
from .auth_error_body import AuthErrorBody
from .calendar_in import CalendarIn
from .calendar_in_hours import CalendarInHours
from .change import Change
from .conditions import Conditions
from .conditions_custom_fields_type_0 import ConditionsCustomFieldsType0
from .custom_field_create import CustomFieldCreate
from .custom_field_list import CustomFieldList
from .custom_field_out import CustomFieldOut
from .custom_field_type import CustomFieldType
from .custom_field_update import CustomFieldUpdate
from .delivery_list import DeliveryList
from .delivery_out import DeliveryOut
from .detail_body import DetailBody
from .durations import Durations
from .email_config_in import EmailConfigIn
from .email_config_out import EmailConfigOut
from .group_create import GroupCreate
from .group_list import GroupList
from .group_out import GroupOut
from .group_update import GroupUpdate
from .history import History
from .history_event import HistoryEvent
from .history_event_changes_type_0 import HistoryEventChangesType0
from .imap_in import ImapIn
from .imap_out import ImapOut
from .imap_security import ImapSecurity
from .inbound_email_result import InboundEmailResult
from .inbound_result import InboundResult
from .inbound_secret_out import InboundSecretOut
from .liveness import Liveness
from .mail_templates import MailTemplates
from .model_out import ModelOut
from .no_valid_fields_body import NoValidFieldsBody
from .note_create import NoteCreate
from .note_list import NoteList
from .note_out import NoteOut
from .policy_create import PolicyCreate
from .policy_create_targets import PolicyCreateTargets
from .policy_list import PolicyList
from .policy_out import PolicyOut
from .policy_out_targets import PolicyOutTargets
from .policy_update import PolicyUpdate
from .policy_update_targets_type_0 import PolicyUpdateTargetsType0
from .provider_config_in import ProviderConfigIn
from .provider_config_in_custom_field_map import ProviderConfigInCustomFieldMap
from .provider_config_out import ProviderConfigOut
from .provider_config_out_custom_field_map import ProviderConfigOutCustomFieldMap
from .provider_event_payload import ProviderEventPayload
from .provider_kind import ProviderKind
from .readiness import Readiness
from .report_group import ReportGroup
from .set_aside_list import SetAsideList
from .set_aside_out import SetAsideOut
from .sla_report import SlaReport
from .sla_report_group_by import SlaReportGroupBy
from .sla_target import SlaTarget
from .sync_status import SyncStatus
from .target import Target
from .ticket_create import TicketCreate
from .ticket_create_custom_fields_type_0 import TicketCreateCustomFieldsType0
from .ticket_create_metadata_type_0 import TicketCreateMetadataType0
from .ticket_event_type import TicketEventType
from .ticket_list import TicketList
from .ticket_order import TicketOrder
from .ticket_out import TicketOut
from .ticket_out_custom_fields import TicketOutCustomFields
from .ticket_out_metadata import TicketOutMetadata
from .ticket_priority import TicketPriority
from .ticket_sla import TicketSla
from .ticket_status import TicketStatus
from .ticket_update import TicketUpdate
from .ticket_update_custom_fields_type_0 import TicketUpdateCustomFieldsType0
from .ticket_update_metadata_type_0 import TicketUpdateMetadataType0
from .triage_config_in import TriageConfigIn
from .triage_config_in_category_descriptions import TriageConfigInCategoryDescriptions
from .triage_config_in_category_groups import TriageConfigInCategoryGroups
from .triage_config_out import TriageConfigOut
from .triage_config_out_category_descriptions import TriageConfigOutCategoryDescriptions
from .triage_config_out_category_groups import TriageConfigOutCategoryGroups
from .triage_details import TriageDetails
from .triage_details_source_type_0 import TriageDetailsSourceType0
from .triage_engine import TriageEngine
from .user_list import UserList
from .user_out import UserOut
from .user_role import UserRole
from .validation_error_body import ValidationErrorBody
from .validation_error_item import ValidationErrorItem
from .validation_error_item_ctx_type_0 import ValidationErrorItemCtxType0
from .values_in import ValuesIn
from .values_in_custom_fields import ValuesInCustomFields
from .values_ok import ValuesOk
from .values_ok_custom_fields import ValuesOkCustomFields
from .webhook_create import WebhookCreate
from .webhook_event import WebhookEvent
from .webhook_list import WebhookList
from .webhook_out import WebhookOut
from .webhook_update import WebhookUpdate
from .webhook_with_secret import WebhookWithSecret

__all__ = (
    "ArticleCreate",
    "ArticleList",
    "ArticleOut",
    "ArticleUpdate",
    "AttachmentList",
    "AttachmentOut",
    "AttemptOut",
    "AuthErrorBody",
    "CalendarIn",
    "CalendarInHours",
    "Change",
    "Conditions",
    "ConditionsCustomFieldsType0",
    "CustomFieldCreate",
    "CustomFieldList",
    "CustomFieldOut",
    "CustomFieldType",
    "CustomFieldUpdate",
    "DeliveryList",
    "DeliveryOut",
    "DetailBody",
    "Durations",
    "EmailConfigIn",
    "EmailConfigOut",
    "GroupCreate",
    "GroupList",
    "GroupOut",
    "GroupUpdate",
    "History",
    "HistoryEvent",
    "HistoryEventChangesType0",
    "ImapIn",
    "ImapOut",
    "ImapSecurity",
    "InboundEmailResult",
    "InboundResult",
    "InboundSecretOut",
    "Liveness",
    "MailTemplates",
    "ModelOut",
    "NoteCreate",
    "NoteList",
    "NoteOut",
    "NoValidFieldsBody",
    "PolicyCreate",
    "PolicyCreateTargets",
    "PolicyList",
    "PolicyOut",
    "PolicyOutTargets",
    "PolicyUpdate",
    "PolicyUpdateTargetsType0",
    "ProviderConfigIn",
    "ProviderConfigInCustomFieldMap",
    "ProviderConfigOut",
    "ProviderConfigOutCustomFieldMap",
    "ProviderEventPayload",
    "ProviderKind",
    "Readiness",
    "ReportGroup",
    "SetAsideList",
    "SetAsideOut",
    "SlaReport",
    "SlaReportGroupBy",
    "SlaTarget",
    "SyncStatus",
    "Target",
    "TicketCreate",
    "TicketCreateCustomFieldsType0",
    "TicketCreateMetadataType0",
    "TicketEventType",
    "TicketList",
    "TicketOrder",
    "TicketOut",
    "TicketOutCustomFields",
    "TicketOutMetadata",
    "TicketPriority",
    "TicketSla",
    "TicketStatus",
    "TicketUpdate",
    "TicketUpdateCustomFieldsType0",
    "TicketUpdateMetadataType0",
    "TriageConfigIn",
    "TriageConfigInCategoryDescriptions",
    "TriageConfigInCategoryGroups",
    "TriageConfigOut",
    "TriageConfigOutCategoryDescriptions",
    "TriageConfigOutCategoryGroups",
    "TriageDetails",
    "TriageDetailsSourceType0",
    "TriageEngine",
    "UserList",
    "UserOut",
    "UserRole",
    "ValidationErrorBody",
    "ValidationErrorItem",
    "ValidationErrorItemCtxType0",
    "ValuesIn",
    "ValuesInCustomFields",
    "ValuesOk",
    "ValuesOkCustomFields",
    "WebhookCreate",
    "WebhookEvent",
    "WebhookList",
    "WebhookOut",
    "WebhookUpdate",
    "WebhookWithSecret",
)

"""Every query on custom field definitions, scoped to a tenant."""

from __future__ import annotations

from collections.abc import Sequence

from servicedesk.custom_fields.models import CustomFieldDefinition
from servicedesk.db.repository import TenantRepository


class CustomFieldRepository(TenantRepository[CustomFieldDefinition]):
    model = CustomFieldDefinition

    def in_order(self) -> Sequence[CustomFieldDefinition]:
        """The tenant's definitions, oldest first."""
        return self.all(
            self.scoped().order_by(CustomFieldDefinition.created_at, CustomFieldDefinition.id)
        )

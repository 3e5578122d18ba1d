"""HTTP routes of /api/v1/users (read: `users:read`) and /api/v1/groups (read:
`users:read`, write: `users:write`). Users are made with the CLI or the console, never
through the API: no password travels in an API body."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import (
    Conflict,
    GroupNotFound,
    NoValidFields,
    UserNotFound,
)
from servicedesk.http import JSON_BODY_ERRORS, VALIDATION_422, Responses, require_json_body
from servicedesk.users import service
from servicedesk.users.schemas import (
    GroupCreate,
    GroupList,
    GroupOut,
    GroupUpdate,
    Role,
    UserList,
    UserOut,
)

_VALIDATION: Responses = {422: VALIDATION_422}

users_router = APIRouter(prefix="/api/v1/users", tags=["users"])
groups_router = APIRouter(prefix="/api/v1/groups", tags=["groups"])

Reader = Annotated[Principal, Depends(require_scope(Scope.USERS_READ))]
Writer = Annotated[Principal, Depends(require_scope(Scope.USERS_WRITE))]


@users_router.get("", response_model=UserList, responses=_VALIDATION)
async def list_users(
    database: DatabaseDep,
    principal: Reader,
    role: Annotated[Role | None, Query(description="Only admins or only agents")] = None,
    active: Annotated[
        bool | None, Query(description="Only active (or only disabled) users")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> UserList:
    """Requires `users:read`. By address."""
    users, total = await service.list_users(
        database, principal.tenant_id, role=role, active=active, limit=limit, offset=offset
    )
    return UserList(
        users=[UserOut.model_validate(user) for user in users],
        total=total,
        limit=limit,
        offset=offset,
    )


@users_router.get(
    "/{user_id}",
    response_model=UserOut,
    responses={404: UserNotFound.openapi_response(), **_VALIDATION},
)
async def get_user(user_id: uuid.UUID, database: DatabaseDep, principal: Reader) -> UserOut:
    """Requires `users:read`."""
    return UserOut.model_validate(await service.get_user(database, principal.tenant_id, user_id))


@groups_router.post(
    "",
    status_code=201,
    response_model=GroupOut,
    dependencies=[Depends(require_json_body)],
    responses={409: Conflict.openapi_response(), **JSON_BODY_ERRORS, **_VALIDATION},
)
async def create_group(data: GroupCreate, database: DatabaseDep, principal: Writer) -> GroupOut:
    """Requires `users:write`. A name already taken in the tenant is 409; a member who is
    not a user of the tenant is 422."""
    return await service.create_group(database, principal.tenant_id, data)


@groups_router.get("", response_model=GroupList, responses=_VALIDATION)
async def list_groups(
    database: DatabaseDep,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> GroupList:
    """Requires `users:read`. By name."""
    groups, total = await service.list_groups(
        database, principal.tenant_id, limit=limit, offset=offset
    )
    return GroupList(groups=groups, total=total, limit=limit, offset=offset)


_GROUP_NOT_FOUND: Responses = {404: GroupNotFound.openapi_response()}


@groups_router.get(
    "/{group_id}", response_model=GroupOut, responses={**_GROUP_NOT_FOUND, **_VALIDATION}
)
async def get_group(group_id: uuid.UUID, database: DatabaseDep, principal: Reader) -> GroupOut:
    """Requires `users:read`."""
    return await service.get_group(database, principal.tenant_id, group_id)


@groups_router.patch(
    "/{group_id}",
    response_model=GroupOut,
    dependencies=[Depends(require_json_body)],
    responses={
        400: NoValidFields.openapi_response(),
        409: Conflict.openapi_response(),
        **_GROUP_NOT_FOUND,
        **JSON_BODY_ERRORS,
        **_VALIDATION,
    },
)
async def update_group(
    group_id: uuid.UUID, data: GroupUpdate, database: DatabaseDep, principal: Writer
) -> GroupOut:
    """Requires `users:write`. `member_ids` replaces the members. Groups are not deleted
    (tickets and history name them): rename one, or empty it."""
    return await service.update_group(database, principal.tenant_id, group_id, data)

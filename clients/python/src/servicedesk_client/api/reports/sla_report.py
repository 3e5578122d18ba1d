import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.sla_report import SlaReport
from ...models.sla_report_group_by import SlaReportGroupBy
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    from_: datetime.date | datetime.datetime | None | Unset = UNSET,
    to: datetime.date | datetime.datetime | None | Unset = UNSET,
    group_by: SlaReportGroupBy | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.datetime):
        json_from_ = from_.isoformat()
    elif isinstance(from_, datetime.date):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.datetime):
        json_to = to.isoformat()
    elif isinstance(to, datetime.date):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

    json_group_by: str | Unset = UNSET
    if not isinstance(group_by, Unset):
        json_group_by = group_by.value

    params["group_by"] = json_group_by

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/reports/sla",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthErrorBody | DetailBody | SlaReport | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = SlaReport.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = AuthErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = AuthErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = ValidationErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = DetailBody.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = DetailBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AuthErrorBody | DetailBody | SlaReport | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | datetime.datetime | None | Unset = UNSET,
    to: datetime.date | datetime.datetime | None | Unset = UNSET,
    group_by: SlaReportGroupBy | Unset = UNSET,
) -> Response[AuthErrorBody | DetailBody | SlaReport | ValidationErrorBody]:
    """Sla Report

     Requires `tickets:read`. Tickets created in the window that carry an SLA, grouped:
    `met` every target in time (resolved), `breached` one or more, `open_at_risk` (not
    breached, a target open past its warning); first-response and resolution times in
    business minutes.

    Args:
        from_ (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets created at or
            after (default: 30 days ago)
        to (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets created before (a
            bare date: through that day)
        group_by (SlaReportGroupBy | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | SlaReport | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        group_by=group_by,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | datetime.datetime | None | Unset = UNSET,
    to: datetime.date | datetime.datetime | None | Unset = UNSET,
    group_by: SlaReportGroupBy | Unset = UNSET,
) -> AuthErrorBody | DetailBody | SlaReport | ValidationErrorBody | None:
    """Sla Report

     Requires `tickets:read`. Tickets created in the window that carry an SLA, grouped:
    `met` every target in time (resolved), `breached` one or more, `open_at_risk` (not
    breached, a target open past its warning); first-response and resolution times in
    business minutes.

    Args:
        from_ (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets created at or
            after (default: 30 days ago)
        to (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets created before (a
            bare date: through that day)
        group_by (SlaReportGroupBy | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | SlaReport | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        from_=from_,
        to=to,
        group_by=group_by,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | datetime.datetime | None | Unset = UNSET,
    to: datetime.date | datetime.datetime | None | Unset = UNSET,
    group_by: SlaReportGroupBy | Unset = UNSET,
) -> Response[AuthErrorBody | DetailBody | SlaReport | ValidationErrorBody]:
    """Sla Report

     Requires `tickets:read`. Tickets created in the window that carry an SLA, grouped:
    `met` every target in time (resolved), `breached` one or more, `open_at_risk` (not
    breached, a target open past its warning); first-response and resolution times in
    business minutes.

    Args:
        from_ (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets created at or
            after (default: 30 days ago)
        to (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets created before (a
            bare date: through that day)
        group_by (SlaReportGroupBy | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | SlaReport | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        group_by=group_by,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | datetime.datetime | None | Unset = UNSET,
    to: datetime.date | datetime.datetime | None | Unset = UNSET,
    group_by: SlaReportGroupBy | Unset = UNSET,
) -> AuthErrorBody | DetailBody | SlaReport | ValidationErrorBody | None:
    """Sla Report

     Requires `tickets:read`. Tickets created in the window that carry an SLA, grouped:
    `met` every target in time (resolved), `breached` one or more, `open_at_risk` (not
    breached, a target open past its warning); first-response and resolution times in
    business minutes.

    Args:
        from_ (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets created at or
            after (default: 30 days ago)
        to (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets created before (a
            bare date: through that day)
        group_by (SlaReportGroupBy | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | SlaReport | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            from_=from_,
            to=to,
            group_by=group_by,
        )
    ).parsed

"""GET /healthz (the process answers) and GET /readyz (the database answers)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from servicedesk.db.session import DatabaseDep
from servicedesk.logs import get_logger

router = APIRouter(tags=["health"])
log = get_logger(__name__)


@router.get("/healthz", summary="Liveness")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: the database is reachable",
    responses={503: {"description": "Database unreachable"}},
)
async def readyz(database: DatabaseDep) -> JSONResponse:
    try:
        await database.ping()
    except Exception as error:
        log.warning("readiness_check_failed", error=type(error).__name__)
        return JSONResponse({"status": "unavailable", "detail": "database unreachable"}, 503)
    return JSONResponse({"status": "ready"})

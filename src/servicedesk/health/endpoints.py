"""GET /healthz (the process answers) and GET /readyz (the database answers and the
starter triage model is loaded: a load balancer sends no traffic before)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from servicedesk.db.session import DatabaseDep
from servicedesk.logs import get_logger
from servicedesk.triage import starter

router = APIRouter(tags=["health"])
log = get_logger(__name__)


class Liveness(BaseModel):
    status: str = Field(description="`ok`")


class Readiness(BaseModel):
    status: str = Field(description="`ready`, `starting` or `unavailable`")
    detail: str | None = None


@router.get("/healthz", summary="Liveness", response_model=Liveness)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: the database is reachable and the triage model loaded",
    response_model=Readiness,
    responses={
        503: {
            "model": Readiness,
            "description": "Database unreachable, or the server still starting",
            "content": {
                "application/json": {
                    "example": {"status": "starting", "detail": "triage model loading"}
                }
            },
        }
    },
)
async def readyz(database: DatabaseDep) -> JSONResponse:
    if not starter.is_loaded():
        return JSONResponse({"status": "starting", "detail": "triage model loading"}, 503)
    try:
        await database.ping()
    except Exception as error:
        log.warning("readiness_check_failed", error=type(error).__name__)
        return JSONResponse({"status": "unavailable", "detail": "database unreachable"}, 503)
    return JSONResponse({"status": "ready"})

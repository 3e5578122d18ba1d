"""The console's queries: its sign-in sessions (`console_sessions`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from servicedesk.console.models import ConsoleSession


def delete_started_before(session: Session, user_id: uuid.UUID, started: datetime) -> None:
    """Remove the user's sessions begun before `started` (past their lifetime)."""
    session.execute(
        delete(ConsoleSession).where(
            ConsoleSession.user_id == user_id, ConsoleSession.created_at < started
        )
    )


def delete_by_token_hash(session: Session, token_hash: str) -> None:
    session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash))


def delete_of_user(session: Session, user_id: uuid.UUID) -> None:
    """Every session of the user: signed out everywhere."""
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))

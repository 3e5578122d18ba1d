"""The `triage.retrain` job: a tenant's model trained again in the worker once enough
new category overrides have come in (the tenant's `retrain_every`).

Queued by the feedback subscriber (`servicedesk.triage.feedback`). It checks again
before training, so a job that runs after another training already took the overrides
in (or after the tenant switched retraining off) does nothing; a worker killed midway
leaves the job to run again, and a model stored just before the kill counts as that
training. The training itself is `servicedesk triage train`'s: the new version is active
from the next ticket on, in every process, and the previous ones stay for a rollback
(`servicedesk triage use`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from servicedesk.db.database import Database
from servicedesk.jobs.service import Backoff, ClaimedJob, Done, Outcome
from servicedesk.logs import get_logger
from servicedesk.triage import service
from servicedesk.triage.repository import new_overrides

log = get_logger(__name__)


class RetrainHandler:
    backoff = Backoff(base=30.0, cap=900.0)

    def __init__(self, database: Database) -> None:
        self.database = database

    async def perform(self, job: ClaimedJob) -> None:
        def due(session: Session) -> bool:
            every = service.load_settings(session, job.tenant_id).retrain_every
            return every is not None and new_overrides(session, job.tenant_id) >= every

        if not await self.database.read(due):
            return
        # Imported here: training pulls in numpy and scikit-learn, which a server does
        # not import at start (tests/test_startup.py).
        from servicedesk.triage import training

        try:
            record, used, _ = await training.train_and_activate(self.database, job.tenant_id)
        except training.TrainingError as error:
            log.warning("triage_retrain_skipped", tenant_id=str(job.tenant_id), reason=str(error))
            return
        log.info(
            "triage_retrained",
            tenant_id=str(job.tenant_id),
            version=record.version,
            n_train=len(used.texts),
        )

    def record(self, session: Session, job: ClaimedJob, result: None) -> Outcome:
        return Done()

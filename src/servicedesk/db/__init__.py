"""The database layer: how every other package reads and writes, and the one place SQL
may live besides the `repository.py` modules (tests/test_structure.py holds both).

A *unit* is a plain function `unit(session) -> result` that builds its statements
through a repository. `Database` (database.py) runs units; nothing else opens a
transaction, and no service commits.

The ways to read
    Database.read(unit)        a consistent read of any size (SQLite: a reader thread;
                               PostgreSQL: a transaction on the async engine's pool).
    Database.lookup(unit)      `read` for work an index bounds (a row by key, the first
                               page): on SQLite it runs on the event loop in autocommit,
                               where a thread hop costs more than the statement.
    Database.lookup_ready_rows(RowQuery)
                               the hot reads (a ticket by id, the newest page): one
                               statement compiled once, run past the ORM and the
                               session, its values JSON-ready (ready.py). Only for
                               statements whose columns ready.py knows how to render.

The ways to write
    Database.write(unit, tenant_id=…)
                               one committed transaction. Writes take turns by tenant
                               (fair.py; across processes turns.py); on SQLite they run
                               in the batched writer (sqlite_writer.py), many units per
                               COMMIT, each in its own SAVEPOINT.
    Database.write(unit, one_statement=True)
                               the unit hands over one statement and reads nothing; on
                               PostgreSQL it is sent by the driver in autocommit (one
                               round trip, not three). A create without an
                               Idempotency-Key answer to store is written so.
    PendingRows (rows.py)      inside a unit: rows of several tables gathered and
                               written in one statement (PostgreSQL: `WITH … INSERT` per
                               table), optionally under a `Precondition` (the tenant's
                               configuration version). Every row of a table names the
                               same columns (else `MismatchedRows`); Python-side
                               defaults are filled on both databases.
    insert_or_ignore (upsert.py)
                               an INSERT that keeps the existing row on a key conflict,
                               in either dialect (an Idempotency-Key claim, a Message-ID).

Beside them, for moving whole tables (`servicedesk db copy`, export and import):
streaming.py's engines (no statement timeout, one snapshot, ids the database numbers)
and copy.py. These stream rows and never run inside a `Database` unit.

Invariants a unit keeps: it is short and does nothing outside its session (no
network, no sleeping: on SQLite it runs on the event loop, in a batch with other
units); it scopes every query to its tenant (repository.py's `TenantRepository`); a
change of a tenant's configuration calls `servicedesk.tenant_config.bump` in the same
unit.

The models of every package are imported by `servicedesk.registry`, not here: each
package imports `db`, and `db` imports none of them.
"""

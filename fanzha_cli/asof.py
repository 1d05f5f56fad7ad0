"""Reading the ledger as it stood after entry N ("as of N").

An issued circular is computed from the ledger as it stood at its anchor, however much has
been recorded since. Rather than add `AND entry_id <= :upto` to every query the circular
runs (and to every query anyone adds to it later), `as_of(led, N)` shadows, on this one
connection, each ledger table with a TEMP view of its rows up to entry N: SQLite looks an
unqualified name up in `temp` before `main`, so every read made inside the block (queries.py,
reports, cases, audits, discipline, dissuasion, commend, plan_store, and whatever the circular
reads next) sees exactly the ledger of entry N, with no parameter to forget. The chain's
tables are found as `chain.ledger_tables` finds them (by their `entry_id` column), so a table
added by a later migration is covered without being named here.

Derived tables without an `entry_id` (report_week_status, kept by triggers for speed) cannot
answer for an earlier entry: inside the block they are views computed from the base rows as
of N, with the same columns (their kept copies are checked against the same computation by
`db verify`). The plan_version_* tables (plan_rows.py) hold one set of rows per plan
version, keyed by the version's entry: as of N, the rows of the versions loaded up to N.

Nothing may be written inside the block: `Ledger.write` refuses while it is open.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from fanzha_cli import chain, queries
from fanzha_cli.ledger import Ledger

# Derived tables and how to compute them from the (as-of) base tables, unqualified so that
# they read the as-of views.
_DERIVED = {
    # What `db verify` recomputes (the kept table also holds a row with 0 lines for a
    # department whose lines were all voided; every reader asks for lines > 0).
    "report_week_status": queries.REPORT_WEEK_STATUS_RECOUNT,
}

# Derived tables read from their kept rows as of entry {n}: those of the plan versions up to it.
_KEPT_AS_OF = {name: "SELECT * FROM main.\"%s\" WHERE version_entry <= {n}" % name
               for name in ("plan_version_departments", "plan_version_targets", "plan_version_officers",
                            "plan_version_officer_grids")}


def head(led: Ledger) -> tuple[int, str]:
    """The last entry's id and hash ((0, GENESIS) for an empty ledger)."""
    row = led.conn.execute("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, chain.GENESIS)


@contextlib.contextmanager
def as_of(led: Ledger, upto: int | None) -> Iterator[Ledger]:
    """Every read on `led` inside the block sees the ledger as it stood after entry `upto`
    (None: as it is). Not re-entrant: an as-of block inside another is refused."""
    if upto is None:
        yield led
        return
    if getattr(led, "as_of", None) is not None:
        raise RuntimeError("as_of blocks do not nest")
    n = int(upto)  # an integer we hold, never text from outside: safe to write into the view
    conn = led.conn
    tables = chain.ledger_tables(conn)
    made: list[str] = []
    try:
        conn.execute(f'CREATE TEMP VIEW "entries" AS SELECT * FROM main."entries" WHERE id <= {n}')
        made.append("entries")
        for t in tables:
            conn.execute(f'CREATE TEMP VIEW "{t}" AS SELECT * FROM main."{t}" WHERE entry_id <= {n}')
            made.append(t)
        present = {r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
        for name, sql in _DERIVED.items():
            if name in present:
                conn.execute(f'CREATE TEMP VIEW "{name}" AS {sql}')
                made.append(name)
        for name, sql in _KEPT_AS_OF.items():
            if name in present:
                conn.execute(f'CREATE TEMP VIEW "{name}" AS {sql.format(n=n)}')
                made.append(name)
        led.as_of = n
        yield led
    finally:
        led.as_of = None
        for name in reversed(made):
            conn.execute(f'DROP VIEW IF EXISTS temp."{name}"')

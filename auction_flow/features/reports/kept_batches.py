"""PostgreSQL: the fold of :mod:`kept` in batches, each its own transaction (issue 16; docs/performance-notes.md
"Stop 27: the first fold").

A fold holds in memory the grouped rows of what it folds, and the officer units' entries of it
(:mod:`kept_officer`): the first fold of a country's log (~50 M rows: after an upgrade, a restore)
could not be held in one transaction. :func:`run` takes the rows past the marks once, at its start
(each chain up to its committed head then), cuts them into batches of at most ``batch_rows`` audit
rows, whole chains where they fit (a chain longer than that is cut into pieces by position), and
folds each batch with :func:`kept.fold` (``until``: the batch's chains, up to its positions) in a
transaction of its own: it takes the fold's advisory lock, reads the marks again (a fold that ran
meanwhile has moved them; what it folded is not folded twice) and moves them with the kept rows
of its batch. A fold killed between batches has kept what its committed batches folded, and the
next fold goes on from their marks; killed inside one, that batch's transaction is rolled back.

Only the first batch of a database never folded is a first fold (:func:`kept.fold` reads that from
the marks): the later ones are ordinary folds, the hourly fold's code, so the kept rows are the
same whatever the batches (tests/reports/test_kept_batches.py). What fits in one batch (the hourly
fold's hour) is folded as before: one :func:`kept.fold` up to the heads committed when it runs.
"""

from __future__ import annotations

import time

from sqlalchemy import text

# the most audit rows one batch folds: the first fold's batch holds ~1 KB per row at its peak
# (the grouped rows, the officer units' entries; measured in "Stop 27")
BATCH_ROWS = 250_000

_PENDING = text("SELECT h.chain, COALESCE(m.log_seq, 0), h.log_seq FROM audit_heads h "
                "LEFT JOIN report_marks m ON m.chain = h.chain WHERE h.log_seq > COALESCE(m.log_seq, 0) ORDER BY 1")


_KEPT_TABLES = text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename LIKE 'report\\_%' ORDER BY 1")


def plan(pending, batch_rows: int) -> list[dict]:
    """``pending`` (chain, mark, head) cut into batches {chain: position} of at most ``batch_rows``
    rows (a chain's rows are its positions mark+1 .. head): whole chains while they fit, a chain
    longer than a batch in pieces of ``batch_rows``."""
    batches, current, n = [], {}, 0
    for chain, mark, head in pending:
        if n and n + head - mark > batch_rows:  # does not fit beside the others: a batch of its own (or more)
            batches.append(current)
            current, n = {}, 0
        while head - mark > batch_rows:
            mark += batch_rows
            batches.append({chain: mark})
        current[chain] = head
        n += head - mark
    if current:
        batches.append(current)
    return batches


def run(engine, fold_one, until: dict | None = None, progress=None, batch_rows: int | None = None) -> dict:
    """Fold the rows past the marks (``until`` {chain: position}: those chains only, up to there)
    in batches; ``fold_one(until)`` folds one batch in a transaction of its own and returns
    :func:`kept.fold`'s answer. ``progress(step)``, after each committed batch of several:
    {"code": "rollup_batch", "batch", "batches", "rows" (folded so far), "of" (to fold), "seconds"}.
    Returns :func:`kept.fold`'s answer summed over the batches, with "batches"."""
    batch_rows = batch_rows or BATCH_ROWS
    with engine.connect() as conn:
        pending = conn.execute(_PENDING).all()
    if until is not None:
        pending = [(c, m, min(h, until[c])) for c, m, h in pending if c in until and until[c] > m]
    total = sum(h - m for _, m, h in pending)
    batches = plan(pending, batch_rows)
    if len(batches) <= 1:  # an hour's rows: one fold, as before batches existed
        return {**fold_one(until), "batches": 1}
    started = time.perf_counter()
    out = {"rows": 0, "added": 0, "marks": {}, "batches": len(batches)}
    for i, batch in enumerate(batches, 1):
        got = fold_one(batch)
        out["rows"] += got["rows"]
        out["added"] += got["added"]
        out["marks"].update(got["marks"])
        if progress is not None:
            progress({"code": "rollup_batch", "batch": i, "batches": len(batches), "rows": out["rows"],
                      "of": total, "seconds": round(time.perf_counter() - started, 1)})
    with engine.begin() as conn:  # the planner's statistics of the kept tables, grown since the first batch's
        for (table,) in conn.execute(_KEPT_TABLES).all():
            conn.execute(text(f'ANALYZE "{table}"'))
    return out

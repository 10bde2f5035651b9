"""PostgreSQL: the officer and organisation units a revision emptied (0029, 0033, 0034) made again from the
folded rows office by office, in parts (issue 16; docs/performance-notes.md "Stop 28: the fold in parts").

A database folded before such a revision has its kept years, months and spans but no units: its next fold
fills them from every folded row. In one statement that held the whole log's entries in memory (Stop 27:
1.7 GB for 620,000 rows). Here the offices (an asset's rows all carry its office, so an office's days
depend on its own rows only) are taken in order and cut into parts of at most :data:`PART_ROWS` audit
rows; each part's days are computed from the folded rows of its offices and its spans and months summed
from them (:func:`kept_officer.fill`, :func:`kept_org_periods.fill`).

:func:`run` (``report rollup``, the scheduler: :func:`service.fold_now`, before the batches) commits each
part in a transaction of its own under the fold's lock, and tells each one (``progress``: code
``rollup_refill``). Until the last part the table holds a *mark*, a row of kind 'r' naming the last office
made (no read sees kind 'r'): a refill killed between parts goes on after it, and the units are not read
(``usable`` says no) until it is removed. A fold meanwhile (the hourly job, another ``report rollup``)
folds its batch as usual (a day of an office not made yet is made again by its part) and makes the rest
itself, in the same parts inside its transaction (:func:`rest`): memory one part's whatever the log.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import text

from auction_flow.features.reports.kept import LOCK

# the most audit rows of one part (their offices' rows, folded or not): a fold's batch's size
PART_ROWS = 250_000
NOTHING = {"chains": [], "marks": [], "heads": []}  # no batch: the rows folded before only

_OFFICES = text("SELECT o, count(*) FROM (SELECT COALESCE(office, '-') COLLATE \"C\" AS o FROM audit_log) x "
                "WHERE o > :after GROUP BY 1 ORDER BY 1")
# the rows of some offices (``:offices``, '-' those with none)
OFFICE_ROWS = ("(SELECT * FROM audit_log x WHERE x.office = ANY(CAST(:offices AS text[])) "
               "OR (x.office IS NULL AND '-' = ANY(CAST(:offices AS text[])))) a")


@dataclass(frozen=True)
class Units:
    """A table of units made again by parts; ``mark``: the columns' values of its mark row but the office."""

    table: str
    mark: tuple

    def _cols(self) -> str:
        return ("grouping, " if len(self.mark) == 2 else "") + "kind, unit, office, keys, counts"

    def start(self, conn) -> str | None:
        """None when nothing is to be made again; else the last office made ('' none: the table is
        empty and some row was folded)."""
        made, kept, folded = conn.execute(text(
            f"SELECT (SELECT office FROM {self.table} WHERE kind = 'r'), EXISTS (SELECT 1 FROM {self.table}), "
            "EXISTS (SELECT 1 FROM report_marks)")).one()
        return made if made is not None else (None if kept or not folded else "")

    def made(self, conn, office: str) -> None:
        conn.execute(text(f"DELETE FROM {self.table} WHERE kind = 'r'"))
        values = ", ".join(f"'{v}'" for v in self.mark)
        conn.execute(text(f"INSERT INTO {self.table} ({self._cols()}) VALUES ({values}, 0, :o, '', '')"), {"o": office})

    def end(self, conn) -> None:
        conn.execute(text(f"DELETE FROM {self.table} WHERE kind = 'r'"))
        conn.execute(text(f"ANALYZE {self.table}"))

    def pending(self) -> str:
        """SQL true while a refill is under way (its units are not read)."""
        return f"EXISTS (SELECT 1 FROM {self.table} WHERE kind = 'r')"


def parts(conn, after: str, part_rows: int | None = None) -> list[tuple[list[str], int]]:
    """The offices after ``after`` (in C order) cut into parts of at most ``part_rows`` audit rows (an
    office with more, alone), each with its rows' number."""
    part_rows = part_rows or PART_ROWS
    out, current, n = [], [], 0
    for office, rows in conn.execute(_OFFICES, {"after": after}).all():
        if current and n + rows > part_rows:
            out.append((current, n))
            current, n = [], 0
        current.append(office)
        n += rows
    if current:
        out.append((current, n))
    return out


def _step(conn, units: Units, fill, p: dict, offices: list, batch: dict) -> int:
    after = units.start(conn)
    mine = [o for o in offices if after is not None and o > after]
    if not mine:
        return 0
    n = fill(conn, p, mine, batch, after == "")
    units.made(conn, mine[-1])
    return n


def rest(conn, units: Units, fill, p: dict, batch: dict, part_rows: int | None = None) -> int:
    """Inside a fold's transaction: every office not made yet made, part by part; then the mark removed.
    ``fill(conn, p, offices, batch, first_part)`` makes some offices' units and returns the rows written."""
    after = units.start(conn)
    if after is None:
        return 0
    n = sum(_step(conn, units, fill, p, offices, batch) for offices, _ in parts(conn, after, part_rows))
    units.end(conn)
    return n


def run(engine, targets: list, p: dict, progress=None, part_rows: int | None = None) -> int:
    """Before a fold's batches: the units of ``targets`` [(Units, fill)] a revision emptied made again,
    each part in a transaction of its own; ``progress(step)`` after each of several: {"code": "rollup_refill", "part",
    "parts", "rows" (the audit rows of the offices made so far), "of", "seconds"}. Rows written."""
    with engine.connect() as conn:
        starts = [s for s in (units.start(conn) for units, _ in targets) if s is not None]
        planned = parts(conn, min(starts), part_rows) if starts else []
    started, done, written = time.perf_counter(), 0, 0
    total = sum(n for _, n in planned)
    for i, (offices, n) in enumerate(planned, 1):
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})
            conn.exec_driver_sql("SELECT set_config('jit', 'off', true), set_config('work_mem', '256MB', true)")
            for units, fill in targets:
                written += _step(conn, units, fill, p, offices, NOTHING)
            if i == len(planned):  # an office that came since the plan; then the marks removed
                written += sum(rest(conn, units, fill, p, NOTHING, part_rows) for units, fill in targets)
        done += n
        if progress is not None and len(planned) > 1:  # one part: told by the fold's answer only
            progress({"code": "rollup_refill", "part": i, "parts": len(planned), "rows": done, "of": total,
                      "seconds": round(time.perf_counter() - started, 1)})
    return written

"""The complaint-risk rule's open set: the cancellations whose risk window the scan has not closed.

Every cancellation is a complaint risk until its window is closed (it passed quietly after a
follow-up, or a complaint was filed in it: an alert row with a closing resolution). A country's
history holds hundreds of thousands of cancellations, nearly all closed; the scan reads the open
ones only (``complaint_risk_open``), so what it reads is proportional to what is open.

* :func:`take_new` adds the cancellations written since the scan's mark (``scan_marks``), read by
  the audit log's primary key. On PostgreSQL a step may have taken its audit id before the scan
  started and commit after it read: the mark is kept one scan behind (``low`` is the newest id of
  the scan before the last), so such a row is read by the next scan. A step lasts milliseconds, a
  scan interval minutes at least. Rows read twice are added once.
* :func:`drop_closed` removes those whose window is now closed.

The first two scans (no mark, then the first one's) read every cancellation, as every scan did
before the open set; from the third on, a scan reads the rows written since the scan before last.
"""

from __future__ import annotations

from sqlalchemy import exists, func, select, update

from auction_flow.storage.db import dialect_insert
from auction_flow.storage.schema import alerts, audit_log, complaint_risk_open, scan_marks

MARK = "complaint_risk"
# Resolutions that close a complaint-risk window (the scan's CLOSED).
CLOSED = ("window_closed", "complaint_filed")


def _closed(asset_id, day):
    return exists().where(alerts.c.asset_id == asset_id, alerts.c.rule == "complaint_risk",
                          alerts.c.entered_on == day, alerts.c.resolution.in_(CLOSED))


def _upsert(conn, table):
    return dialect_insert(conn, table)


def take_new(conn, triggers) -> int:
    """Add the cancellations (audit rows of ``triggers``) written since the mark; move the mark.

    The mark's row is claimed first (an upsert that takes its lock, as a chain's head is claimed):
    two scans at once queue here, and the second reads what the first committed."""
    claim = (_upsert(conn, scan_marks).values(name=MARK, low=0, high=0)
             .on_conflict_do_update(index_elements=["name"], set_={"low": scan_marks.c.low})
             .returning(scan_marks.c.low, scan_marks.c.high))
    low, high = conn.execute(claim).one()
    newest = conn.execute(select(func.max(audit_log.c.id))).scalar() or 0
    c = audit_log.alias("c")
    new = (select(c.c.asset_id, c.c.seq, c.c.trigger, c.c.business_date)
           .where(c.c.id > low, c.c.trigger.in_(sorted(triggers)), c.c.asset_id.is_not(None),
                  ~_closed(c.c.asset_id, c.c.business_date)))
    added = conn.execute(_upsert(conn, complaint_risk_open)
                         .from_select(["asset_id", "seq", "trigger", "business_date"], new).on_conflict_do_nothing()
                         .execution_options(preserve_rowcount=True)).rowcount if triggers else 0
    # the next scan reads from the newest id the scan before this one saw (the first: from the start)
    conn.execute(update(scan_marks).where(scan_marks.c.name == MARK).values(low=high, high=newest))
    return added


def drop_closed(conn) -> int:
    """Remove the cancellations whose window is closed (they are never looked at again)."""
    o = complaint_risk_open
    return conn.execute(o.delete().where(_closed(o.c.asset_id, o.c.business_date))
                        .execution_options(preserve_rowcount=True)).rowcount

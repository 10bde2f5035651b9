"""The kept rollup of the reports (issue 16; auction_flow.features.reports.rollup).

* ``report_days``: per business day, office and officer, the histograms the reports sum: ``part``
  'stage' (``sub`` the state left, ``value`` the days spent in it) or 'trig' (``sub`` a counted
  trigger, ``value`` a handover's delay in days, NULL when none); ``n`` how many rows. Append-only
  by use: each fold inserts the GROUP BY of the rows it folded, and a report sums.
* ``report_marks``: per chain of the audit log, the last position folded. A chain's rows commit in
  ``log_seq`` order (its ``audit_heads`` row is locked by each writer), so a row is folded exactly
  when its ``log_seq`` is at or below its chain's mark, whatever its business date.
"""

from sqlalchemy import Column, Date, Index, Integer, String, Table

from auction_flow.storage.schema.base import CHAIN, metadata

report_days = Table(
    "report_days", metadata,
    Column("day", Date, nullable=False),  # the row's business_date
    Column("office", String(32)),  # the row's office code
    Column("officer_id", Integer),  # the row's officer_id
    Column("part", String(8), nullable=False),  # stage | trig
    Column("sub", String(64), nullable=False),  # the state left, or the counted trigger
    Column("value", Integer),  # days in the stage, or the handover's delay (NULL: no deadline)
    Column("n", Integer, nullable=False),  # int: sum() of ints is a bigint, not a numeric
    Index("ix_report_days_day_office", "day", "office"),  # the country's period
    Index("ix_report_days_office_day", "office", "day"),  # a province's or a branch's offices in the period
)

report_marks = Table(
    "report_marks", metadata,
    Column("chain", CHAIN, primary_key=True),
    Column("log_seq", Integer, nullable=False),  # the chain's last position folded into report_days
)

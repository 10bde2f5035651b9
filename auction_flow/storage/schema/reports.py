"""The reports' kept yearly answers (issue 16; auction_flow.features.reports.kept), PostgreSQL.

* ``report_years``: per reporting year (Oct 1 .. Sep 30), grain ('o': an office, officer 0; 'u':
  an office and an officer, 0 for none), office (its code, '-' for none, '*' for the whole
  country) and part ('stage' with ``sub`` the state left, 'trig' with ``sub`` a counted trigger,
  'priced', 'sale' with ``sub`` 'c' cancelled or 'k' kept), ONE row whose ``packed`` text holds
  the whole histogram as JSON: {days: count} for a stage, {delay or "": count} for a trigger,
  {"n": assets} for priced, {"n": sales, "x": realised, "y": appraised} for the sales. The year's
  rows grow with the offices, officers and states, not with the audit rows.
* ``report_months``: the same per calendar month (``month`` YYYYMM of the rows' business date), at
  the grains of an office and the country; 'priced' per office only, {previous day the asset was
  priced in the office (YYYYMMDD, 0 none): its pricing days in the month} (an asset counts once per
  period).
* ``report_spans``: the same per ten-day span of a month (``span`` YYYYMMD, D 1, 2 or 3).
* ``report_officer_units``: per day ('d' YYYYMMDD), ten-day span ('s') and month ('m') and per office,
  the folded rows' entries (officer, part, value) -> count as two int64 arrays
  (auction_flow.features.reports.kept_officer); ``report_codes`` names their codes (only grows).
* ``report_sales``: each folded sale not cancelled ('k'), its frozen contribution (the asset's
  prices when it was folded), keyed by the sale's audit id: a report takes it back and adds the
  live one when the asset has rows past the marks.
* ``report_marks``: per chain of the audit log, the last position folded. A chain's rows commit in
  ``log_seq`` order (its ``audit_heads`` row is locked by each writer), so a row is folded exactly
  when its ``log_seq`` is at or below its chain's mark, whatever its business date.
* ``report_org_years``: as ``report_years`` for the groupings by organisation (kind 'a' auction, 'p'
  appraisal; office '*' the country; ``org`` the asset's, '-' none); parts 'stage', 'trig',
  'priced' and 'sold' ({"n": sales}; which were not cancelled is read from ``report_sales``).
* ``report_org_assets``: per asset folded, the organisations its folded rows are counted under
  ('-' none); a fold that meets a change moves them (auction_flow.features.reports.kept_org).
* ``report_org_units``: as ``report_officer_units`` for the groupings by organisation ('a' auction,
  'p' appraisal), the entries keyed by the organisation's number in ``report_org_codes`` (only grows)
  (auction_flow.features.reports.kept_org_periods).
"""

from sqlalchemy import (BigInteger, Column, Index, Integer, LargeBinary, PrimaryKeyConstraint, SmallInteger, String,
                        Table, Text)

from auction_flow.storage.schema.base import CHAIN, metadata

report_years = Table(
    "report_years", metadata,
    Column("year", Integer, nullable=False),
    Column("grain", String(1), nullable=False),  # o | u
    Column("office", String(32), nullable=False),  # the rows' office code; '-' none; '*' the country
    Column("officer", Integer, nullable=False),  # the rows' officer_id; 0 none (and at grain 'o')
    Column("part", String(8), nullable=False),  # stage | trig | priced | sale
    Column("sub", String(64), nullable=False),  # the state left, the counted trigger, c | k, ''
    Column("packed", Text, nullable=False),  # the histogram, JSON
    PrimaryKeyConstraint("year", "grain", "office", "officer", "part", "sub", name="pk_report_years"),
)

# per calendar month of the rows' business date (YYYYMM): grains 'o' and the country ('*'); priced per office
# by the asset's previous month of pricing there (an asset counts once per period)
report_months = Table(
    "report_months", metadata,
    Column("month", Integer, nullable=False),
    Column("grain", String(1), nullable=False),
    Column("office", String(32), nullable=False),
    Column("officer", Integer, nullable=False),
    Column("part", String(8), nullable=False),
    Column("sub", String(64), nullable=False),
    Column("packed", Text, nullable=False),
    PrimaryKeyConstraint("month", "grain", "office", "officer", "part", "sub", name="pk_report_months"),
)

# per ten-day span of a month (YYYYMMD: D 1 the days 1-10, 2 the 11th-20th, 3 the 21st to the end), as
# report_months; a period with ragged edges adds and takes away spans (migration 0027)
report_spans = Table(
    "report_spans", metadata,
    Column("span", Integer, nullable=False),
    Column("grain", String(1), nullable=False),
    Column("office", String(32), nullable=False),
    Column("officer", Integer, nullable=False),
    Column("part", String(8), nullable=False),
    Column("sub", String(64), nullable=False),
    Column("packed", Text, nullable=False),
    PrimaryKeyConstraint("span", "grain", "office", "officer", "part", "sub", name="pk_report_spans"),
)

# by officer, per day, span and month (migration 0029): packed number arrays, not JSON
report_officer_units = Table(
    "report_officer_units", metadata,
    Column("kind", String(1), nullable=False),  # d | s | m
    Column("unit", Integer, nullable=False),  # YYYYMMDD | YYYYMMD | YYYYMM
    Column("office", String(32), nullable=False),
    Column("keys", LargeBinary, nullable=False),  # big-endian int64, sorted
    Column("counts", LargeBinary, nullable=False),  # big-endian int64, one per key
    PrimaryKeyConstraint("kind", "unit", "office", name="pk_report_officer_units"),
)

# by auction ('a') or appraisal ('p') organisation, per day, span and month (migration 0034): as above
report_org_units = Table(
    "report_org_units", metadata,
    Column("grouping", String(1), nullable=False),  # a | p
    Column("kind", String(1), nullable=False),  # d | s | m
    Column("unit", Integer, nullable=False),  # YYYYMMDD | YYYYMMD | YYYYMM
    Column("office", String(32), nullable=False),
    Column("keys", LargeBinary, nullable=False),  # big-endian int64, sorted
    Column("counts", LargeBinary, nullable=False),  # big-endian int64, one per key
    PrimaryKeyConstraint("grouping", "kind", "unit", "office", name="pk_report_org_units"),
)

report_org_codes = Table(
    "report_org_codes", metadata,
    Column("org", String(200), primary_key=True),  # an organisation's name as assets hold it, '-' none
    Column("code", Integer, nullable=False, unique=True),
)

report_codes = Table(
    "report_codes", metadata,
    Column("name", String(80), primary_key=True),  # 's:' + a state, 't:' + a trigger
    Column("code", SmallInteger, nullable=False, unique=True),
)

report_sales = Table(
    "report_sales", metadata,
    Column("sale_id", BigInteger, primary_key=True),  # the sale's audit_log.id
    Column("asset_id", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("office", String(32), nullable=False),
    Column("officer", Integer, nullable=False),
    Column("realised", BigInteger),  # the asset's sale_price when folded
    Column("appraised", BigInteger),  # the asset's appraised_price when folded
    Index("ix_report_sales_asset", "asset_id"),
    Index("ix_report_sales_year_office", "year", "office"),  # a report by organisation reads its year's and scope's
)

report_marks = Table(
    "report_marks", metadata,
    Column("chain", CHAIN, primary_key=True),
    Column("log_seq", Integer, nullable=False),  # the chain's last position folded into report_years
)

report_org_years = Table(
    "report_org_years", metadata,
    Column("year", Integer, nullable=False),
    Column("kind", String(1), nullable=False),  # a (auction organisation) | p (appraisal organisation)
    Column("office", String(32), nullable=False),  # the rows' office code; '-' none; '*' the country
    Column("org", String(200), nullable=False),  # the asset's organisation as folded; '-' none
    Column("part", String(8), nullable=False),  # stage | trig | priced | sold
    Column("sub", String(64), nullable=False),  # the state left, the counted trigger, ''
    Column("packed", Text, nullable=False),  # the histogram, JSON
    PrimaryKeyConstraint("year", "kind", "office", "org", "part", "sub", name="pk_report_org_years"),
)

report_org_assets = Table(
    "report_org_assets", metadata,
    Column("asset_id", Integer, primary_key=True),
    Column("auction_org", String(200), nullable=False),  # as its folded rows are counted; '-' none
    Column("appraisal_org", String(200), nullable=False),
)

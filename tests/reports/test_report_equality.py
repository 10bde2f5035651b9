"""The one-pass report queries (issue 16) give exactly what the queries before them gave.

A generated province (tests/province_walk.py: three branches, random walks through the real
engine over three reporting years) is reported on by both implementations, for every grouping, several periods and
actors of every scope; ``tests/reports/legacy_reports.py`` is the old implementation, unchanged.
"""

from __future__ import annotations

import datetime as dt
import shutil

import province_walk
import pytest
from conftest import BACKENDS, _pg_url, drop_pg, fresh_pg
from legacy_reports import stages as legacy_stages
from legacy_reports import summary as legacy_summary

from auction_flow.features.alerts import scan as scanner
from auction_flow.features.reports import service as reports
from auction_flow.storage import db

@pytest.fixture(scope="module", params=BACKENDS)
def generated(request, tmp_path_factory, sqlite_template):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("equality") / "generated.db"
        shutil.copy(sqlite_template, path)
        url, name = f"sqlite:///{path}", None
    else:
        name = fresh_pg(request.getfixturevalue("pg_admin"), request.getfixturevalue("pg_template"))
        url = _pg_url(name)
    engine = db.open_db(url)
    province_walk.build(engine, url)
    for day in ("2024-06-03", "2025-03-03", "2025-11-03", "2026-06-01"):
        scanner.scan(engine, on=dt.date.fromisoformat(day))
    yield engine
    if name is None:
        engine.dispose()
    else:
        drop_pg(request.getfixturevalue("pg_admin"), name)


PERIODS = [{"year": 2024}, {"year": 2025}, {"year": 2026},
           {"start": "2024-11-15", "end": "2025-02-10"}, {"start": "2023-01-01", "end": "2026-12-31"}]


def test_the_data_set_reaches_every_figure(generated):
    """The comparison below means something only if the data has each kind of row."""
    total = reports.summary(generated, "admin", start="2023-01-01", end="2026-12-31")["total"]
    for k in ("seized", "priced", "auctioned", "sold", "cancelled", "cancellations_recorded", "handed_over",
              "handed_over_on_time", "handed_over_late", "realised", "alerts_raised"):
        assert total[k] > 0, k
    assert len(total["stage_median_days"]) >= 8


@pytest.mark.parametrize("by", reports.BY)
@pytest.mark.parametrize("actor", ["admin", "ld_tinh", "ld_1", "cv_2_1"])
def test_summary_is_identical_to_the_old_queries(generated, by, actor):
    for period in PERIODS:
        assert reports.summary(generated, actor, by=by, **period) == legacy_summary(generated, actor, by=by,
                                                                                    **period), period


@pytest.mark.parametrize("actor", ["admin", "ld_2"])
def test_stages_is_identical_to_the_old_queries(generated, actor):
    for period in PERIODS:
        assert reports.stages(generated, actor, **period) == legacy_stages(generated, actor, **period), period

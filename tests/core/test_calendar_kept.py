"""The step keeps the calendar it built until ``calendar_days`` changes (the stamp its triggers
replace, migration 0025), and reads the actor and the asset in one statement: a change made by the
administrator's command or by SQL typed by hand is seen by the very next step in the same process,
and the refusals for a missing or inactive user and a missing or malformed asset are the same."""

from __future__ import annotations

import pytest
from assetwalk import PRICE, D, asset_row, step, walk
from sqlalchemy import text

from auction_flow.common.errors import InvalidInput, NotFound, UsageError
from auction_flow.core import engine as eng
from auction_flow.features.admin import service as admin
from auction_flow.features.identity import service as identity


def _priced_deadline(engine):
    """A new asset priced on 2026-03-02: its deadline, ten days on, moved past days off."""
    aid = walk(engine, "seized")
    step(engine, aid, "agree_price", "2026-03-02", price=PRICE)
    return asset_row(engine, aid)["deadline"]


def _sql(engine, sql: str):
    with engine.begin() as conn:
        conn.execute(text(sql))


def _stamp(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT stamp FROM calendar_stamp")).scalar_one()


def test_a_calendar_change_is_seen_by_the_next_step(world):
    engine = world
    assert _priced_deadline(engine) == D("2026-03-12")  # the calendar is now kept for its stamp
    stamps = [_stamp(engine)]
    _sql(engine, "INSERT INTO calendar_days (day, kind, name, created_by, created_at) "
                 "VALUES ('2026-03-12', 'holiday', 'by hand', 'dba', '2026-03-01 00:00:00')")
    stamps.append(_stamp(engine))
    assert _priced_deadline(engine) == D("2026-03-13")
    _sql(engine, "UPDATE calendar_days SET day = '2026-03-13' WHERE day = '2026-03-12'")
    stamps.append(_stamp(engine))
    assert _priced_deadline(engine) == D("2026-03-12")  # Friday off now, not Thursday
    admin.add_day(engine, "admin", "2026-03-12", "Nghỉ bù", "holiday")  # the command
    stamps.append(_stamp(engine))
    assert _priced_deadline(engine) == D("2026-03-16")  # Thursday and Friday off: Monday
    _sql(engine, "DELETE FROM calendar_days")
    stamps.append(_stamp(engine))
    assert _priced_deadline(engine) == D("2026-03-12")
    assert len(set(stamps)) == len(stamps)


def test_the_calendar_kept_is_the_one_of_the_stamp_read(world):
    engine = world
    _priced_deadline(engine)
    # the stamp's row gone (by hand): the step reads the calendar itself, as before 0025
    _sql(engine, "DELETE FROM calendar_stamp")
    admin.add_day(engine, "admin", "2026-03-12", "Nghỉ bù", "holiday")
    assert _priced_deadline(engine) == D("2026-03-13")


def test_the_step_refusals_are_the_separate_reads(world):
    engine = world
    aid = walk(engine, "seized")
    version = asset_row(engine, aid)["version"]
    cases = [(None, aid, InvalidInput, "no_actor"), ("nobody", aid, NotFound, "user_not_found"),
             ("cv_an", aid + 1000, NotFound, "asset_not_found"),
             ("nobody", aid + 1000, NotFound, "user_not_found"),
             ("nobody", "12x", NotFound, "user_not_found"),  # the user is refused first, as before
             ("cv_an", "12x", UsageError, "bad_id"), ("cv_an", 10 ** 30, NotFound, "asset_not_found")]
    identity.deactivate(engine, "admin", "cv_ba")
    cases.append(("cv_ba", aid, NotFound, "user_not_found"))
    for actor, asset_id, cls, key in cases:
        with pytest.raises(cls) as got:
            eng.fire(engine, asset_id, "agree_price", actor, on="2026-03-02", fields={"price": str(PRICE)})
        assert type(got.value) is cls and got.value.key == key, (actor, asset_id)
    assert asset_row(engine, aid)["version"] == version  # nothing written

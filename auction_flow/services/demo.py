"""The demo: a whole province on an empty database, a reporting year of assets pushed through
the real engine under a simulated clock, then what a supervisor would look at first."""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

from .. import db, demo_data
from ..calendar import WorkCalendar
from ..config import db_url, default_db_path, simulated_now
from ..errors import InvalidInput
from . import admin, assets


def _fresh_url(explicit: str | None) -> str:
    if explicit:
        return db_url(explicit)
    path = default_db_path().with_name("demo.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _require_empty(url: str):
    from sqlalchemy import func, select

    from ..schema import users

    engine = db.get_engine(url)
    if db.current_revision(engine) is not None:
        with engine.connect() as conn:
            if conn.execute(select(func.count()).select_from(users)).scalar():
                raise InvalidInput("not_empty")


def build(url: str, seed: int = 2020, year: int = 2020) -> dict:
    """Create the province and play the year; return what was built."""
    rng = random.Random(seed)
    plan = demo_data.build(year, rng, WorkCalendar())
    with simulated_now(plan.start - dt.timedelta(days=1)):
        admin.init(url, "admin", "Quản trị hệ thống")
        eng = db.open_db(url)
        admin.add_office(eng, "admin", *demo_data.PROVINCE)
        for code, name in demo_data.BRANCHES:
            admin.add_office(eng, "admin", code, name, demo_data.PROVINCE[0])
        for username, role, office, name in plan.users:
            admin.add_user(eng, "admin", username, role, office, name, email=f"{username}@thads.demo")
    steps = 0
    for p in plan.plans:
        with simulated_now(p.seized_on):
            asset_id = assets.seize(eng, p.officer, p.case, p.office, p.kind, p.description, on=p.seized_on)
        for trig, on, sets, actor, reason, lag in p.steps:
            with simulated_now(on + dt.timedelta(days=lag)):
                assets.advance(eng, asset_id, trig, actor, on, sets, reason)
            steps += 1
    return {"url": url, "engine": eng, "assets": len(plan.plans), "steps": steps, "as_of": plan.end,
            "start": plan.start}


def run(explicit_url: str | None = None, seed: int = 2020, lang: str = "en", year: int = 2020) -> str:
    started = time.perf_counter()
    url = _fresh_url(explicit_url)
    _require_empty(url)
    built = build(url, seed, year)
    eng, as_of = built["engine"], built["as_of"]
    vi = lang == "vi"
    lines = [(f"Tỉnh demo: {built['assets']} tài sản, {built['steps']} bước qua engine, "
              f"năm báo cáo {built['start']}..{as_of}") if vi else
             (f"Demo province: {built['assets']} assets, {built['steps']} steps through the engine, "
              f"reporting year {built['start']}..{as_of}")]
    from ..render import table
    with simulated_now(as_of):
        rows = [r for r in assets.list_assets(eng, "ld_tinh", overdue=True, lang=lang)]
    lines += ["", ("Tài sản quá hạn tại " if vi else "Assets past their deadline on ") + str(as_of) + ":",
              table(rows[:15], [("id", "ID"), ("office", "OFFICE"), ("officer", "OFFICER"), ("state", "STATE"),
                                ("deadline", "DEADLINE"), ("deadline_basis", "BASIS")]) or "-"]
    lines += ["", ("Cơ sở dữ liệu demo: " if vi else "Demo database: ") + url,
              ("Xem tiếp: " if vi else "Explore: ") + f"auction-flow --db {url} --as ld_tinh asset list --overdue",
              f"({time.perf_counter() - started:.1f} s)"]
    return "\n".join(lines)

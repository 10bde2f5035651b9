"""The web desk under load: the officer's desk page and ``GET /api/assets/{id}`` under 20 concurrent
clients on 127.0.0.1, against a bare Starlette endpoint running the same indexed SELECT.

    .venv/bin/python bench/bench_web.py
    .venv/bin/python bench/bench_web.py --officers 4 --assets 60 --requests 2000 --seconds 30
    .venv/bin/python bench/bench_web.py --db postgresql://postgres@127.0.0.1/bench_web   # an EMPTY database

A province (a Cục and 8 branches, --officers officers each, --assets live assets per officer, three
audit rows each) is bulk-inserted; then two real uvicorn processes (one worker each) serve it: the
desk itself (``auction-flow serve``) and a bare Starlette app whose two endpoints run the SELECT
the desk's services run for that page (an officer's assets of the office, nearest deadline first;
one asset by id) and return its rows as JSON, with no session, no scope, no template. Every
client signs in once before the clock starts (a session cookie for the pages, a bearer token for
the API); each measurement is bounded by --requests and --seconds, run in 3 rounds that alternate
with the bare endpoint's. Printed: requests per second of the desk against the bare endpoint
(goal: a ratio of at least 0.3; the median of the rounds' ratios) and the p95 latencies.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from common import emit, result  # noqa: E402

PASSWORD = "bench-Password-2026"
BRANCHES = 8
ROUNDS = 3


def build(url: str, officers: int, per_officer: int, seed: int = 7) -> dict:
    """The province and its assets, bulk-inserted; returns {officer: [asset ids]}."""
    from sqlalchemy import insert

    from auction_flow.features.admin import service as admin
    from auction_flow.features.identity import service as identity
    from auction_flow.storage import db
    from auction_flow.storage.schema import assets, audit_log, offices, users

    hashed = identity.hash_password(PASSWORD)
    admin.init(url, "admin", password_hash=hashed)
    engine = db.open_db(url)
    now = dt.datetime.now(dt.timezone.utc)
    today = dt.date.today()
    rnd = random.Random(seed)
    names = {b: [f"cv_{b}_{k}" for k in range(officers)] for b in range(1, BRANCHES + 1)}
    with db.writing(engine) as conn:
        conn.execute(insert(offices), [{"id": 1000 + i, "code": "HG" if i == 0 else f"HG-{i:02d}",
                                        "name": f"Chi cục THADS số {i}", "parent_id": None if i == 0 else 1000,
                                        "created_at": now} for i in range(BRANCHES + 1)])
        conn.execute(insert(users), [{"id": 1000 + b * 100 + k, "username": names[b][k], "name": f"Cán bộ {b}.{k}",
                                      "role": "officer", "office_id": 1000 + b, "active": True, "created_at": now,
                                      "password_hash": hashed}
                                     for b in names for k in range(officers)])
    with engine.connect() as conn:  # after the administrator's own row
        log_seq = conn.exec_driver_sql("SELECT COALESCE(MAX(log_seq), 0) FROM audit_log").scalar()
    asset_rows, log_rows, mine = [], [], {}
    asset_id = 0
    for b in names:
        for k, officer in enumerate(names[b]):
            for _ in range(per_officer):
                asset_id += 1
                seized = today - dt.timedelta(days=rnd.randrange(5, 200))
                entered = seized + dt.timedelta(days=rnd.randrange(1, 5))
                deadline = entered + dt.timedelta(days=rnd.randrange(5, 60))
                mine.setdefault(officer, []).append(asset_id)
                asset_rows.append(dict(
                    id=asset_id, case_number=f"{asset_id}/2026/QĐ-CCTHADS", description=f"Tài sản số {asset_id}",
                    kind="movable", office_id=1000 + b, officer_id=1000 + b * 100 + k, workflow="asset_auction",
                    workflow_version=1, state="priced", state_entered_on=entered, last_event_on=entered,
                    deadline=deadline, deadline_basis="Luật THADS Điều 101 khoản 2 / Art. 101(2)",
                    deadline_regime="law2014", clock_extended=False, appraised_price=500_000_000,
                    price=500_000_000, reduction_count=0, reappraisal_count=0, cancellation_count=0,
                    suspended_days=0, version=2, last_hash="1" * 64, created_at=now))
                for seq, (trigger, before, after, day) in enumerate(
                        [("seize", None, "seized", seized), ("agree_price", "seized", "priced", entered)], 1):
                    log_seq += 1
                    log_rows.append(dict(
                        asset_id=asset_id, seq=seq, event="asset_created" if seq == 1 else "transition",
                        trigger=trigger, from_state=before, to_state=after, actor=officer, role="officer",
                        office=f"HG-{b:02d}", business_date=day, recorded_at=now, reason=None,
                        changes=json.dumps({"state": [before, after]}), imported=False, prev_hash="0" * 64,
                        hash="1" * 64, actor_office=f"HG-{b:02d}", log_seq=log_seq, log_prev_hash="0" * 64,
                        log_hash="1" * 64))
    with db.writing(engine) as conn:
        for i in range(0, len(asset_rows), 5000):
            conn.execute(insert(assets), asset_rows[i:i + 5000])
        for i in range(0, len(log_rows), 5000):
            conn.execute(insert(audit_log), log_rows[i:i + 5000])
        if not db.is_sqlite(engine):
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('assets', 'id'), %s)", (asset_id,))
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return mine


# --- the bare baseline: the same SELECT, no session, no scope, no template ----------------------

def bare_app(url: str):
    from sqlalchemy import select
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from auction_flow.common.render import to_json
    from auction_flow.storage import db
    from auction_flow.storage.schema import assets, offices, users

    engine = db.open_db(url)
    joined = (select(assets, offices.c.code.label("office_code"), users.c.username.label("officer_username"))
              .join(offices, offices.c.id == assets.c.office_id).outerjoin(users, users.c.id == assets.c.officer_id))

    def desk(request):
        officer = request.query_params["officer"]
        office = int(request.query_params["office"])
        q = (joined.where(assets.c.office_id.in_([office]), users.c.username == officer)
             .order_by(assets.c.deadline.is_(None), assets.c.deadline, assets.c.id))
        with db.reading(engine) as conn:
            rows = [dict(r) for r in conn.execute(q).mappings()]
        return Response(to_json(rows), media_type="application/json")

    def one(request):
        with db.reading(engine) as conn:
            row = conn.execute(joined.where(assets.c.id == int(request.path_params["id"]))).mappings().first()
        return Response(to_json(dict(row)), media_type="application/json")

    return Starlette(routes=[Route("/desk", desk), Route("/asset/{id:int}", one)])


def serve_bare(url: str, port: int) -> None:
    import uvicorn

    uvicorn.run(bare_app(url), host="127.0.0.1", port=port, log_level="warning")


# --- the load -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], base: str, env: dict) -> subprocess.Popen:
    import httpx

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/", timeout=1)
            return proc
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read()) from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{cmd} did not start")


async def load(clients: list, paths: list[list[str]], requests: int, seconds: float) -> tuple[float, list[float]]:
    """Each client asks its own paths in turn until ``requests`` in all or ``seconds`` have passed."""
    latencies: list[float] = []
    left = [requests]
    stop = time.perf_counter() + seconds

    async def worker(client, mine):
        i = 0
        while left[0] > 0 and time.perf_counter() < stop:
            left[0] -= 1
            t0 = time.perf_counter()
            r = await client.get(mine[i % len(mine)])
            latencies.append(time.perf_counter() - t0)
            if r.status_code != 200:
                raise RuntimeError(f"{mine[i % len(mine)]}: HTTP {r.status_code} {r.text[:200]}")
            i += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker(c, p) for c, p in zip(clients, paths)))
    return len(latencies) / (time.perf_counter() - began), latencies


def p95(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


async def measure(args, ours: str, bare: str, mine: dict) -> list[dict]:
    import httpx

    officers = sorted(mine)
    chosen = [officers[i % len(officers)] for i in range(args.clients)]
    office_of = {o: 1000 + int(o.split("_")[1]) for o in officers}
    # one connection per client, dropped by the client when idle before uvicorn drops it (5 s)
    limits = httpx.Limits(max_connections=1, keepalive_expiry=2)
    out = []
    # the desk: a session cookie per client, signed in through the form with its CSRF token
    pages = []
    for officer in chosen:
        c = httpx.AsyncClient(base_url=ours, limits=limits, timeout=60, follow_redirects=True)
        form = await c.get("/login")
        csrf = form.text.split('name="csrftoken" value="', 1)[1].split('"', 1)[0]
        r = await c.post("/login", data={"username": officer, "password": PASSWORD, "csrftoken": csrf})
        if r.status_code != 200 or "/desk" not in str(r.url):
            raise RuntimeError(f"sign-in of {officer} failed: {r.status_code}")
        pages.append(c)
    bares = [httpx.AsyncClient(base_url=bare, limits=limits, timeout=60) for _ in chosen]
    desk_paths = [["/desk"] for _ in chosen]
    bare_desk = [[f"/desk?officer={o}&office={office_of[o]}"] for o in chosen]
    # GET /api/assets/{id}: a bearer token per client, each asking for its officer's assets
    apis = []
    for officer in chosen:
        c = httpx.AsyncClient(base_url=ours, limits=limits, timeout=60)
        r = await c.post("/api/token", data={"username": officer, "password": PASSWORD})
        c.headers["Authorization"] = f"Bearer {r.json()['token']}"
        apis.append(c)
    api_paths = [[f"/api/assets/{a}" for a in mine[o]] for o in chosen]
    bare_one = [[f"/asset/{a}" for a in mine[o]] for o in chosen]

    for name, mine_clients, mine_paths, base_clients, base_paths in [
            ("officer's desk page", pages, desk_paths, bares, bare_desk),
            ("GET /api/assets/{id}", apis, api_paths, bares, bare_one)]:
        for clients, paths in ((mine_clients, mine_paths), (base_clients, base_paths)):  # warm both up
            await load(clients, paths, 2 * args.clients, 10)
        # rounds of the bare endpoint and of the desk in turn: a neighbour's load on this shared
        # machine falls on both sides of a ratio, which is the median of the rounds' ratios
        ratios, lat, base_lat, took, base_took = [], [], [], 0.0, 0.0
        for _ in range(ROUNDS):
            base_rps, some = await load(base_clients, base_paths, args.requests // ROUNDS, args.seconds / ROUNDS)
            base_lat += some
            base_took += len(some) / base_rps
            rps, some = await load(mine_clients, mine_paths, args.requests // ROUNDS, args.seconds / ROUNDS)
            lat += some
            took += len(some) / rps
            ratios.append(rps / base_rps)
        ratios.sort()
        rps, base_rps = len(lat) / took, len(base_lat) / base_took
        out.append(result(f"{name}: throughput, {args.clients} clients", rps, "req/s", baseline=base_rps,
                          ratio=ratios[len(ratios) // 2], goal=">= 0.3",
                          note=f"{len(lat)} requests (bare endpoint: {len(base_lat)}); median of {ROUNDS} "
                               f"rounds' ratios ({', '.join(f'{r:.2f}' for r in ratios)})"))
        out.append(result(f"{name}: p95 latency", p95(lat), "ms", baseline=p95(base_lat),
                          ratio=p95(lat) / p95(base_lat), note="over the same rounds"))
    for c in pages + bares + apis:
        await c.aclose()
    return out


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--bare":
        serve_bare(sys.argv[2], int(sys.argv[3]))
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--officers", type=int, default=4, help="officers per branch (8 branches; default 4)")
    p.add_argument("--assets", type=int, default=60, help="live assets per officer (default 60)")
    p.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    p.add_argument("--requests", type=int, default=1500, help="requests per measurement at most (default 1500)")
    p.add_argument("--seconds", type=float, default=30, help="seconds per measurement at most (default 30)")
    p.add_argument("--db", help="an EMPTY database URL (default: a new SQLite file, removed afterwards)")
    p.add_argument("--json", action="store_true", help="end with a RESULTS line (bench/run_all.py)")
    args = p.parse_args()

    from auction_flow.common.config import db_url

    with tempfile.TemporaryDirectory() as tmp:
        url = db_url(args.db or str(Path(tmp) / "web.db"))
        t0 = time.perf_counter()
        mine = build(url, args.officers, args.assets)
        print(f"built {sum(map(len, mine.values()))} assets for {len(mine)} officers in "
              f"{time.perf_counter() - t0:.1f}s ({url.split(':', 1)[0]})")
        env = {**os.environ, "AUCTION_FLOW_WEB_LOG": "warning"}
        ours_port, bare_port = free_port(), free_port()
        ours = start([sys.executable, "-c", "import sys; from cli import main; sys.exit(main())", "--db", url,
                      "serve", "--port", str(ours_port)], f"http://127.0.0.1:{ours_port}", env)
        bare = start([sys.executable, __file__, "--bare", url, str(bare_port)], f"http://127.0.0.1:{bare_port}", env)
        try:
            results = asyncio.run(measure(args, f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{bare_port}",
                                          mine))
        finally:
            for proc in (ours, bare):
                proc.terminate()
                proc.wait(timeout=10)
    emit(results)


if __name__ == "__main__":
    main()

"""Writing assets already in progress in bulk (the import): the engine's states, deadlines and
chained audit rows for many assets at once, all or nothing."""

from __future__ import annotations

import contextlib
import gc
import json
import operator

from sqlalchemy import func, select

from auction_flow.common.config import now_utc
from auction_flow.common.context import current_via
from auction_flow.core import audit, deadlines, effects, obligations, roots
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.calendar import WorkCalendar
from auction_flow.core.step import Step
from auction_flow.core.workflow import Workflow
from auction_flow.core.workflow.obligations_section import for_workflow
from auction_flow.storage import driver
from auction_flow.storage.db import reading, writing
from auction_flow.storage.schema import asset_obligations, assets, audit_log


@contextlib.contextmanager
def paused_gc():
    """Python's cyclic garbage collector paused, and given back as it was even on failure: an
    import builds hundreds of thousands of small dicts and tuples, none of them in a cycle, and
    collecting through them as they are made cost 10-50% of the import. (Process-wide: the
    command line runs one import at a time.)"""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def import_assets(engine, records: list[dict], actor: dict, wf: Workflow | None = None) -> list[int]:
    """Write assets already in progress, checked by :mod:`auction_flow.features.imports.check`, all or nothing.

    Each record's ``steps`` (trigger, target state, business date, column values) are replayed
    as ``fire`` would leave them: state, state_entered_on and the deadline of each state from
    ``deadlines.compute``; one audit row per step, marked imported and hash-chained (seq 1..n,
    the first one ``asset_imported``); the side clocks each step opens and closes (the workflow's
    ``obligations:``: a sale's or a failed auction's deposits to refund, a paid sale cancelled) as
    ``fire`` opens and closes them, in the step's audit row and in ``asset_obligations``; a side
    step (``side``: the deposits refunded, the buyer refunded) leaves the asset's state and its
    clock as they were, as the engine's ``to: $same`` does. The rows are built before the write transaction, so the
    write lock is held only to link them into the whole-log chain and insert them (one
    executemany per table, through :func:`auction_flow.driver.insert_many`). Returns the new ids.

    Building the rows is the bulk of an import's time (four audit rows per asset on average),
    so the loop does per step only what differs per step: the deadline of each (state, day,
    kind) is computed once, the audit row is a dict literal hashed by :func:`audit.row_hash_sorted`,
    the timestamp's text is made once, and the cyclic garbage collector is paused while the
    hundreds of thousands of rows, none of them part of a cycle, are made.
    """
    if not records:
        return []
    cache_kib = -131072  # SQLite's page cache for the batch: 128 MiB
    wf = wf or workflow_mod.get()
    sqlite = engine.dialect.name == "sqlite"
    now = now_utc()
    now_text = json.loads(audit.canonical(now))  # the timestamp as the hash reads it, made once
    username, role = actor["username"], actor["role"]
    via = current_via()  # the session or token of the import, on every row it writes
    blank = dict.fromkeys(assets.c.keys())
    blank.update(workflow=wf.name, workflow_version=wf.version, clock_extended=False, reduction_count=0,
                 reappraisal_count=0, cancellation_count=0, suspended_days=0, created_at=now)
    memo: dict = {}  # (state, day, kind) -> (deadline, basis, regime)

    def next_ids(conn) -> list[int]:
        if sqlite:  # rowids follow the largest; checked again under the write lock
            start = conn.execute(select(func.coalesce(func.max(assets.c.id), 0))).scalar()
            return list(range(start + 1, start + 1 + len(records)))
        return [r[0] for r in conn.exec_driver_sql(  # sequence values are never handed out twice
            "SELECT nextval(pg_get_serial_sequence('assets', 'id')) FROM generate_series(1, %(n)s)",
            {"n": len(records)})]

    def deadline(to, on, kind, cal):
        dl = None if wf.states[to].stops_clock else deadlines.compute(wf, to, on, kind, cal)
        memo[to, on, kind] = found = (dl.due, dl.basis, dl.regime) if dl else (None, None, None)
        return found

    hashed = operator.itemgetter(*sorted(audit.HASHED))  # a row's values as audit.row_hash_sorted takes them

    rules = for_workflow(wf)

    def duties(trigger, asset, actor, on, fields, cal, opened: list[dict]):
        """The obligations the step opens and closes, as the engine's ``obligations.plan``: its audit
        row's changes; ``opened`` (the asset's rows, kept open here) updated."""
        if rules.closed_by(trigger) is None and not rules.opened_by(trigger, asset["state"]):
            return {}
        planned = obligations.plan(Step(wf, wf.triggers[trigger], asset, actor, on, fields, cal, []),
                                   [o for o in opened if o["closed_seq"] is None])
        for c in planned.closed:  # the nearest due of its kind, as plan chose it
            row = next(o for o in opened if o["opened_seq"] == c["opened_seq"] and o["name"] == c["name"])
            row.update(closed_seq=asset["version"] + 1, done_on=c["done_on"])
        opened.extend({"asset_id": asset["id"], "opened_seq": asset["version"] + 1, **o, "closed_seq": None,
                       "done_on": None} for o in planned.opened)
        return planned.changes()

    def build(ids, cal):
        asset_rows, audit_rows, duty_rows = [], [], []
        changes_json, row_hash, genesis = audit.changes_json, audit.row_hash_sorted, audit.GENESIS
        for asset_id, rec in zip(ids, records):
            kind, office = rec["kind"], rec["office_code"]
            asset = blank.copy()
            asset.update(id=asset_id, case_number=rec["case_number"], description=rec["description"], kind=kind,
                         office_id=rec["office_id"], officer_id=rec["officer_id"])
            prev = genesis
            opened: list[dict] = []
            for seq, step in enumerate(rec["steps"], 1):
                on, to = step["on"], step["to"]
                asset["version"] = seq - 1
                if step.get("side"):  # the state and its clock carry on, as a `to: $same` step leaves them
                    updates = dict(step["set"], last_event_on=on)
                else:
                    due, basis, regime = memo.get((to, on, kind)) or deadline(to, on, kind, cal)
                    updates = dict(step["set"], state=to, state_entered_on=on, last_event_on=on,
                                   deadline=due, deadline_basis=basis, deadline_regime=regime)
                if step.get("effects"):  # a suspension: the trigger's own effects stop the clock, as fire's do
                    trig = wf.triggers[step["trigger"]]
                    done = Step(wf, trig, asset, actor, on, step.get("fields", {}), cal, [])
                    for name in trig.effects:
                        effects.EFFECTS[name](done)
                    updates = {**done.updates, **updates}
                if seq == 1:
                    changes = {k: (None, updates.get(k, asset[k])) for k in
                               ("case_number", "description", "kind", "state", "deadline")}
                    changes.update(office=(None, office), officer=(None, rec["officer"]))
                    if counts := rec.get("counts"):  # earlier rounds' reductions, the re-appraisal
                        updates.update(counts)
                        changes.update({k: (None, v) for k, v in counts.items()})
                else:  # dates go in as dates: changes_json writes them as its encoder does
                    changes = {k: (asset.get(k), v) for k, v in updates.items() if asset.get(k) != v}
                    if fields := step.get("fields"):
                        changes.update({k: (None, v) for k, v in fields.items()})
                    changes.update(duties(step["trigger"], asset, actor, on, step.get("fields") or {}, cal, opened))
                # audit.make_row's row (HASHED columns, prev_hash, hash), the timestamp hashed as its text
                row = {"asset_id": asset_id, "seq": seq, "event": "asset_imported" if seq == 1 else "transition",
                       "trigger": step["trigger"], "from_state": asset["state"], "to_state": to,
                       "actor": username, "role": role, "office": office, "business_date": on,
                       "recorded_at": now_text, "reason": step.get("reason"), "changes": changes_json(changes),
                       "imported": True, "prev_hash": prev, "via": via, "officer_id": rec["officer_id"]}
                prev = row["hash"] = row_hash(prev, hashed(row), via=via)
                row["recorded_at"] = now
                asset.update(updates)
                audit_rows.append(row)
            asset.update(version=len(rec["steps"]), last_hash=prev)
            asset_rows.append(asset)
            duty_rows.extend(opened)
        return asset_rows, audit_rows, duty_rows

    with paused_gc():  # nothing built here is cyclic (see importer.paused_gc)
        with reading(engine) as conn:
            cal = WorkCalendar.from_db(conn)
            ids = next_ids(conn)
        asset_rows, audit_rows, duty_rows = build(ids, cal)
        with writing(engine) as conn:
            chains = sorted({audit.chain_of(row) for row in audit_rows})
            heads = {chain: audit.claim_head(conn, chain) for chain in chains}  # first: the chains' locks
            if (sqlite and next_ids(conn)[0] != ids[0]) or now_utc() - now > roots.SLACK:
                # someone seized an asset meanwhile (renumber), or the rows were stamped long before
                # the locks were taken (a root may have been taken since: stamp them again)
                now = now_utc()
                now_text = json.loads(audit.canonical(now))
                ids = next_ids(conn) if sqlite else ids
                asset_rows, audit_rows, duty_rows = build(ids, cal)
            office = actor.get("office_code")
            link = audit.link
            for row in audit_rows:
                chain = row["chain"] = audit.chain_of(row)
                log_seq, log_prev = heads[chain]
                log_seq += 1
                row["actor_office"], row["log_seq"], row["log_prev_hash"] = office, log_seq, log_prev
                row["log_hash"] = link(chain, log_prev, log_seq, row["hash"], office)
                heads[chain] = (log_seq, row["log_hash"])
            if sqlite:  # room for the indexes of a big batch (the page cache is per connection: restored below)
                cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
                conn.exec_driver_sql(f"PRAGMA cache_size={cache_kib}")
            try:
                driver.insert_many(conn, assets, asset_rows)
                driver.insert_many(conn, audit_log, audit_rows)
                driver.insert_many(conn, asset_obligations, duty_rows)
            finally:
                if sqlite:
                    conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
            for chain, (log_seq, log_prev) in heads.items():
                audit.move_head(conn, chain, log_seq, log_prev)
    return ids

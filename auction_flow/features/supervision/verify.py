"""``audit verify``: check every chain of the audit log and the roots that join them, streaming.

Three passes, each a keyset-paginated scan that holds one page of rows at a time:

1. the chains of the log, the roots' heads and ``audit_heads`` (:func:`chains.check_log`);
2. the roots, root to root (:func:`chains.check_roots`), with the anchors given;
3. each asset's chain in ``(asset_id, seq)`` order (the unique index): ``prev_hash`` against
   the asset's previous row, the first against GENESIS, the last against ``assets.last_hash``
   (merged with a scan of ``assets`` in id order).

The first row that does not match is named, with what happened to it (changed, deleted,
inserted or reordered). docs/integrity.md says what each check guarantees and what it cannot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auction_flow.common.errors import InvalidInput
from auction_flow.common.words import message
from auction_flow.core import audit
from auction_flow.features.supervision import chains
from auction_flow.features.supervision import integrity
from auction_flow.features.supervision.chains import AuditTampered
from auction_flow.storage import driver

__all__ = ["AuditTampered", "Report", "parse_anchor", "scope_lines", "verify"]


@dataclass
class Report:
    rows: int = 0
    assets: int = 0
    chains: int = 0
    roots: int = 0
    root: tuple[int, str] | None = None  # the last root: the anchor to record outside
    anchors: int = 0  # anchors given and found in place
    problems: list[AuditTampered] = field(default_factory=list)
    scope: list[dict] | None = None  # an office's verify: each chosen chain against the last root
    outside: dict | None = None  # ... and what it did not check

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def head(self) -> int:
        return self.root[0] if self.root else 0

    def as_dict(self) -> dict:
        return {"ok": self.ok, "rows": self.rows, "assets": self.assets, "chains": self.chains, "roots": self.roots,
                "anchor": f"{self.root[0]}:{self.root[1]}" if self.ok and self.root else None,
                "anchors_checked": self.anchors,
                **({"scope": self.scope, "not_checked": self.outside} if self.scope is not None else {}),
                "problems": [{"key": p.key, **{k: v for k, v in p.params.items()}, "message": str(p)}
                             for p in self.problems]}


def parse_anchor(text: str) -> tuple[int, str]:
    """``POSITION:HASH`` as ``verify`` prints it (the hash may be shortened to 16 hex digits)."""
    pos, sep, link = str(text).strip().partition(":")
    link = link.strip().lower()
    if not (sep and pos.strip().isascii() and pos.strip().isdigit() and int(pos) > 0 and 16 <= len(link) <= 64
            and all(c in "0123456789abcdef" for c in link)):
        raise InvalidInput("bad_anchor", value=text)
    return int(pos), link


def _asset_rows_q(dialect, first: bool, one: bool = False):
    where = "" if first else "AND (l.asset_id, l.seq) > (:asset, :seq) "
    if one:  # the assets of one office (:one), through (office_id, ...) and (asset_id, seq)
        return driver.Statement(dialect, "SELECT l.id, l.asset_id, l.seq, l.prev_hash, l.hash FROM assets a "
                                         f"JOIN audit_log l ON l.asset_id = a.id WHERE a.office_id = :one {where}"
                                         "ORDER BY l.asset_id, l.seq LIMIT :limit")
    return driver.Statement(dialect, "SELECT l.id, l.asset_id, l.seq, l.prev_hash, l.hash FROM audit_log l "
                                     f"WHERE l.asset_id IS NOT NULL {where}ORDER BY l.asset_id, l.seq LIMIT :limit")


def _assets_q(dialect, first: bool, one: bool = False):
    where = " AND ".join((["office_id = :one"] if one else []) + ([] if first else ["id > :asset"]))
    return driver.Statement(dialect, f"SELECT id, last_hash FROM assets {'WHERE ' + where if where else ''} "
                                     "ORDER BY id LIMIT :limit")


def _strangers_q(dialect):
    return driver.Statement(dialect, "SELECT l.id, l.asset_id, a.office_id FROM audit_log l LEFT JOIN assets a "
                                     "ON a.id = l.asset_id WHERE l.chain = :chain AND l.asset_id IS NOT NULL "
                                     "AND (a.id IS NULL OR a.office_id <> :office) ORDER BY l.log_seq LIMIT 1")


def _strangers(conn, offices: dict[int, str]) -> AuditTampered | None:
    """An office's verify replays the assets of the office: a row of its chain about an asset that
    is gone, or that is now of another office (an asset's rows go in its office's chain, and its
    office never changes), would escape it."""
    cur = driver.cursor(conn)
    stmt = driver.statement(conn, "verify_strangers", _strangers_q)
    for oid, code in sorted(offices.items(), key=lambda o: o[1]):
        row = driver.execute(cur, stmt, {"chain": audit.OFFICE + code, "office": oid}).fetchone()
        if row is not None and row[2] is None:
            return AuditTampered("audit_orphan", id=row[0], asset=row[1])
        if row is not None:
            return AuditTampered("audit_foreign_asset", id=row[0], asset=row[1], chain=audit.OFFICE + code)
    return None


def _asset_chains(conn, report: Report, offices: dict[int, str] | None = None) -> AuditTampered | None:
    if offices is None:
        rows = chains.stream(conn, "verify_asset_rows", _asset_rows_q, lambda r: {"asset": r[1], "seq": r[2]})
        heads = chains.stream(conn, "verify_assets", _assets_q, lambda r: {"asset": r[0]})
    else:  # office by office: each office's assets and their rows, both in id order (merged as below)
        def each(key, build, key_of):
            for oid in sorted(offices):
                yield from chains.stream(conn, key, build, key_of, {"one": oid})
        rows = each("verify_asset_rows", _asset_rows_q, lambda r: {"asset": r[1], "seq": r[2]})
        heads = each("verify_assets", _assets_q, lambda r: {"asset": r[0]})
    current = next(heads, None)
    row = next(rows, None)
    genesis = audit.GENESIS
    while current is not None or row is not None:
        if row is not None and (current is None or row[1] < current[0]):
            return AuditTampered("audit_orphan", id=row[0], asset=row[1])
        report.assets += 1
        asset_id, last_hash = current
        prev, last_id, after_head = genesis, None, None
        at_head = last_hash == genesis
        while row is not None and row[1] == asset_id:
            if row[3] != prev:
                what = "first row" if last_id is None else f"previous row {last_id}"
                return AuditTampered("audit_asset_break", asset=asset_id, id=row[0], seq=row[2], what=what)
            if at_head and after_head is None:
                after_head = row[0]  # a row after the one the asset points to
            prev, last_id = row[4], row[0]
            at_head = at_head or prev == last_hash
            row = next(rows, None)
        if last_hash != prev:
            if after_head is not None:
                return AuditTampered("audit_asset_extra", asset=asset_id, id=after_head)
            if last_id is None:
                return AuditTampered("audit_asset_missing", asset=asset_id)
            return AuditTampered("audit_asset_tail", asset=asset_id, id=last_id)
        current = next(heads, None)
    return None


def verify(engine, anchors: dict[int, str] | None = None, offices: dict[int, str] | None = None) -> Report:
    """Check every chain; the report lists the first problem of each pass (none: intact).

    ``anchors``: {root number: root hash (or its first 16+ hex digits)} recorded outside the
    database by an earlier verify or a digest. Someone who can write to the database can rewrite
    every row, head and root consistently; they cannot change what was written down elsewhere.

    ``offices``: {id: code} to check only those offices' chains (:mod:`scope` says what that
    proves): their rows against every root's head of them, the roots whole, the offices' assets
    (their chains and their records replayed); not the other chains, nor the registers."""
    report = Report()
    chosen = None if offices is None else [audit.OFFICE + code for code in offices.values()]
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # one snapshot for every page of every pass, whatever is written meanwhile
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():  # on SQLite (WAL) a read transaction is one snapshot already
            checks = (lambda c, r: chains.check_log(c, r, chosen), lambda c, r: chains.check_roots(c, r, anchors or {}),
                      lambda c, r: _asset_chains(c, r, offices))
            if offices is not None:
                checks += (lambda c, r: _strangers(c, offices),)
            for check in checks:
                problem = check(conn, report)
                if problem is not None:
                    report.problems.append(problem)
            # the tables against their chains (an office's verify: its assets only, not the registers)
            report.problems.extend(integrity.check(conn, offices))
            if offices is not None:
                report.scope, report.outside = _against_root(conn, offices)
    return report


def _against_root(conn, offices: dict[int, str]) -> tuple[list[dict], dict]:
    """Each chosen chain's head beside the last root's head of it (pass 1 proved the rows up to
    both), and what the verify left out: the other chains (their rows counted by their heads)."""
    cur = driver.cursor(conn)
    heads = {c: (s, h) for c, s, h in driver.execute(cur, driver.statement(conn, "verify_heads", lambda d: (
        driver.Statement(d, "SELECT chain, log_seq, log_hash FROM audit_heads"))), {}).fetchall()}
    last = driver.execute(cur, driver.statement(conn, "verify_last_root", lambda d: driver.Statement(
        d, "SELECT max(seq) FROM audit_roots")), {}).fetchone()[0]
    named = {c: (s, h) for c, s, h in driver.execute(cur, driver.statement(conn, "verify_root_of", lambda d: (
        driver.Statement(d, "SELECT chain, log_seq, log_hash FROM audit_root_heads WHERE root_seq = :root"))),
        {"root": last or 0}).fetchall()}
    scope = []
    for code in sorted(offices.values()):
        chain = audit.OFFICE + code
        pos, link = heads.get(chain, (0, None))
        at_root = named.get(chain)
        scope.append({"office": code, "chain": chain, "head": pos, "root": last,
                      "root_pos": at_root[0] if at_root else None,
                      "same": at_root is not None and at_root == (pos, link),
                      "since_root": pos - (at_root[0] if at_root else 0)})
    others = {c: s for c, (s, _h) in heads.items() if c not in {e["chain"] for e in scope}}
    return scope, {"chains": len(others), "rows": sum(others.values()),
                   "registers": ["users", "offices", "calendar_days", "access_log", "complaints", "procuracy_sends",
                                 "procuracy_items", "alerts"]}


def scope_lines(res: dict, lang: str = "en") -> list[str]:
    """What a person reads of an office's or a province's verify: each chain against the last
    root, then what was and was not checked."""
    w = lambda key, **params: message(f"sup.{key}", lang, **params)  # noqa: E731
    lines = []
    for c in res["scope"]:
        if c["root_pos"] is None:
            lines.append(w("scope_unrooted", chain=c["chain"], head=c["head"]))
            continue
        same = (w("scope_same") if c["same"] else w("scope_since", n=c["since_root"]) if c["since_root"] > 0
                else "")
        lines.append(w("scope_chain", chain=c["chain"], head=c["head"], root=c["root"], root_pos=c["root_pos"],
                       same=same))
    out = res["not_checked"]
    return lines + [w("scope_checked"), w("scope_not_checked", chains=out["chains"], rows=out["rows"],
                                        registers=", ".join(out["registers"]))]

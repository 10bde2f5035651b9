"""``audit verify``: check every chain of the audit log and the roots that join them, streaming.

Three passes, each a keyset-paginated scan that holds one page of rows at a time:

1. the chains of the log, the roots' heads and ``audit_heads`` (:func:`chains.check_log`);
2. the roots, root to root (:func:`chains.check_roots`), with the anchors given;
3. each asset's chain in ``(asset_id, seq)`` order (the unique index): ``prev_hash`` against
   the asset's previous row, the first against GENESIS, the last against ``assets.last_hash``
   (:mod:`asset_chains`, in the same walk of ``assets`` in id order and their rows as the
   records' replay, :mod:`records`: the rows are read once for both).

The first row that does not match is named, with what happened to it (changed, deleted,
inserted or reordered). docs/integrity.md says what each check guarantees and what it cannot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auction_flow.common.errors import InvalidInput
from auction_flow.common.words import message
from auction_flow.core import audit, roots
from auction_flow.features.supervision import asset_chains, chains
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
    about_assets = None if offices is None else {}  # pass 1's count of each chosen chain's rows about an asset
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # one snapshot for every page of every pass, whatever is written meanwhile
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():  # on SQLite (WAL) a read transaction is one snapshot already
            if (problem := chains.check_log(conn, report, chosen, about_assets)) is not None:
                report.problems.append(problem)
                about_assets = None  # pass 1 stopped early: its counts are not the chains'
            if (problem := chains.check_roots(conn, report, anchors or {})) is not None:
                report.problems.append(problem)
            # pass 3 and the tables against their chains, in one walk of the assets and their rows
            # (an office's verify: its assets only, not the registers)
            walk = asset_chains.AssetChains(offices)
            records = integrity.check(conn, offices, walk)
            report.assets = walk.assets
            if walk.problem is not None:
                report.problems.append(walk.problem)
            if offices is not None and (problem := walk.strangers(conn, about_assets)) is not None:
                report.problems.append(problem)
            report.problems.extend(records)
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
    named = roots.state(conn, [audit.OFFICE + code for code in offices.values()])  # their heads in the last root
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

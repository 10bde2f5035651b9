"""The chains of the audit log and the roots that join them, checked streaming.

Two passes, each a keyset-paginated scan straight through the DBAPI cursor (the rows' dates
are read as the text the hashes are made of, not parsed into dates and formatted back):

1. the log in ``(chain, log_seq)`` order (the unique index), merged with the roots' heads in the
   same order and with ``audit_heads``: every row's hash against its content; its link against
   the row before it in its chain, from GENESIS; the chain's last row against its head; every
   root's head of the chain against the row at that position; and no row recorded well before
   a root (:data:`auction_flow.core.roots.SLACK`) after that root's head of its chain (a head a
   root stores stays the chain's head until the chain's next stored head: the last root before
   that one is the latest it was in force);
2. the roots in order with their heads: each root's hash against every chain's head (the heads
   the roots before it left, overridden by the ones it stores: :mod:`auction_flow.core.roots`)
   and the previous root; every chain a root names is in every later root, never further back;
   the sealed legacy chain never moves; anchors recorded outside are roots still in place.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from auction_flow.common.errors import AuctionFlowError
from auction_flow.core import audit, roots
from auction_flow.storage import driver

PAGE = 5000


class AuditTampered(AuctionFlowError):
    """``audit verify`` found a row that does not match its chain."""


_SORTED = sorted(audit.HASHED)
_N = len(_SORTED)
_ID, _PREV, _HASH, _AOFF, _CHAIN, _LSEQ, _LPREV, _LHASH, _VIA = range(_N, _N + 9)
_REC = _SORTED.index("recorded_at")
_ASSET = _SORTED.index("asset_id")
_sha256 = hashlib.sha256
_own_hash = audit.row_hash_read
GENESIS = audit.GENESIS


def _text_cols(dialect) -> dict:
    """How a date and a timestamp column are read as the hash's text, per database."""
    if dialect.name == "postgresql":
        return {"business_date": "to_char(business_date, 'YYYY-MM-DD')",
                "recorded_at": "to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')",
                "taken_at": "to_char(r.taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"}
    # SQLite holds SQLAlchemy's text: 'YYYY-MM-DD HH:MM:SS.ffffff', UTC
    return {"business_date": "business_date", "recorded_at": "replace(recorded_at, ' ', 'T')",
            "taken_at": "replace(r.taken_at, ' ', 'T')"}


def _log_q(dialect, first: bool, one: bool = False):
    """The log in (chain, log_seq) order; ``one``: one chain's rows only (``:one``)."""
    text = _text_cols(dialect)
    cols = [text.get(c, c) for c in _SORTED] + ["id", "prev_hash", "hash", "actor_office", "chain", "log_seq",
                                                 "log_prev_hash", "log_hash", "via"]
    if one:
        where = "WHERE chain = :one " + ("" if first else "AND log_seq > :seq ")
    else:
        where = "" if first else "WHERE (chain, log_seq) > (:chain, :seq) "
    return driver.Statement(dialect, f"SELECT {', '.join(cols)} FROM audit_log {where}"
                                     f"ORDER BY chain, log_seq LIMIT {PAGE}")


def _entries_q(dialect, first: bool, one: bool = False):
    """The roots' heads in (chain, log_seq, root_seq) order, tombstones left out, each with the
    time of the last root it was still the chain's head in: the root before the chain's next
    stored head (the next row in this order, once pass 2 has found that heads only move forward),
    else the last root. The next row is read with the page (one row more, dropped)."""
    if one:
        where = "AND h.chain = :one " + ("" if first else "AND (h.log_seq, h.root_seq) > (:seq, :root) ")
    else:
        where = "" if first else "AND (h.chain, h.log_seq, h.root_seq) > (:chain, :seq, :root) "
    order = "ORDER BY h.chain, h.log_seq, h.root_seq"
    return driver.Statement(dialect, f"SELECT h.chain, h.log_seq, h.log_hash, h.root_seq, "
                                     f"{_text_cols(dialect)['taken_at']} FROM ("
                                     f"SELECT h.*, lead(h.chain) OVER w AS next_chain, lead(h.root_seq) OVER w "
                                     f"AS next_root FROM (SELECT h.chain, h.log_seq, h.log_hash, h.root_seq FROM "
                                     f"audit_root_heads h WHERE h.log_hash <> '' {where}{order} LIMIT {PAGE + 1}) h "
                                     f"WINDOW w AS ({order})) h JOIN audit_roots r ON r.seq = CASE WHEN "
                                     f"h.next_chain = h.chain THEN h.next_root - 1 ELSE (SELECT max(seq) FROM "
                                     f"audit_roots) END {order} LIMIT {PAGE}")


def _roots_q(dialect, first: bool):
    where = "" if first else "WHERE r.seq > :root "
    return driver.Statement(dialect, f"SELECT r.seq, r.prev_hash, r.hash, {_text_cols(dialect)['taken_at']} "
                                     f"FROM audit_roots r {where}ORDER BY r.seq LIMIT {PAGE}")


def _root_heads_q(dialect, first: bool):
    where = "" if first else "WHERE (root_seq, chain) > (:root, :chain) "
    return driver.Statement(dialect, f"SELECT root_seq, chain, log_seq, log_hash FROM audit_root_heads {where}"
                                     f"ORDER BY root_seq, chain LIMIT {PAGE}")


def stream(conn, key: str, build, key_of, fixed: dict | None = None):
    """Rows of the statement ``build(dialect, first)`` one page at a time; ``key_of(last row)`` is
    the next page's parameters; ``fixed``: parameters of every page (the statement is then built
    with ``one=True``: a scope's statements, cached apart).

    The statements say ``LIMIT {PAGE}`` as a literal, not a parameter: psycopg prepares a statement
    run five times, and PostgreSQL's generic plan for an unknown LIMIT expects to stop early, so
    it walked the assets' primary key, the country's assets for each office (about 0.5 s of a
    province's verify at scale 0.01); with the page size known, the plan goes through the office's
    index like a first execution's."""
    cur = driver.cursor(conn)
    params, size = None, PAGE
    if fixed:
        key, build = (key, "one"), (lambda d, first, _b=build: _b(d, first, one=True))
    while True:
        # PAGE is in the key: the text says it (a test that shrinks the pages must not leave its statements behind)
        stmt = driver.statement(conn, (key, params is None, PAGE), lambda d: build(d, params is None))
        page = driver.execute(cur, stmt, {**(fixed or {}), **(params or {})}).fetchall()
        yield from page
        if len(page) < size:
            return
        params = key_of(page[-1])


def _heads(conn) -> dict[str, tuple[int, str]]:
    cur = driver.execute(driver.cursor(conn), driver.statement(
        conn, "verify_heads", lambda d: driver.Statement(d, "SELECT chain, log_seq, log_hash FROM audit_heads")), {})
    return {c: (s, h) for c, s, h in cur.fetchall()}


def _holder(conn, chain: str, pos: int):
    stmt = driver.statement(conn, "verify_holder", lambda d: driver.Statement(
        d, "SELECT id FROM audit_log WHERE chain = :chain AND log_seq = :seq"))
    row = driver.execute(driver.cursor(conn), stmt, {"chain": chain, "seq": pos}).fetchone()
    return row and row[0]


def _recorded_as_read(values) -> list:
    values = list(values)
    values[_REC] = audit.timestamp_text(dt.datetime.fromisoformat(values[_REC]).replace(tzinfo=None))
    return values


def _minus_slack(taken: str) -> str:
    return (dt.datetime.fromisoformat(taken) - roots.SLACK).isoformat(timespec="microseconds")


class _Chains:
    """State of pass 1 while the merged streams advance."""

    def __init__(self, conn, report, chosen: list[str] | None = None):
        self.conn, self.report = conn, report
        self.heads = _heads(conn)
        if chosen is not None:
            self.heads = {c: h for c, h in self.heads.items() if c in chosen}
        report.chains = len(self.heads)
        key_of = lambda e: {"chain": e[0], "seq": e[1], "root": e[3]}  # noqa: E731
        self.entries = (stream(conn, "verify_entries", _entries_q, key_of) if chosen is None else
                        _each(chosen, lambda c: stream(conn, "verify_entries", _entries_q, key_of, {"one": c})))
        self.entry = next(self.entries, None)
        self.seen: set[str] = set()
        self.chain, self.seq, self.link, self.last_id, self.floor, self.floor_next = None, 0, GENESIS, None, None, None
        self.legacy = False

    def next_entry(self):
        self.entry = next(self.entries, None)

    def start(self, chain: str) -> AuditTampered | None:
        if self.chain is not None and (problem := self.finish(self.chain, self.seq, self.link, self.last_id)):
            return problem
        if problem := self.before(chain):
            return problem
        self.seen.add(chain)
        self.chain, self.seq, self.link, self.last_id, self.floor, self.floor_next = chain, 0, GENESIS, None, None, None
        # the link of audit.link, written out for the chain (a function call less per row)
        self.legacy = chain == audit.LEGACY
        return None

    def row(self, values) -> AuditTampered | None:
        """One row of the log in (chain, log_seq) order; the common case first and short."""
        chain = values[_CHAIN]
        if chain != self.chain and (problem := self.start(chain)):
            return problem
        if len(values[_REC]) != 26:  # not the text SQLAlchemy writes (an offset, no microseconds): as it reads it
            values = _recorded_as_read(values)
        seq, lprev, lhash, rhash = values[_LSEQ], values[_LPREV], values[_LHASH], values[_HASH]
        if self.legacy:
            link = audit.log_hash(lprev, seq, rhash, values[_AOFF])
        else:
            link = _sha256(f"{chain}|{lprev}|{seq}|{rhash}|{values[_AOFF] or ''}".encode()).hexdigest()
        if (link != lhash or seq != self.seq + 1 or lprev != self.link
                or _own_hash(values[_PREV], values[:_N], values[_VIA]) != rhash):
            return self.broken(values, link)
        entry = self.entry
        if entry is not None and entry[0] == chain and entry[1] <= seq or self.floor_next is not None:
            if (problem := self.roots_at(values)) is not None:
                return problem
        if self.floor is not None and values[_REC] < self.floor and values[_REC] < _minus_slack(self.floor):
            return AuditTampered("audit_after_root", id=values[_ID], chain=chain, pos=seq,
                                 recorded=values[_REC][:19], taken=self.floor[:19])
        self.seq, self.link, self.last_id = seq, lhash, values[_ID]
        return None

    def broken(self, values, link) -> AuditTampered:
        """What happened to a row that does not follow its chain's previous one."""
        chain, row_id, seq, lprev, rhash = values[_CHAIN], values[_ID], values[_LSEQ], values[_LPREV], values[_HASH]
        expected = self.seq + 1
        own_ok = _own_hash(values[_PREV], values[:_N], values[_VIA]) == rhash
        link_ok = seq is not None and lprev is not None and values[_LHASH] == link
        if not own_ok or not link_ok:
            if seq == expected:  # changed where it stands, or not in the chain at all
                return AuditTampered("audit_changed" if not own_ok else "audit_link_changed", id=row_id, chain=chain,
                                     pos=seq)
            return AuditTampered("audit_inserted", id=row_id, chain=chain, expected=expected)
        if seq > expected:
            holder = _holder(self.conn, chain, expected)
            if holder is None:
                return AuditTampered("audit_deleted", id=row_id, chain=chain, first=expected, last=seq - 1)
            return AuditTampered("audit_reordered", id=row_id, chain=chain, pos=seq, expected=expected,
                                 where=f"; position {expected} is row {holder}")
        if seq < expected:
            return AuditTampered("audit_reordered", id=row_id, chain=chain, pos=seq, expected=expected, where="")
        # right position, self-consistent, wrong predecessor: the one before was forged
        return AuditTampered("audit_inserted", id=self.last_id if self.last_id is not None else row_id, chain=chain,
                             expected=self.seq)

    def roots_at(self, values) -> AuditTampered | None:
        """The roots' heads of this chain up to this row: the one at it must be it; those before it
        raise the floor its time must reach."""
        chain, seq = values[_CHAIN], values[_LSEQ]
        if self.floor_next is not None:
            self.floor, self.floor_next = self.floor_next, None
        entry = self.entry
        while entry is not None and entry[0] == chain and entry[1] <= seq:
            if entry[1] == seq:
                if entry[2] != values[_LHASH]:
                    return AuditTampered("audit_root_mismatch", id=values[_ID], chain=chain, pos=seq, root=entry[3])
                if self.floor_next is None or entry[4] > self.floor_next:
                    self.floor_next = entry[4]
            elif self.floor is None or entry[4] > self.floor:  # a position before this one (checked already)
                self.floor = entry[4]
            self.next_entry()
            entry = self.entry
        return None

    def end(self) -> AuditTampered | None:
        if self.chain is not None and (problem := self.finish(self.chain, self.seq, self.link, self.last_id)):
            return problem
        if problem := self.before(None):
            return problem
        for name, (pos, _link) in sorted(self.heads.items()):
            if name not in self.seen and pos > 0:
                return AuditTampered("audit_tail_deleted", id=0, chain=name, pos=0, head=pos)
        return None

    def before(self, chain: str | None) -> AuditTampered | None:
        """Root heads of chains before ``chain`` (None: all left) that have no rows at all: deleted chains."""
        while self.entry is not None and (chain is None or self.entry[0] < chain):
            c, pos = self.entry[0], self.entry[1]
            if c not in self.seen and pos > 0:
                return AuditTampered("audit_chain_deleted", chain=c, root=self.entry[3], pos=pos)
            self.next_entry()
        return None

    def finish(self, chain: str, last_seq: int, last_link: str, last_id) -> AuditTampered | None:
        """The end of ``chain``: its head row, and no root naming a position past it."""
        head = self.heads.get(chain)
        if head is None:
            return AuditTampered("audit_head_missing", chain=chain, id=last_id or 0)
        if head != (last_seq, last_link):
            if head[0] > last_seq:
                return AuditTampered("audit_tail_deleted", id=last_id or 0, chain=chain, pos=last_seq, head=head[0])
            extra = _holder(self.conn, chain, head[0] + 1) if head[0] < last_seq else last_id
            return AuditTampered("audit_inserted", id=extra, chain=chain, expected=head[0])
        while self.entry is not None and self.entry[0] == chain:
            if self.entry[1] > last_seq:
                return AuditTampered("audit_root_beyond", chain=chain, root=self.entry[3], pos=self.entry[1],
                                     last=last_seq)
            self.next_entry()
        return None


def _each(chains, streams):
    """The streams of ``chains`` one after the other, in chain order (the order of the whole log)."""
    for chain in sorted(chains):
        yield from streams(chain)


def check_log(conn, report, chosen: list[str] | None = None,
              about_assets: dict | None = None) -> AuditTampered | None:
    """Pass 1 (see the module's text); counts rows and chains into ``report``. ``chosen``: only
    these chains (an office's or a province's verify), each read through the (chain, log_seq) index,
    against every root's head of it. ``about_assets``: a dict to count each chain's rows about an
    asset into (complete only when the pass found nothing)."""
    st = _Chains(conn, report, chosen)
    key_of = lambda r: {"chain": r[_CHAIN], "seq": r[_LSEQ]}  # noqa: E731
    log = (stream(conn, "verify_log", _log_q, key_of) if chosen is None else
           _each(chosen, lambda c: stream(conn, "verify_log", _log_q, key_of, {"one": c})))
    n = 0
    try:
        for values in log:
            n += 1
            if (problem := st.row(values)) is not None:
                return problem
            if about_assets is not None and values[_ASSET] is not None:
                about_assets[values[_CHAIN]] = about_assets.get(values[_CHAIN], 0) + 1
        return st.end()
    finally:
        report.rows += n


def check_roots(conn, report, anchors: dict[int, str], heads_now: dict | None = None) -> AuditTampered | None:
    """Pass 2 (see the module's text); ``anchors``: {root number: its hash or the first 16+ hex digits}.

    The roots are replayed in order, keeping every chain's head (memory: one line per chain): a
    root's rows override the state the roots before it left, a tombstone drops its chain. A root
    whose hash matches its rows alone, not the replayed state, was written when every root stored
    every chain's head: its rows are then the whole state (a chain missing from it was dropped)."""
    heads_now = _heads(conn) if heads_now is None else heads_now
    roots_ = stream(conn, "verify_roots", _roots_q, lambda r: {"root": r[0]})
    entries = stream(conn, "verify_root_heads", _root_heads_q, lambda e: {"root": e[0], "chain": e[1]})
    entry = next(entries, None)
    prev_seq, prev_hash = 0, roots.GENESIS
    state: dict[str, tuple[int, str]] = {}  # every chain's head after the last root replayed
    lines: dict[str, str] = {}  # ... written out as the hash reads it
    order: list[str] | None = []  # ... its chains in order (sorted again only when a chain comes or goes)
    gone = roots.GONE
    for seq, rprev, rhash, taken in roots_:
        changed, same = [], []  # the root's stored heads that differ from the state before it, the others
        while entry is not None and entry[0] <= seq:
            if entry[0] < seq:  # heads of a root that is not there
                return AuditTampered("audit_root_deleted", root=entry[0], first=prev_seq + 1, last=seq - 1)
            c, head = entry[1], (entry[2], entry[3])
            if state.get(c) == head:  # only a root that stores every head stores one that did not move
                same.append((c, head))
            else:  # (a root that does not match returns: no need to undo the lines)
                changed.append((c, head))
                if head[1] == gone and head[0] == 0:
                    if lines.pop(c, None) is not None:
                        order = None
                else:
                    if c not in lines:
                        order = None
                    lines[c] = f"{c}|{head[0]}|{head[1]}"
            entry = next(entries, None)
        if seq != prev_seq + 1:
            return AuditTampered("audit_root_deleted", root=seq, first=prev_seq + 1, last=seq - 1)
        if rprev != prev_hash:
            return AuditTampered("audit_root_changed", root=seq)
        order = order if order is not None else sorted(lines)
        if rhash == roots.body_hash(rprev, seq, taken, "\n".join([lines[c] for c in order])):
            after = changed  # a tombstone of a chain the state holds is a chain dropped
            dropped = [c for c, h in changed if h[1] == gone and h[0] == 0 and c in state]
        elif (changed or same) and rhash == roots.root_hash(rprev, seq, taken,
                                                            [(c, s, h) for c, (s, h) in changed + same]):
            held = {c for c, _ in changed} | {c for c, _ in same}  # a root holding every head
            after = changed
            dropped = [c for c in state if c not in held]
        else:
            return AuditTampered("audit_root_changed", root=seq)
        if dropped:
            return AuditTampered("audit_chain_dropped", chain=min(dropped), root=seq, pos=state[min(dropped)][0])
        for name, now in after:  # each head moved forward; the state takes it (a tombstone here is a new chain's)
            was = state.get(name)
            if was is not None:  # not a chain's first head
                pos, link = was
                if now[0] < pos or (now[0] == pos and now[1] != link) or (name == audit.LEGACY and now != was):
                    return AuditTampered("audit_root_backwards", chain=name, root=seq, pos=now[0], before=pos)
            if now[0] or now[1] != gone:
                state[name] = now
        if seq in anchors:  # recorded outside the database: a rewritten root cannot match it
            if not rhash.startswith(anchors[seq]):
                return AuditTampered("audit_anchor", pos=seq, found=rhash[:len(anchors[seq])], anchor=anchors[seq])
            report.anchors += 1
        report.roots += 1
        prev_seq, prev_hash = seq, rhash
    if entry is not None:
        return AuditTampered("audit_root_deleted", root=entry[0], first=prev_seq + 1, last=entry[0])
    beyond = [pos for pos in anchors if pos > prev_seq]
    if beyond:
        return AuditTampered("audit_anchor_beyond", pos=min(beyond), head=prev_seq)
    for name, (pos, link) in state.items():  # the last root against the heads as they stand
        now = heads_now.get(name)
        if now is None or now[0] < pos or (name == audit.LEGACY and now != (pos, link)):
            return AuditTampered("audit_root_backwards", chain=name, root=prev_seq, pos=now[0] if now else 0,
                                 before=pos)
    report.root = (prev_seq, prev_hash) if prev_seq else None
    return None

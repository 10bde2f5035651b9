"""Audit rows: building them and chaining their hashes.

Two kinds of chain run through ``audit_log``:

* one per asset: ``prev_hash``/``hash`` over the row's content (the engine builds these with
  :func:`make_row`; the asset's ``last_hash`` is the head of its chain);
* the chains of the log: every row, whatever its writer, is in one ``chain`` (:func:`chain_of`:
  ``office:<code>`` for a row about an office's asset or an office, ``admin`` for the rest) at
  ``log_seq`` 1, 2, ... with ``log_prev_hash``/``log_hash`` (:func:`link`), added by
  :func:`insert`, so that a deleted asset chain (or any deleted row) shows. Rows written before
  revision 0012 form the sealed ``legacy`` chain, linked by :func:`log_hash` as they always were.

Each chain's head is its row of ``audit_heads``. :func:`insert` claims it first thing in the
caller's write transaction (a row lock on PostgreSQL, the write lock on SQLite), so two writers
of one chain queue there and never both claim the same predecessor, while writers of two
offices never wait for each other; ``(chain, log_seq)`` is also UNIQUE in the database. The
roots that join the chains (one hash over every chain's head, chained root to root) are
written by :mod:`auction_flow.core.roots`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import operator
from typing import NamedTuple

from auction_flow.common.context import current_via
from auction_flow.storage import driver
from auction_flow.storage.schema import audit_log, offices

GENESIS = "0" * 64
HASHED = ("asset_id", "seq", "event", "trigger", "from_state", "to_state", "actor", "role", "office",
          "business_date", "recorded_at", "reason", "changes", "imported")


def _plain(value):
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            if type(value) is dt.datetime and value.tzinfo is _UTC:  # a step's timestamp: its text is kept for its column
                text = driver.utc_text(value)
                return text[:10] + "T" + text[11:]
            # in UTC, whose offset isoformat writes "+00:00": the text before it
            return value.astimezone(_UTC).isoformat("T", "microseconds")[:-6]
        return value.isoformat("T", "microseconds")
    if isinstance(value, dt.date):
        return driver.date_text(value) if type(value) is dt.date else value.isoformat()
    return value


_UTC = dt.timezone.utc


def timestamp_text(value) -> str:
    """A timestamp as the hashes read it: UTC, ISO, to the microsecond, no offset."""
    return _plain(value)


def _encoder(**options):
    """``json.JSONEncoder(**options).encode`` for the dicts the hashes are made of, with the C
    encoder built once: ``encode`` builds it again on every call, a tenth of a step's JSON
    (bench_engine_cpu.py). Where the C encoder is missing or its signature differs (another
    Python), or it would not give the same text, the plain ``encode``."""
    plain = json.JSONEncoder(**options)
    try:
        from json.encoder import c_make_encoder, encode_basestring

        built = c_make_encoder(None, plain.default, encode_basestring, None, plain.key_separator,
                               plain.item_separator, plain.sort_keys, plain.skipkeys, plain.allow_nan)
        sample = {"b": [None, "Điều \"98\"\n\x00"], "a": [1, -2.5, True, False, {"z": "x", "y": 10 ** 20}]}
        if "default" in options:  # the values it converts: dates and timestamps
            sample["c"] = [dt.date(2026, 3, 2), dt.datetime(2026, 3, 2, 1, 2, 3, 4005, tzinfo=dt.timezone.utc)]
        if "".join(built(sample, 0)) != plain.encode(sample):
            return plain.encode
    except Exception:  # no C encoder, or one that takes other arguments
        return plain.encode

    def encode(value: dict) -> str:
        return "".join(built(value, 0))
    return encode


# One encoder each, built once: json.dumps with these arguments builds the same encoder on every call.
_CANONICAL = _encoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain)
_ENCODE = _encoder(ensure_ascii=False, separators=(",", ":"))

# orjson writes the same text as json for the values a step's JSON holds, in a third of the time (a
# tenth of a step's CPU went to the two texts; performance-notes, stop 26): text, integers, booleans
# and None, and (for the canonical text) dates and timestamps through ``_plain``. It writes floats,
# enums, UUIDs and integers past 64 bits otherwise, or refuses them, so only values of exactly the
# types in ``_LEAF`` go to it (the leaves are checked first); anything else, or anything it
# refuses (a lone surrogate, a key that is not text), is json's as before. Checked at import on a sample, and against
# json.dumps for every character by tests/core/test_row_hash_text.py: where orjson is missing or
# writes another text, json alone.
_LEAF = frozenset({str, int, bool, type(None)})
_LEAF_OR_DATE = _LEAF | {dt.date, dt.datetime}


def _orjson(sort_keys: bool, default, dates: bool = False):
    """``dates``: the encoder writes dates (``datetime.date`` exactly) itself, as ``isoformat``, without
    calling ``default``; it is given only values with no timestamp (orjson's own text of a timestamp is
    not ``_plain``'s)."""
    try:
        import orjson
    except ImportError:
        return None
    option = (orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS
              | (0 if dates else orjson.OPT_PASSTHROUGH_DATETIME) | (orjson.OPT_SORT_KEYS if sort_keys else 0))
    dumps, error = orjson.dumps, orjson.JSONEncodeError

    def encode(value) -> bytes | None:  # None: orjson refused it (the caller asks json)
        try:
            return dumps(value, default, option)
        except error:
            return None
    sample = {"b": [None, "Điều \"98\"\n\x00\x1f\x7f\u2028\\ \U0001f600"],
              "a": [1, -2, True, False, ("t", 0), {"z": "x", "y": 2 ** 63 - 1}]}
    plain = _CANONICAL if sort_keys else _ENCODE
    if dates:
        sample["c"] = [dt.date(2026, 3, 2), dt.date(1, 1, 1), dt.date(999, 12, 31), dt.date(9999, 12, 31)]
    elif default is not None:
        sample["c"] = [dt.date(2026, 3, 2), dt.datetime(2026, 3, 2, 1, 2, 3, 4005, tzinfo=dt.timezone.utc)]
    try:
        ok = encode(sample).decode("utf-8") == plain(sample)
    except Exception:
        ok = False
    return encode if ok else None


_FAST_CANONICAL = _orjson(True, _plain)
_FAST_ENCODE = _orjson(False, None)
# The changes of a step hold dates (its day, deadlines) and seldom a timestamp: orjson writes a date as
# isoformat does, without a call to _plain for each (a fifth of the changes' text; performance-notes, stop 27).
_FAST_CANONICAL_DATES = _orjson(True, _plain, dates=True) if _FAST_CANONICAL is not None else None


def _leaves_plain(value, leaf=_LEAF_OR_DATE) -> bool:
    """Every leaf of ``value`` (dicts, lists, tuples) of a type in ``leaf`` (a key that is not text
    orjson refuses: json's text then)."""
    kind = type(value)
    if kind in leaf:
        return True
    if kind is dict:
        return all(_leaves_plain(v, leaf) for v in value.values())
    if kind is list or kind is tuple:
        return all(_leaves_plain(v, leaf) for v in value)
    return False


def canonical(value) -> str:
    if _FAST_CANONICAL is not None and _leaves_plain(value):
        fast = _FAST_CANONICAL(value)
        if fast is not None:
            return fast.decode("utf-8")
    return _CANONICAL(value)


def changes_json(changes: dict) -> str:
    """{field: [before, after]} as canonical JSON.

    Dates and times inside are converted by the encoder's ``default`` (:func:`_plain`), which
    it calls for exactly the values JSON cannot hold itself: the same text as converting first.
    """
    simple, leaf, stamp = _FAST_CANONICAL is not None, _LEAF_OR_DATE, dt.datetime
    encode = _FAST_CANONICAL_DATES or _FAST_CANONICAL
    for pair in changes.values():  # JSON writes a tuple as a list: pairs given as tuples are encoded as they stand
        if type(pair) is not tuple or len(pair) != 2:
            return canonical({k: [a, b] for k, (a, b) in changes.items()})
        if simple:
            before, after = type(pair[0]), type(pair[1])
            if before not in leaf or after not in leaf:
                simple = False
            elif before is stamp or after is stamp:  # a timestamp: its text is _plain's
                encode = _FAST_CANONICAL
    if simple:
        fast = encode(changes)
        if fast is not None:
            return fast.decode("utf-8")
        return _CANONICAL(changes)
    return canonical(changes)


_SORTED = tuple(sorted(HASHED))
_N = len(_SORTED)
_IN_ORDER = operator.itemgetter(*_SORTED)


def row_hash(prev_hash: str, row: dict) -> str:
    """SHA-256 over the previous hash and the row's canonical JSON (the per-asset chain link)."""
    return row_hash_sorted(prev_hash, [row.get(k) for k in _SORTED], via=row.get("via"))


def row_hash_sorted(prev_hash: str, values, via: str | None = None) -> str:
    """row_hash for ``values`` given in ``sorted(HASHED)`` order (audit verify reads them so).

    A dict built in sorted key order encodes like ``sort_keys=True``; only the date and time
    columns need converting. This is the one implementation of the hash.

    ``via`` (the session or token the row came through) is hashed only when present: rows
    written before it existed, and rows with none, hash exactly as they always did.
    """
    if len(values) == _N:  # the body as a dict display in sorted(HASHED) order (checked below): no zip, no dict() call
        (actor, asset_id, business_date, changes, event, from_state, imported, office, reason, recorded_at, role,
         seq, to_state, trigger) = values
        body = {"actor": actor, "asset_id": asset_id, "business_date": _plain(business_date), "changes": changes,
                "event": event, "from_state": from_state, "imported": bool(imported), "office": office,
                "reason": reason, "recorded_at": _plain(recorded_at), "role": role, "seq": seq,
                "to_state": to_state, "trigger": trigger}
    else:  # fewer values than columns: the keys they reach
        body = dict(zip(_SORTED, values))
        for key in ("business_date", "recorded_at"):
            if key in body:
                body[key] = _plain(body[key])
        if "imported" in body:
            body["imported"] = bool(body["imported"])
    if via is not None:  # "via" sorts after every HASHED name: the body stays in sorted order
        body["via"] = via
    return _body_hash(prev_hash, body)


def _body_hash(prev_hash: str, body: dict) -> str:
    """SHA-256 over ``prev_hash`` and ``body``'s JSON (its keys in the order given) as UTF-8."""
    if _FAST_ENCODE is not None:
        leaf = _LEAF
        for value in body.values():
            if type(value) not in leaf:
                break
        else:  # the body's keys are the column names
            fast = _FAST_ENCODE(body)
            if fast is not None:
                return hashlib.sha256(prev_hash.encode("utf-8") + fast).hexdigest()
    return hashlib.sha256((prev_hash + _ENCODE(body)).encode("utf-8")).hexdigest()


LEGACY = "legacy"  # the whole log as it stood before revision 0012, sealed by the first root
ADMIN = "admin"  # rows about no office
OFFICE = "office:"


def row_hash_read(prev_hash: str, values, via: str | None = None) -> str:
    """row_hash_sorted for values read as the text the hash is made of (dates and timestamps as
    ISO text already, as audit verify reads them): the same body, nothing to convert."""
    body = dict(zip(_SORTED, values))
    body["imported"] = bool(body["imported"])
    if via is not None:
        body["via"] = via
    return _body_hash(prev_hash, body)


def log_hash(log_prev_hash: str, log_seq: int, row_hash_: str, actor_office: str | None) -> str:
    """The legacy whole-log link: the previous link, this row's position, its own hash, the actor's office."""
    text = f"{log_prev_hash}|{log_seq}|{row_hash_}|{actor_office or ''}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link(chain: str, log_prev_hash: str, log_seq: int, row_hash_: str, actor_office: str | None) -> str:
    """A chain's link: as :func:`log_hash`, with the chain's name, so a row cannot move to another chain."""
    if chain == LEGACY:
        return log_hash(log_prev_hash, log_seq, row_hash_, actor_office)
    text = f"{chain}|{log_prev_hash}|{log_seq}|{row_hash_}|{actor_office or ''}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_of(row: dict) -> str:
    """The chain a row goes in: its office's (an asset's rows go with the asset's office, an
    office's administration with that office), else the administration's."""
    office = row.get("office")
    return OFFICE + office if office else ADMIN


_BLANK = dict.fromkeys(HASHED)  # a row's hashed columns, in order, before its fields are given


def make_row(prev_hash: str, **fields) -> dict:
    """A complete audit_log row with its hash over ``prev_hash`` and its own content.

    ``via`` defaults to the session or token the front end authenticated
    (:func:`auction_flow.common.context.current_via`)."""
    row = {**_BLANK, **fields}  # one merge (a dict filled then updated grew twice: a step's row is built once)
    if "via" not in fields:
        row["via"] = current_via()
    row["imported"] = bool(row["imported"])
    row["prev_hash"] = prev_hash
    row["hash"] = row_hash_sorted(prev_hash, _IN_ORDER(row), via=row["via"])  # row_hash: every key is there
    return row


def append(conn, prev_hash: str, **fields) -> dict:
    """Build and INSERT one audit row (inside the caller's transaction); return it.

    Every writer of audit rows goes through here, so chaining rules live in one place.
    """
    return insert(conn, make_row(prev_hash, **fields))


def _actor_office(conn, username: str | None) -> str | None:
    row = driver.one(driver.cursor(conn), driver.statement(conn, "actor_office", _office_q), {"username": username})
    return row and row["code"]


def _officer_of(conn, asset_id: int) -> int | None:
    """The asset's officer as this transaction sees it (after the row's own change, if any): the
    officer in charge an asset's row names (migration 0020), for a writer that did not give it."""
    row = driver.execute(driver.cursor(conn), driver.statement(conn, "officer_of", _officer_q),
                         {"asset_id": asset_id}).fetchone()
    return row and row[0]


def _officer_q(dialect):
    return driver.Statement(dialect, "SELECT officer_id FROM assets WHERE id = :asset_id")


# The statements run on every audited step, so they go straight to the driver
# (auction_flow.storage.driver); each is built once per dialect.
def _office_q(dialect):
    return driver.Statement(dialect, "SELECT o.code FROM offices o JOIN users u ON u.office_id = o.id "
                                     "WHERE u.username = :username", results=[offices.c.code])


def _claim_q(dialect):
    # an upsert: a chain's first row creates its head; every later one takes the row's lock
    return driver.Statement(dialect, "INSERT INTO audit_heads (chain, log_seq, log_hash) "
                                     f"VALUES (:chain, 0, '{GENESIS}') ON CONFLICT (chain) "
                                     "DO UPDATE SET log_seq = audit_heads.log_seq RETURNING log_seq, log_hash")


def _lock_q(dialect):
    # PostgreSQL: an existing head's row lock, without writing the row (the no-op upsert writes a
    # new version of it: 4 WAL records against 1, and a dead tuple; performance-notes, stop 24)
    return driver.Statement(dialect, "SELECT log_seq, log_hash FROM audit_heads WHERE chain = :chain FOR UPDATE")


def _move_q(dialect):
    return driver.Statement(dialect, "UPDATE audit_heads SET log_seq = :log_seq, log_hash = :log_hash "
                                     "WHERE chain = :chain")


def _head_q(dialect):
    return driver.Statement(dialect, "SELECT log_seq, log_hash FROM audit_heads WHERE chain = :chain")


def head(conn, chain: str) -> tuple[int, str]:
    """The head of ``chain`` as it stands (read, not locked): (log_seq, log_hash)."""
    row = driver.execute(driver.cursor(conn), driver.statement(conn, "head", _head_q), {"chain": chain}).fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def claim_head(conn, chain: str) -> tuple[int, str]:
    """Lock the head of ``chain`` for this transaction; return (last log_seq, last link)."""
    # On PostgreSQL SELECT ... FOR UPDATE takes an existing head's row lock and reads it under the
    # lock: a concurrent writer of the chain waits there, then reads the head that writer committed.
    # A chain with no head yet (its first row) goes on to the upsert, which makes the head or, when
    # another writer made it meanwhile, waits for that one and locks it.
    if conn.dialect.name == "postgresql":
        row = driver.execute(driver.cursor(conn), driver.statement(conn, "lock", _lock_q), {"chain": chain}).fetchone()
        if row is not None:
            return row[0], row[1]
    # One upsert ... RETURNING: it takes the row lock (PostgreSQL) or the write lock (SQLite)
    # and reads the head under it, so a concurrent writer of the chain waits here, then sees the new head.
    row = driver.execute(driver.cursor(conn), driver.statement(conn, "claim", _claim_q), {"chain": chain}).fetchone()
    return row[0], row[1]


def move_head(conn, chain: str, log_seq: int, link_: str) -> None:
    driver.execute(driver.cursor(conn), driver.statement(conn, "move", _move_q),
                   {"chain": chain, "log_seq": log_seq, "log_hash": link_})


def _insert_move(dialect, cols):
    """PostgreSQL: the row's INSERT and its chain's head moved in one statement (one round trip less
    per step; a data-modifying WITH runs exactly once)."""
    q = functools.partial(driver.quote, dialect)
    sql = ("WITH moved AS (UPDATE audit_heads SET log_seq = :log_seq, log_hash = :log_hash WHERE chain = :chain) "
           f"INSERT INTO audit_log ({', '.join(q(c) for c in cols)}) VALUES ({', '.join(':' + c for c in cols)})")
    return driver.Statement(dialect, sql, {c: audit_log.c[c] for c in cols})


class Guard(NamedTuple):
    """An UPDATE the row is written under (the engine's asset, ``WHERE id = :_id AND version = :_seen``):
    the row is written only if it changed exactly one row. ``sql`` has ``:name`` parameters whose
    types are ``columns``' (name -> column); ``key`` names the statement in the driver's cache.
    (A named tuple: one is built every step, and a frozen dataclass is slow to build.)"""
    key: tuple
    sql: str
    columns: dict
    values: dict


def _guarded_claim(dialect, guard: Guard):
    """PostgreSQL: the guard's UPDATE and the lock of the chain's head in one statement (one round
    trip less per step), answering (rows the guard changed, the head's log_seq, its link). The head
    is locked (``FOR UPDATE``, as :func:`claim_head`) only when the UPDATE changed its row: the
    lock's condition reads the guard's result, so the asset's row is locked before the head's, as
    when they were two statements, and when the UPDATE matches nothing no head is locked. A chain
    with no head yet answers no head (the caller then claims it with the upsert)."""
    sql = (f"WITH guard AS ({guard.sql} RETURNING 1), "
           "head AS (SELECT log_seq, log_hash FROM audit_heads WHERE chain = :_chain "
           "AND EXISTS (SELECT 1 FROM guard) FOR UPDATE) "
           "SELECT g.n, h.log_seq, h.log_hash FROM (SELECT count(*) AS n FROM guard) g LEFT JOIN head h ON true")
    return driver.Statement(dialect, sql, guard.columns)


def insert(conn, row: dict, guard: Guard | None = None) -> dict | None:
    """INSERT a row built by make_row (inside the caller's write transaction).

    Adds the actor's office, the asset's officer when the writer did not give them, the chain and
    its link, and moves the chain's head. With a ``guard``, the guard's UPDATE runs first (on
    PostgreSQL in the claim's own statement) and nothing is written when it did not change exactly
    one row: None is returned, and the caller refuses the step (its transaction rolls back).
    """
    row = dict(row)
    if "actor_office" not in row:
        row["actor_office"] = _actor_office(conn, row.get("actor"))
    if "officer_id" not in row and row.get("asset_id") is not None:  # the engine and amend give it
        if guard is not None:  # it would be read before the guard's UPDATE on PostgreSQL
            raise ValueError("a guarded row must carry its officer_id")
        row["officer_id"] = _officer_of(conn, row["asset_id"])
    chain = row["chain"] = chain_of(row)
    postgres = conn.dialect.name == "postgresql"
    if guard is None:
        seq, prev = claim_head(conn, chain)  # the lock is held from here to the commit: nothing slow after it
    elif postgres:
        stmt = driver.statement(conn, ("guarded_claim", guard.key), lambda d: _guarded_claim(d, guard))
        changed, seq, prev = driver.execute(driver.cursor(conn), stmt, {**guard.values, "_chain": chain}).fetchone()
        if changed != 1:
            return None
        if seq is None:  # the chain's first row: its head is made by the upsert
            seq, prev = claim_head(conn, chain)
    else:  # in-process: two statements cost nothing more
        stmt = driver.statement(conn, ("guard", guard.key),
                                lambda d: driver.Statement(d, guard.sql, guard.columns))
        if driver.execute(driver.cursor(conn), stmt, guard.values).rowcount != 1:
            return None
        seq, prev = claim_head(conn, chain)
    row["log_seq"] = seq + 1
    row["log_prev_hash"] = prev
    row["log_hash"] = link(chain, prev, seq + 1, row["hash"], row["actor_office"])
    if postgres:
        cols = tuple(row)
        driver.execute(driver.cursor(conn), driver.statement(conn, ("insert_move", cols),
                                                             lambda d: _insert_move(d, cols)), row)
    else:  # in-process: two statements cost nothing more
        driver.insert(conn, audit_log, row)
        move_head(conn, chain, row["log_seq"], row["log_hash"])
    return row

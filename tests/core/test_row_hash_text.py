"""An audit row's hash is SHA-256 over the previous hash and the row's canonical JSON: its hashed
columns sorted by name, dates and timestamps as ISO text (a timestamp in UTC, to the microsecond,
without an offset), ``via`` only when there is one. ``audit.row_hash_sorted`` builds that text
for speed (a dict display in sorted order, timestamps written without ``replace``; performance-notes,
stop 25); here it is checked against the definition written with ``json.dumps``, and the stored
text of a timestamp (``driver``) against SQLAlchemy's own."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from auction_flow.core import audit

ZONES = st.sampled_from([None, dt.timezone.utc, dt.timezone(dt.timedelta(hours=7)),
                         dt.timezone(dt.timedelta(hours=-3, minutes=-30))])
MOMENTS = st.builds(lambda d, tz: d.replace(tzinfo=tz), st.datetimes(min_value=dt.datetime(1990, 1, 2),
                                                                     max_value=dt.datetime(2090, 12, 30)), ZONES)
TEXT = st.text(max_size=40) | st.none()
SCALAR = TEXT | st.integers(-2**63, 2**63 - 1) | st.booleans()


def plain(value, other=lambda value: value):
    """A moment as the definition writes it (UTC, naive, microseconds), a date as ISO; anything else
    as ``other`` makes it (itself; or refused, as json.dumps's ``default``)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return other(value)


def refused(value):
    raise TypeError(value)


def definition(prev_hash: str, row: dict) -> str:
    body = {k: plain(row.get(k)) for k in audit.HASHED}
    body["imported"] = bool(body["imported"])
    if row.get("via") is not None:
        body["via"] = row["via"]
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({
    "asset_id": st.integers(1, 2**63 - 1) | st.none(), "seq": st.integers(1, 10**6) | st.none(), "event": TEXT,
    "trigger": TEXT, "from_state": TEXT, "to_state": TEXT, "actor": TEXT, "role": TEXT, "office": TEXT,
    "business_date": st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)) | MOMENTS | st.none(),
    "recorded_at": MOMENTS | st.none(), "reason": TEXT, "changes": SCALAR, "imported": st.booleans() | st.integers(0, 1),
    "via": TEXT}), st.text("0123456789abcdef", min_size=64, max_size=64))
def test_the_hash_is_the_canonical_jsons(row, prev_hash):
    assert audit.row_hash(prev_hash, row) == definition(prev_hash, row)
    assert audit.row_hash_sorted(prev_hash, [row[k] for k in sorted(audit.HASHED)], via=row["via"]) == \
        definition(prev_hash, row)
    made = audit.make_row(prev_hash, **row)
    assert made["hash"] == definition(prev_hash, row)


@settings(max_examples=200, deadline=None)
@given(MOMENTS)
def test_a_timestamp_reads_as_before(moment):
    if moment.tzinfo is not None:
        want = moment.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
    else:
        want = moment.isoformat(timespec="microseconds")
    assert audit.timestamp_text(moment) == want


@settings(max_examples=200, deadline=None)
@given(MOMENTS)
def test_a_timestamp_is_stored_as_sqlalchemy_stores_it(moment):
    from sqlalchemy import DateTime
    from sqlalchemy.dialects import sqlite

    from auction_flow.storage import driver

    class Col:
        type = DateTime()

    dialect = sqlite.dialect()
    ours = driver._bind(dialect, Col)
    core = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert ours(moment) == core(moment)


VALUE = SCALAR | st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)) | MOMENTS | st.dictionaries(st.text(max_size=5), SCALAR, max_size=3)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), st.tuples(VALUE, VALUE) | st.lists(VALUE, min_size=2, max_size=2),
                       max_size=12))
def test_the_changes_text_is_the_canonical_jsons(changes):
    want = json.dumps({k: [a, b] for k, (a, b) in changes.items()}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=lambda value: plain(value, refused))
    assert audit.changes_json(changes) == want


# The two texts go through orjson when it is there (performance-notes, stop 26): the same text as
# json.dumps for every character, and json's own text for what orjson writes otherwise or refuses.
EVERY_CHAR = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


def test_every_character_is_written_as_json_writes_it():
    for start in range(0, len(EVERY_CHAR), 4096):
        text = EVERY_CHAR[start:start + 4096]
        changes = {text[:7]: (text, None), "b": (None, text)}
        assert audit.changes_json(changes) == json.dumps({k: list(v) for k, v in changes.items()}, sort_keys=True,
                                                         ensure_ascii=False, separators=(",", ":"))
        row = dict.fromkeys(audit.HASHED, text)
        row.update(imported=False, business_date=None, recorded_at=None, asset_id=1, seq=2)
        assert audit.row_hash("0" * 64, row) == definition("0" * 64, row)


def test_values_orjson_writes_otherwise_are_jsons():
    class Text(str):
        pass

    for value in (0.1, 1e16, 1e-7, float("nan"), float("inf"), 2 ** 64 + 5, -2 ** 63 - 1, 2 ** 64 - 1, Text("x"),
                  "lone \ud800 surrogate", [1.5, {"k": 2.0}], {"n": 1e22}):
        want = json.dumps({"f": [value, None]}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert audit.changes_json({"f": (value, None)}) == want
        assert audit.canonical({"f": [value, None]}) == want
    for value in (0.5, 1e16, 2 ** 64 + 5, Text("x")):
        row = dict.fromkeys(audit.HASHED)
        row.update(imported=False, changes=value, reason=value)
        assert audit.row_hash("0" * 64, row) == definition("0" * 64, row)


def test_keys_that_are_not_text_are_jsons():
    for changes in ({1: ("a", "b")}, {True: (1, 2)}, {None: (1, 2)}):
        want = json.dumps({k: list(v) for k, v in changes.items()}, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":"))
        assert audit.changes_json(changes) == want

"""Reading and checking a CSV of assets already in progress (``auction-flow import assets``).

The whole file is checked before anything is written: every bad row is reported with its
line number, column and reason. A good row becomes a record that
:func:`auction_flow.engine.import_assets` writes with a back-filled, hash-chained history.
The format is documented in docs/import.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from auction_flow.common import words as i18n
from auction_flow.common.errors import AuctionFlowError, InvalidInput
from auction_flow.common.words import Msg
from auction_flow.core import authz
from auction_flow.core.bulk import paused_gc
from auction_flow.core.calendar import FIRST_YEAR, LAST_YEAR, WorkCalendar
from auction_flow.core.engine import COLUMNS as ASSET_COLUMNS
from auction_flow.core.fields import parse_field
from auction_flow.core.workflow import Field, Workflow, registry
from auction_flow.features.imports import sides
from auction_flow.features.imports.days import parse_day, step_day
from auction_flow.features.imports.rules import Replay
from auction_flow.storage.schema import assets, offices, users

BASE = ("case_number", "office", "kind", "description", "officer", "state", "seized_on")


@dataclass(frozen=True)
class StepSpec:
    """One step an imported asset may have passed: its date column, trigger and fields."""

    name: str
    date_col: str
    trigger: str
    to: str
    # (column, type: text|money|date|choice|optional|field); a "field" is a field of the trigger only,
    # parsed by the workflow's definition of it, and may be left empty where the version does not ask it
    fields: tuple[tuple[str, str], ...] = ()


STEPS = (
    StepSpec("seized", "seized_on", "seize", "seized"),
    StepSpec("appraisal_contracted", "appraisal_contracted_on", "contract_appraisal", "appraising",
             (("appraisal_org", "text"),)),
    StepSpec("priced", "priced_on", "agree_price", "priced", (("price", "money"),)),
    StepSpec("auction_contracted", "auction_contracted_on", "contract_auction", "auction_contracted",
             (("auction_org", "text"), ("auction_date", "date"))),
    StepSpec("auction_failed", "auction_failed_on", "record_auction_failed", "auction_failed"),
    StepSpec("creditor_accepted", "creditor_accepted_on", "accept_by_creditor", "creditor_accepted"),
    StepSpec("returned", "returned_on", "return_to_debtor", "returned_to_debtor",
             (("costs", "money"), ("creditor_declined", "choice"))),
    StepSpec("sold", "sold_on", "record_sale", "sold", (("sale_price", "money"), ("buyer", "text"),
                                                        ("deposit", "money"))),
    StepSpec("paid", "paid_on", "record_payment", "paid"),
    StepSpec("cancelled", "cancelled_on", "cancel_result", "auction_cancelled",
             (("cancel_ground", "choice"), ("cancel_reason", "optional"), ("cancel_document_no", "field"),
              ("cancel_document_on", "field"), ("cancel_issued_by", "field"))),
    StepSpec("handed_over", "handed_over_on", "hand_over", "handed_over"),
    StepSpec("closed", "closed_on", "close", "closed"),
    # last: an asset suspended in any of the states above (the column suspended_from says which)
    StepSpec("suspended", "suspended_on", "suspend", "suspended", (("suspension_kind", "choice"),)),
)
# A column's trigger field where the names differ: cancel_ground -> cancel_result's ground, suspension_kind ->
# suspend's kind, the cancellation's document (the number, date and issuer version 3's grounds rest on).
_FIELD_OF = {"cancel_ground": "ground", "suspension_kind": "kind", "creditor_declined": "creditor_declined",
             "cancel_document_no": "document_no", "cancel_document_on": "document_on", "cancel_issued_by": "issued_by"}
BY_NAME = {s.name: s for s in STEPS}
# Per step, the trigger field each of its columns gives -> that column (a check or a missing field names it).
_COLUMN_OF = {s.name: {_FIELD_OF.get(c, c): c for c, _ in s.fields} for s in STEPS}
_MAIN = ("seized", "priced", "auction_contracted")
# For each importable state: the steps it must have passed, and those it may have passed.
PATHS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "seized": (("seized",), ()),
    "appraising": (("seized", "appraisal_contracted"), ()),
    "priced": (("seized", "priced"), ("appraisal_contracted",)),
    "auction_contracted": (_MAIN, ("appraisal_contracted",)),
    "auction_failed": (_MAIN + ("auction_failed",), ("appraisal_contracted",)),
    "creditor_accepted": (_MAIN + ("auction_failed", "creditor_accepted"), ("appraisal_contracted",)),
    "returned_to_debtor": (_MAIN + ("auction_failed", "returned"), ("appraisal_contracted",)),
    "sold": (_MAIN + ("sold",), ("appraisal_contracted",)),
    "paid": (_MAIN + ("sold", "paid"), ("appraisal_contracted",)),
    "auction_cancelled": (_MAIN + ("sold", "cancelled"), ("appraisal_contracted", "paid")),
    "handed_over": (_MAIN + ("sold", "paid", "handed_over"), ("appraisal_contracted",)),
    "closed": (_MAIN + ("sold", "paid", "handed_over", "closed"), ("appraisal_contracted",)),
}
# What an asset's earlier rounds leave that its steps above do not show, and the rules read:
# price reductions (creditor acceptance comes only after the second) and the one re-appraisal.
COUNTS = {"reductions": ("reduction_count", 99), "reappraisals": ("reappraisal_count", 1)}  # column, most
COLUMNS = (BASE + tuple(c for s in STEPS[1:] for c in (s.date_col,) + tuple(f for f, _ in s.fields))
           + ("suspended_from",) + tuple(COUNTS) + sides.COLUMNS)
KIND_WORDS = {"movable": "movable", "real_estate": "real_estate", "động sản": "movable",
              "bất động sản": "real_estate"}
# Per state, each step with whether it must / may have been passed: asked once per row.
_PLANS = {state: tuple((spec, spec.name in required, spec.name in optional) for spec in STEPS)
          for state, (required, optional) in PATHS.items()}
# A suspended asset: the steps of the state it left, then the suspension.
_SUSPENDED_PLANS = {state: tuple((spec, spec.name in required + ("suspended",), spec.name in optional)
                                 for spec in STEPS) for state, (required, optional) in PATHS.items()}
IMPORTABLE = tuple(PATHS) + ("suspended",)
_MONEY = {col: Field(col, "money") for spec in STEPS for col, typ in spec.fields if typ == "money"}
_REQUIRED = ("case_number", "office", "kind", "description", "officer", "state")

class ErrorList(Msg):
    """The bad rows of a file, rendered one a line in the reader's language."""

    def __init__(self, errors: list[tuple[int, str, Msg]]):
        super().__init__("literal")
        self.errors = errors

    def render(self, lang: str = "en") -> str:
        return "\n".join("  " + i18n.message("ie_line", lang, line=ln, column=col, why=why.render(lang))
                         for ln, col, why in self.errors)


@dataclass
class Checked:
    """What a file holds once checked: records ready for the engine, or the bad rows."""

    records: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str, Msg]] = field(default_factory=list)
    offices: dict[str, int] = field(default_factory=dict)  # office code -> id, of the good rows


def decode(data: bytes, name: str) -> str:
    """UTF-8 with or without a BOM; anything else is refused naming the first bad line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput("import_encoding", file=name, line=1, byte=f"0x{data[0]:02X}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InvalidInput("import_encoding", file=name, line=line, byte=f"0x{data[exc.start]:02X}") from None


class _Lookups:
    """Offices and officers, each read once."""

    def __init__(self, conn):
        self.conn = conn
        self.offices = {code: oid for oid, code in conn.execute(select(offices.c.id, offices.c.code))}
        self.users: dict[str, dict | None] = {}
        self.scope: dict[tuple[str, int], bool] = {}
        # (office, case, description) of the assets already recorded -> where they are
        # (a Msg, or the line number of an earlier row of the file)
        self.seen: dict[tuple, object] = {
            (o, c, d): Msg("ie_in_db", asset=i) for i, o, c, d in conn.execute(
                select(assets.c.id, assets.c.office_id, assets.c.case_number, assets.c.description))}

    def officer(self, username: str) -> dict | None:
        if username not in self.users:
            row = self.conn.execute(select(users).where(users.c.username == username)).mappings().first()
            self.users[username] = dict(row) if row and row["active"] else None
        return self.users[username]

    def officer_of(self, user: dict, office_id: int) -> bool:
        key = (user["username"], office_id)
        if key not in self.scope:
            self.scope[key] = user["role"] in ("officer", "supervisor") and authz.in_scope(
                self.conn, {**user, "role": "supervisor"}, office_id)
        return self.scope[key]


def check(conn, text: str, wf: Workflow, today: dt.date) -> Checked:
    """Check every row of ``text`` (CSV); return the records, or every error found.

    The cyclic garbage collector is paused meanwhile: the records of a large file are hundreds
    of thousands of small dicts, none of them part of a cycle, and collecting through them while
    they were made cost as much as the checking itself.
    """
    with paused_gc():
        return _check(conn, text, wf, today)


def _check(conn, text: str, wf: Workflow, today: dt.date) -> Checked:
    out = Checked()
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        raise InvalidInput("import_empty", file="")
    header = [h.strip() for h in header]
    for i, h in enumerate(header):
        if h not in COLUMNS:
            out.errors.append((1, h, Msg("ie_unknown_column", known=", ".join(COLUMNS))))
        elif h in header[:i]:
            out.errors.append((1, h, Msg("ie_twice")))
    for col in BASE:
        if col not in header:
            out.errors.append((1, col, Msg("ie_missing_column")))
    if out.errors:
        return out
    look = _Lookups(conn)
    choices = {col: _historical(wf, spec.trigger, _FIELD_OF[col])
               for spec in STEPS for col, typ in spec.fields if typ == "choice"}
    width = len(header)
    replay = Replay(wf, WorkCalendar.from_db(conn))
    for values in _rows(reader, out):
        if not any(v.strip() for v in values):
            continue
        line = reader.line_num
        if len(values) > width:
            out.errors.append((line, "-", Msg("ie_width", n=len(values), m=width)))
            continue
        if len(values) < width:  # the missing values at the end are empty
            values += [""] * (width - len(values))
        row = dict(zip(header, map(str.strip, values)))
        rec, errs = _check_row(row, line, look, wf, today, choices, replay)
        if errs:
            out.errors.extend(errs)
        else:
            out.records.append(rec)
            out.offices[rec["office_code"]] = rec["office_id"]
    return out


def _trigger_field(wf: Workflow, spec: StepSpec, col: str, text: str, extra: dict, bad) -> None:
    """A column that is one of the step's trigger fields (not the asset's): parsed as the workflow
    defines the field (a date as every date of the file), into ``extra``; refused on a version whose
    step has no such field."""
    field_ = next((f for f in wf.triggers[spec.trigger].fields if f.name == _FIELD_OF[col]), None)
    if field_ is None:
        bad(col, "ie_field_version", trigger=spec.trigger, field=_FIELD_OF[col], version=wf.version)
    elif field_.type == "date":
        day = parse_day(text)
        if day is None:
            bad(col, "ie_bad_date", first=FIRST_YEAR, last=LAST_YEAR, value=text)
        else:
            extra[field_.name] = day
    else:
        try:
            extra[field_.name] = parse_field(field_, text)
        except InvalidInput as exc:
            bad(col, exc.key, **exc.params)


def _historical(wf: Workflow, trigger: str, name: str) -> Field:
    """A choice field of ``wf`` with the values its earlier versions allowed too (after them): an
    import writes history, and a cancellation recorded under version 2 on a ground version 3 no
    longer offers (collusion, other...) happened as recorded."""
    field_ = next(f for f in wf.triggers[trigger].fields if f.name == name)
    values = list(field_.choices)
    for version in range(wf.version - 1, 0, -1):
        try:
            old = registry.get(wf.name, version)
        except AuctionFlowError:
            continue  # a version no longer kept
        for f in old.triggers[trigger].fields if trigger in old.triggers else ():
            if f.name == name:
                values += [v for v in f.choices if v not in values]
    return replace(field_, choices=tuple(values))


def _older_choice(wf: Workflow, st: dict) -> bool:
    """Whether the step carries a choice only an earlier version of the workflow offered (a
    cancellation for collusion, recorded before version 3's grounds with their documents)."""
    trig = wf.triggers.get(st["trigger"])
    return trig is not None and any(f.type == "choice" and st["fields"].get(f.name, f.choices[0]) not in f.choices
                                    for f in trig.fields)


def _rows(reader, out: Checked):
    """The rows of the file; a row the csv module cannot read (a value over its field limit of
    131,072 characters) ends the file there, reported with its line."""
    try:
        yield from reader
    except csv.Error as exc:
        out.errors.append((reader.line_num, "-", Msg("ie_unreadable_row", why=str(exc), limit=csv.field_size_limit())))


def _check_texts(row: dict, bad) -> None:
    """No value may hold a NUL byte (neither database stores it), and a value bound for a column
    of assets fits that column (its length as the schema defines it)."""
    for col, value in row.items():
        if "\x00" in value:
            bad(col, "ie_nul")
            continue
        limit = getattr(assets.c[col].type, "length", None) if col in assets.c else None
        if limit is not None and len(value) > limit:
            bad(col, "ie_too_long", n=len(value), limit=limit)


def _column_of(step: dict, check) -> str:
    """The column a check of ``step`` is about: its field's, else the step's date."""
    if step.get("side"):  # the deposits or the buyer refunded (its date, or its other column)
        side = sides.BY_NAME[step["step"]]
        field_ = check.spec.get("field")
        return next((c for c, name in side.fields if name == field_), side.date_col)
    return _COLUMN_OF[step["step"]].get(check.spec.get("field"), BY_NAME[step["step"]].date_col)


def _check_row(row: dict, line: int, look: _Lookups, wf: Workflow, today: dt.date, choices: dict[str, Field],
               replay: Replay):
    errs: list[tuple[int, str, Msg]] = []

    def bad(col, key, **params):
        errs.append((line, col, Msg(key, **params)))

    _check_texts(row, bad)
    if errs:
        return None, errs

    get = row.get
    for col in _REQUIRED:
        if not get(col):
            bad(col, "ie_missing_plain")
    kind = KIND_WORDS.get(row.get("kind", "").lower())
    if row.get("kind") and kind is None:
        bad("kind", "ie_bad_kind", value=row["kind"])
    office_id = look.offices.get(row.get("office", ""))
    if row.get("office") and office_id is None:
        bad("office", "ie_unknown_office", value=row["office"])
    officer = look.officer(row["officer"]) if row.get("officer") else None
    if row.get("officer") and officer is None:
        bad("officer", "ie_unknown_officer", value=row["officer"])
    elif officer and office_id is not None and not look.officer_of(officer, office_id):
        bad("officer", "ie_officer_office", value=row["officer"], office=row["office"])
    key = (office_id, row.get("case_number"), row.get("description"))
    if office_id is not None and key in look.seen:
        where = look.seen[key]
        bad("case_number", "ie_duplicate", value=row["case_number"],
            where=Msg("ie_line_ref", line=where) if isinstance(where, int) else where)
    elif office_id is not None:
        look.seen[key] = line
    state = get("state", "")
    left = get("suspended_from", "")
    if state == "suspended":  # from a state the workflow's suspend leaves from
        sources = [s for s in PATHS if s in wf.triggers["suspend"].sources]
        plan = _SUSPENDED_PLANS.get(left) if left in sources else None
        if plan is None:
            if left:
                bad("suspended_from", "ie_bad_choice", value=left, choices=", ".join(sources))
            else:
                bad("suspended_from", "ie_missing", state=state)
    else:
        plan = _PLANS.get(state)
        if left:
            bad("suspended_from", "ie_not_reached", state=state)
    if plan is None:
        if state and state not in IMPORTABLE:
            bad("state", "ie_unknown_state", value=state, known=", ".join(IMPORTABLE))
        if row.get("seized_on") and parse_day(row["seized_on"]) is None:
            bad("seized_on", "ie_bad_date", first=FIRST_YEAR, last=LAST_YEAR, value=row["seized_on"])
        return None, errs
    steps = []
    prev: tuple[str, dt.date] | None = None
    price = None
    appraised = False  # an appraisal contract among the steps so far
    for spec, required, optional in plan:
        given = get(spec.date_col, "")
        if not (required or (optional and given)):
            if given:
                bad(spec.date_col, "ie_not_reached", state=state)
            for col, _ in spec.fields:
                if get(col):
                    bad(col, "ie_not_reached" if not optional else "ie_field_without_step",
                        state=state, date_col=spec.date_col)
            continue
        if not given:
            bad(spec.date_col, "ie_missing", state=state)
            continue
        on = step_day(given, spec.date_col, today, bad, prev)
        if on is None:
            continue
        prev = (spec.date_col, on)
        sets, extra, reason = {}, {}, None
        for col, typ in spec.fields:
            text = get(col, "")
            if typ == "optional":
                reason = text or None
                continue
            if typ == "field":
                if text:
                    _trigger_field(wf, spec, col, text, extra, bad)
                continue
            if not text:
                bad(col, "ie_missing", state=state)
                continue
            if typ == "money":
                try:
                    value = parse_field(_MONEY[col], text)
                except InvalidInput:
                    bad(col, "ie_bad_number", value=text)
                else:  # a column of the asset, else a field the step's audit row carries (a deposit, costs)
                    (sets if col in ASSET_COLUMNS else extra)[col] = value
            elif typ == "date":
                day = parse_day(text)
                if day is None:
                    bad(col, "ie_bad_date", first=FIRST_YEAR, last=LAST_YEAR, value=text)
                elif day <= on:
                    bad(col, "ie_auction_date", value=day, on=on)
                else:
                    sets[col] = day
            elif typ == "choice":
                field_ = choices[col]
                if text not in field_.choices:
                    bad(col, "ie_bad_choice", value=text, choices=", ".join(field_.choices))
                extra[field_.name] = text
            else:
                sets[col] = text
        trigger = spec.trigger
        if spec.name == "appraisal_contracted":
            appraised = True
        elif spec.name == "priced":
            if appraised:
                trigger = "record_appraisal"
            if "price" in sets:
                price = sets["price"]
                sets["appraised_price"] = price
        if spec.name == "sold":
            if price is not None and sets.get("sale_price", price) < price:
                bad("sale_price", "ie_sale_below", value=sets["sale_price"], price=price)
            if officer:  # the officer in charge recorded it, as far as anyone knows: separation of duties
                sets["sold_by"] = officer["username"]
        if spec.name == "cancelled":
            sets["cancellation_count"] = 1
            reason = reason or "imported"
        step = {"step": spec.name, "trigger": trigger, "to": spec.to, "on": on, "set": sets, "fields": extra,
                "reason": reason}
        if spec.name == "suspended":  # its stopped clock is the engine's effect's to compute
            step["effects"] = True
        steps.append(step)
    counts = {}
    for col, (column, most) in COUNTS.items():
        text = get(col, "")
        if not text:
            continue
        n = int(text) if text.isascii() and text.isdigit() else -1
        if not 0 <= n <= most:
            bad(col, "ie_bad_count", value=text, most=most)
        elif n and not any(s["step"] == "priced" for s in steps):
            bad(col, "ie_count_unpriced")
        elif n:
            counts[column] = n
    least = wf.triggers["accept_by_creditor"].params["min_reductions"]
    if any(s["step"] == "creditor_accepted" for s in steps) and counts.get("reduction_count", 0) < least:
        bad("reductions", "ie_creditor_reductions", n=least)
    if not errs:  # the deposits and the buyer refunded, placed among the steps by their dates
        sides.add(wf, get, steps, today, bad, lambda st: BY_NAME[st["step"]].date_col)
    if errs:
        return None, errs
    for st in steps[1:]:  # a field the workflow version asks that the import has no column for
        if st.get("side"):
            continue
        if _older_choice(wf, st):
            continue  # recorded on a value only an older version offered: the fields of its version
        missing = replay.missing_fields(st["trigger"], {**st["set"], **st["fields"]})
        column_of = _COLUMN_OF[st["step"]]
        for name in missing:  # a column left empty (a version-3 ground's document)
            if name in column_of:
                bad(column_of[name], "ie_missing_field", trigger=st["trigger"], field=name)
        missing = [name for name in missing if name not in column_of]
        if missing:
            bad(BY_NAME[st["step"]].date_col, "ie_no_column", trigger=st["trigger"], fields=", ".join(missing))
    if not errs:  # the workflow's checks, as the engine runs them on each step
        replay.run(kind, steps, _column_of, bad)
    if errs:
        return None, errs
    return {"line": line, "counts": counts, "case_number": row["case_number"], "description": row["description"],
            "kind": kind, "office_id": office_id, "office_code": row["office"], "officer_id": officer["id"],
            "officer": officer["username"], "steps": steps}, errs

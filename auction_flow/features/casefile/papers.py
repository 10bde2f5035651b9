"""The papers the steps issue: numbered, filled from their DOCX template with docxtpl, stored
content-addressed, all inside the step's transaction (handed to the engine as its ``issue``
callable, see auction_flow.core.issue).

Numbering: one count per office, per series (QĐ decisions, TB notices, BB records, HĐ contracts) and
per year of the step's business date, printed ``15/QĐ-CCTHADS`` (CCTHADS for a branch, Chi cục;
CTHADS for an office with no parent, Cục). The count is drawn with one
``INSERT ... ON CONFLICT DO UPDATE SET last = last + 1 RETURNING last`` on its row: the row stays
locked until the step commits (PostgreSQL's row lock, SQLite's write lock), so two steps never draw
the same number, and a step that is refused or rolled back after drawing gives its number back (no
gap). ``UNIQUE (office, series, year, serial)`` on the papers is the last guard.

A paper is filled from the template in force for its kind (the one an administrator set last, else
the shipped ``workflows/templates/KIND.docx``); the paper keeps the template's hash.
"""

from __future__ import annotations

import json

import functools
import io
import threading
from pathlib import Path

from jinja2 import Environment, Template
from sqlalchemy import insert, select, update

from auction_flow.common.config import now_utc
from auction_flow.common.errors import ConflictError, InvalidInput
from auction_flow.common.words import message, term
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.issue import Decided, Issued
from auction_flow.core.workflow import documents_section
from auction_flow.features.casefile import blobs, numwords
from auction_flow.features.casefile import parties as parties_mod
from auction_flow.storage.schema import assets, document_counters, document_templates, documents, offices

ROLE_VARS = {"debtor": "debtors", "creditor": "creditors", "buyer": "buyers"}


def suffix(office: dict) -> str:
    return "CCTHADS" if office["parent_id"] is not None else "CTHADS"


def draw(conn, office_id: int, series: str, year: int) -> int:
    """The next serial of (office, series, year), held locked until the caller's transaction ends."""
    stmt = blobs.upsert(conn, document_counters).values(office_id=office_id, series=series, year=year, last=1)
    stmt = stmt.on_conflict_do_update(index_elements=["office_id", "series", "year"],
                                      set_={"last": document_counters.c.last + 1})
    return conn.execute(stmt.returning(document_counters.c.last)).scalar_one()


@functools.lru_cache(maxsize=64)
def _shipped(path: str, mtime: float) -> bytes:
    return Path(path).read_bytes()


def template(conn, kind: str) -> tuple[bytes, str]:
    """The template in force for ``kind``: (bytes, sha256)."""
    row = conn.execute(select(document_templates.c.sha256).where(document_templates.c.kind == kind)
                       .order_by(document_templates.c.id.desc()).limit(1)).first()
    if row is not None:
        return blobs.get(conn, row.sha256), row.sha256
    path = documents_section.templates_dir() / f"{kind}.docx"
    try:
        data = _shipped(str(path), path.stat().st_mtime)
    except OSError:
        raise InvalidInput("cf.template_missing", kind=kind, path=path) from None
    return data, blobs.sha256(data)


class CompiledOnce(Environment):
    """docxtpl compiles every XML part of a template from its text on each render, a third of the
    time a paper takes, spent while the step holds the write lock. The parts of one template are the
    same text each time, so each is compiled once (a bounded cache; jinja2 templates may be rendered
    by several threads at once)."""

    def __init__(self):
        super().__init__(autoescape=True)
        self.compiled: dict[str, Template] = {}
        self.lock = threading.Lock()

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self.lock:
            held = self.compiled.get(source)
        if held is None:
            held = super().from_string(source)
            with self.lock:
                if len(self.compiled) >= 64:
                    self.compiled.clear()
                self.compiled[source] = held
        return held


JINJA = CompiledOnce()


def render(data: bytes, context: dict, kind: str) -> bytes:
    """The template ``data`` filled with ``context`` (values XML-escaped). A template that fails while
    being filled refuses the step (nothing of it is written, its number is given back)."""
    try:
        # docxtpl (python-docx, lxml) is imported when a paper is made, not at start-up: it is a
        # third of `asset show`'s start-up time, and every command that reads an asset imports this.
        from docxtpl import DocxTemplate

        doc = DocxTemplate(io.BytesIO(data))
        doc.render(context, JINJA, autoescape=True)
        out = io.BytesIO()
        doc.save(out)
    except Exception as exc:  # noqa: BLE001 - a template is data: any failure of it is a refusal
        raise InvalidInput("cf.render_failed", kind=kind, why=f"{type(exc).__name__}: {exc}") from None
    return out.getvalue()


def _person(p: dict) -> dict:
    return {"name": p["name"], "id_number": p["id_number"], "address": p["address"] or "",
            "id_label": message(f"cf.id_label.{p['kind']}", "vi")}


def context(conn, d: Decided, spec: documents_section.DocumentKind, number: str, office: dict, wf) -> dict:
    """Everything a template may use (see workflows/templates/make_templates.py)."""
    parent = None
    if office["parent_id"] is not None:
        parent = conn.execute(select(offices.c.name).where(offices.c.id == office["parent_id"])).scalar()
    linked = parties_mod.of_asset(conn, d.asset["id"])
    ctx = {var: [_person(p) for p in linked if p["role"] == role] for role, var in ROLE_VARS.items()}
    amount = d.value(spec.amount) if spec.amount != "none" else None
    fields = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in d.fields.items()}
    ctx.update(
        parent_office=(parent or "").upper(), office=office["name"].upper(), number=number,
        day=f"{d.on.day:02d}", month=f"{d.on.month:02d}", year=d.on.year,
        case_number=d.asset["case_number"], asset_id=d.asset["id"], asset_description=d.asset["description"],
        asset_kind=message(f"label.{d.asset['kind']}", "vi").lower(),
        basis=spec.basis_for(d.regime, [r.id for r in wf.regimes]), regime=d.regime or "",
        signer_title=message(f"cf.signer.{spec.signer}", "vi"), signer_name=d.actor["name"],
        amount=numwords.figures(amount) if amount else "", amount_words=numwords.dong(amount) if amount else "",
        amount_label=message(f"cf.amount.{spec.amount}", "vi"),
        appraisal_org=d.value("appraisal_org") or "", auction_org=d.value("auction_org") or "",
        auction_date=d.value("auction_date") or "",
        ground=term("ground", fields.get("ground"), "vi") if fields.get("ground") else "",
        suspension=message(f"cf.suspension.{fields.get('kind', 'suspend')}", "vi"),
        reason=d.reason or "", step=term("trigger", d.trigger, "vi"))
    # the step's other fields and the facts earlier steps kept (a notified handover day), by name
    kept = json.loads(d.asset.get("facts") or "{}")
    ctx.update({k: v for k, v in {**kept, **fields}.items() if k not in ctx})
    return ctx


class Papers:
    """The ``issue`` callable of one step: links the parties the step names (a seizure's debtors and
    creditors, a sale's buyer) and issues the paper the workflow gives the trigger, if any."""

    def __init__(self, links: list[tuple[dict, str]] = ()):
        self.links = list(links)  # (party row, role)

    def __call__(self, conn, d: Decided) -> Issued | None:
        if d.trigger != documents_section.SEIZE:
            # Claim the asset first, guarded by the version the engine read: of two steps racing on one
            # asset (PostgreSQL), the second waits here for the first to commit and is then refused as a
            # conflict, before it links a party or draws a number (and the asset's row lock is always
            # taken before a counter's, as every writer takes it before the audit head's).
            claimed = conn.execute(update(assets).where(assets.c.id == d.asset["id"],
                                                        assets.c.version == d.asset["version"])
                                   .values(version=assets.c.version))
            if claimed.rowcount != 1:
                raise ConflictError("conflict", asset=d.asset["id"], seen=d.asset["version"])
        notes = {}
        if self.links:
            linked = [parties_mod.insert_link(conn, d.asset["id"], p, role, d.on, d.actor["username"])
                      for p, role in self.links]
            notes["parties"] = (None, linked)
            buyers = [p["id"] for p, role in self.links if role == "buyer"]
            if buyers:
                notes["buyer_party"] = (None, buyers[0])
        wf = workflow_mod.get(d.asset["workflow"], d.asset["workflow_version"])
        kind = documents_section.for_workflow(wf).get(d.trigger)
        if kind is None:
            return Issued(notes=notes) if notes else None
        spec = documents_section.kinds()[kind]
        office = conn.execute(select(offices).where(offices.c.id == d.asset["office_id"])).mappings().one()
        serial = draw(conn, office["id"], spec.series, d.on.year)
        number = f"{serial}/{spec.series}-{suffix(office)}"
        data, template_sha = template(conn, kind)
        paper = render(data, context(conn, d, spec, number, office, wf), kind)
        key = blobs.put(conn, paper, blobs.DOCX)
        conn.execute(insert(documents).values(
            asset_id=d.asset["id"], seq=d.seq, trigger=d.trigger, kind=kind, office_id=office["id"],
            series=spec.series, year=d.on.year, serial=serial, number=number, issued_on=d.on, sha256=key,
            template_sha256=template_sha, created_by=d.actor["username"], created_at=now_utc()))
        return Issued(kind, number, key, notes)

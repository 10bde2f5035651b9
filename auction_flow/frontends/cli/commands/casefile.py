"""The case file on the command line: ``party``, ``doc``, and the ``asset`` commands that open an
asset's case file (``asset parties|attach|attachments|attachment-get|casefile``, added to the asset
group by its module)."""

from __future__ import annotations

from pathlib import Path

import click

from auction_flow.common.errors import InvalidInput, UsageError
from auction_flow.common.render import output_file, table
from auction_flow.common.words import message, term
from auction_flow.features.casefile import attachments as attachments_svc
from auction_flow.features.casefile import documents as documents_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.frontends.cli import params
from auction_flow.frontends.cli.app import common
from auction_flow.frontends.cli.help import HelpCommand, HelpGroup
from auction_flow.frontends.cli.kit import actor, cols, engine, json_option, lang, out, t


def cf(key: str, **params) -> str:
    return message(f"cf.{key}", lang(), **params)


def _write(path: str, data: bytes, what: str, sha256: str) -> dict:
    with output_file(path):  # a missing folder, a full disk: said as such, naming the file
        Path(path).write_bytes(data)
    return {"path": path, "size": len(data), "sha256": sha256, "what": what}


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput("cf.attach_unreadable", file=path, why=exc.strerror) from None


def _roles(rows: list[dict]) -> list[dict]:
    return [{**r, "role_label": term("party_role", r["role"], lang())} for r in rows]


# --- party -------------------------------------------------------------------------------------

@click.group(cls=HelpGroup)
def party():
    """Parties: debtors, creditors, buyers and bidders, linked to assets in their roles."""


@party.command("add")
@common
@click.argument("name")
@click.option("--id-number", required=True, metavar="N",
              help="Citizen ID (12 digits) or enterprise code (10 digits, 13 for a branch).")
@click.option("--kind", type=click.Choice(["person", "enterprise"]), default="person", show_default=True)
@click.option("--address", metavar="TEXT")
@json_option
def party_add(name, id_number, kind, address, as_json):
    """Register a party; print its id.

    Example: auction-flow --as cv_an party add "Nguyễn Văn Đức" --id-number 093085001234 --address "Phường 5, Vị Thanh"
    """
    res = parties_svc.add(engine(), actor(), name, id_number, kind, address)
    out(res, as_json, str(res["id"]))


@party.command("show")
@common
@click.argument("party_id", metavar="PARTY_ID", type=params.ID)
@json_option
def party_show(party_id, as_json):
    """A party, its identity number and the assets and cases it is linked to, in its roles.

    Example: auction-flow --as cv_an party show 1
    """
    def text(p):
        lines = [f"{p['id']}  {p['name']}  ({term('party_kind', p['kind'], lang())}, {p['id_number']})",
                 p["address"] or "-", f"{cf('cases')}: {', '.join(p['cases']) or '-'}"]
        rows = _roles(p["assets"])
        return "\n".join(lines + ["", table(rows, cols(("asset_id", "asset"), ("case_number", "case"),
                                                          ("role_label", "role"), ("office", "office"),
                                                          ("state", "state"), ("description", "description")))])
    out(parties_svc.show(engine(), actor(), party_id), as_json, text)


@party.command("list")
@common
@click.option("--role", type=click.Choice(list(parties_svc.ROLES)), help="Only parties linked in this role.")
@json_option
def party_list(role, as_json):
    """The parties the actor may see, by name.

    Example: auction-flow --as ld_binh party list --role buyer
    """
    rows = parties_svc.list_parties(engine(), actor(), role)
    out(rows, as_json, lambda r: table(r, cols(("id", "id"), ("name", "name"), ("id_number", "id_number"),
                                                ("office", "office"), ("address", "address"))) or t("none"))


@party.command("link")
@common
@click.argument("ids", nargs=-1, metavar="[PARTY_ID] ASSET_ID", type=params.ID)
@click.option("--id-number", metavar="N",
              help="The party's full identity number, instead of PARTY_ID: how a party of another office is linked.")
@click.option("--role", required=True, type=click.Choice(list(parties_svc.ROLES)))
@click.option("--on", "on", type=params.DAY, metavar="DATE", help="Business date (default: today).")
@json_option
def party_link(ids, id_number, role, on, as_json):
    """Link a party to an asset in a role (an audit row on the asset's chain).

    The party is PARTY_ID, a party you may see; a party registered by another office is linked by
    its full identity number, --id-number N ASSET_ID (never by a part of it, nor by a name).

    Example: auction-flow --as cv_an party link 2 1 --role creditor
    """
    if len(ids) != (1 if id_number is not None else 2):
        raise UsageError("cf.link_arguments")
    party = parties_svc.ByNumber(id_number) if id_number is not None else ids[0]
    res = parties_svc.link(engine(), actor(), party, ids[-1], role, on)
    out(res, as_json, cf("linked", asset=res["asset_id"], name=res["name"], party=res["party_id"],
                         role=term("party_role", role, lang())))


# --- doc ---------------------------------------------------------------------------------------

@click.group(cls=HelpGroup)
def doc():
    """Papers the steps issue: list, get, verify; templates."""


def _docs_table(rows):
    return table(rows, cols(("id", "id"), ("number", "number"), ("kind_label", "kind"), ("issued_on", "issued"),
                            ("trigger", "trigger"), ("sha256", "sha256"))) or t("none")


@doc.command("list")
@common
@click.argument("asset_id", metavar="ASSET_ID", type=params.ID)
@json_option
def doc_list(asset_id, as_json):
    """The papers issued for an asset: number, kind, date, SHA-256.

    Example: auction-flow --as cv_an doc list 1 --json
    """
    out(documents_svc.list_documents(engine(), actor(), asset_id, lang()), as_json, _docs_table)


@doc.command("get")
@common
@click.argument("doc_id", metavar="DOC_ID", type=params.ID)
@click.option("--output", required=True, metavar="FILE", help="Where to write the DOCX.")
@json_option
def doc_get(doc_id, output, as_json):
    """Write a paper's DOCX to a file.

    Example: auction-flow --as cv_an doc get 3 --output 3-QD.docx
    """
    meta, data = documents_svc.get(engine(), actor(), doc_id, lang())
    res = {**meta, **_write(output, data, meta["number"], meta["sha256"])}
    out(res, as_json, cf("written", what=meta["number"], path=output, size=len(data), sha256=meta["sha256"]))


@doc.command("verify")
@common
@click.argument("doc_id", metavar="DOC_ID", type=params.ID, required=False)
@click.option("--asset", "asset_id", type=params.ID, metavar="ID", help="Every paper and attachment of this asset.")
@json_option
def doc_verify(doc_id, asset_id, as_json):
    """Check that stored papers (and attachments) still hash to what the audit chain holds; exit 1
    naming the first that does not.

    Example: auction-flow --as ld_binh doc verify 3
    """
    found = documents_svc.verify(engine(), actor(), doc_id, asset_id)
    out(found, as_json, cf("verified", n=len(found)))


@doc.group("template")
def template():
    """Templates of the papers (administrators replace them)."""


@template.command("list")
@common
@json_option
def template_list(as_json):
    """Every kind of paper and the template in force.

    Example: auction-flow --as admin doc template list
    """
    rows = documents_svc.templates(engine(), actor(), lang())
    for r in rows:
        r["source"] = r["set_by"] or cf("shipped")
    out(rows, as_json, lambda r: table(r, cols(("kind", "kind"), ("label", "label"), ("series", "series"),
                                                ("source", "set_by"), ("sha256", "sha256"))))


@template.command("get")
@common
@click.argument("kind")
@click.option("--output", required=True, metavar="FILE")
@json_option
def template_get(kind, output, as_json):
    """Write the template in force for a kind to a file (to edit it).

    Example: auction-flow --as admin doc template get sale_result_notice --output mau.docx
    """
    data = documents_svc.template_bytes(engine(), actor(), kind)
    res = _write(output, data, kind, documents_svc.blobs.sha256(data))
    out(res, as_json, cf("written", what=kind, path=output, size=len(data), sha256=res["sha256"]))


@template.command("set")
@common
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@json_option
def template_set(kind, file, as_json):
    """Put a DOCX in force as the template of a kind (administrators; audited; papers already issued
    do not change).

    Example: auction-flow --as admin doc template set sale_result_notice mau.docx
    """
    res = documents_svc.set_template(engine(), actor(), kind, _read(file), Path(file).name)
    out(res, as_json, cf("template_set", kind=kind, sha256=res["sha256"]))


# --- asset: the case file ----------------------------------------------------------------------

@click.command("parties", cls=HelpCommand)
@common
@click.argument("asset_id", metavar="ID", type=params.ID)
@json_option
def asset_parties(asset_id, as_json):
    """The parties of an asset in their roles.

    Example: auction-flow --as cv_an asset parties 1
    """
    rows = _roles(parties_svc.asset_parties_view(engine(), actor(), asset_id))
    out(rows, as_json, lambda r: table(r, cols(("party_id", "id"), ("role_label", "role"), ("name", "name"),
                                                ("id_number", "id_number"), ("address", "address"))) or t("none"))


@click.command("attach", cls=HelpCommand)
@common
@click.argument("asset_id", metavar="ID", type=params.ID)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", required=True, type=click.Choice(list(attachments_svc.KINDS)))
@click.option("--on", "on", type=params.DAY, metavar="DATE", help="Business date (default: today).")
@json_option
def asset_attach(asset_id, file, kind, on, as_json):
    """Attach a scan (PDF, JPEG, PNG, TIFF) to an asset: stored by its SHA-256, on the asset's chain.

    Example: auction-flow --as cv_an asset attach 1 qd-ke-bien.pdf --kind signed_decision
    """
    res = attachments_svc.attach(engine(), actor(), asset_id, _read(file), Path(file).name, kind, on)
    out(res, as_json, cf("attached", asset=res["asset_id"], file=res["filename"], id=res["id"], sha256=res["sha256"]))


def _attachments_table(rows):
    rows = [{**r, "kind_label": term("attachment_kind", r["kind"], lang())} for r in rows]
    return table(rows, cols(("id", "id"), ("kind_label", "kind"), ("filename", "file"), ("size", "size"),
                            ("attached_on", "date"), ("sha256", "sha256"))) or t("none")


@click.command("attachments", cls=HelpCommand)
@common
@click.argument("asset_id", metavar="ID", type=params.ID)
@json_option
def asset_attachments(asset_id, as_json):
    """The scans attached to an asset.

    Example: auction-flow --as cv_an asset attachments 1
    """
    out(attachments_svc.list_attachments(engine(), actor(), asset_id), as_json, _attachments_table)


@click.command("attachment-get", cls=HelpCommand)
@common
@click.argument("attachment_id", metavar="ATTACHMENT_ID", type=params.ID)
@click.option("--output", required=True, metavar="FILE")
@json_option
def asset_attachment_get(attachment_id, output, as_json):
    """Write an attached scan to a file.

    Example: auction-flow --as cv_an asset attachment-get 1 --output scan.pdf
    """
    meta, data = attachments_svc.get(engine(), actor(), attachment_id)
    res = {**meta, **_write(output, data, meta["filename"], meta["sha256"])}
    out(res, as_json, cf("written", what=meta["filename"], path=output, size=len(data), sha256=meta["sha256"]))


@click.command("casefile", cls=HelpCommand)
@common
@click.argument("asset_id", metavar="ID", type=params.ID)
@json_option
def asset_casefile(asset_id, as_json):
    """An asset's case file: its parties, the papers its steps issued, the scans attached.

    Example: auction-flow --as ld_tinh asset casefile 1 --lang vi
    """
    eng_, who = engine(), actor()
    data = {"asset_id": int(asset_id) if str(asset_id).isdigit() else asset_id,
            "parties": _roles(parties_svc.asset_parties_view(eng_, who, asset_id)),
            "documents": documents_svc.list_documents(eng_, who, asset_id, lang()),
            "attachments": attachments_svc.list_attachments(eng_, who, asset_id)}

    def text(d):
        return "\n".join([
            cf("parties") + ":", table(d["parties"], cols(("party_id", "id"), ("role_label", "role"), ("name", "name"),
                                                          ("id_number", "id_number"))) or t("none"), "",
            cf("documents") + ":", _docs_table(d["documents"]), "",
            cf("attachments") + ":", _attachments_table(d["attachments"])])
    out(data, as_json, text)


ASSET_COMMANDS = (asset_parties, asset_attach, asset_attachments, asset_attachment_get, asset_casefile)

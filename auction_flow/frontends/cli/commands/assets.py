"""Commands on assets: seize, advance, show, list, history, reassign, correct."""

from __future__ import annotations

from dataclasses import asdict

import click

from auction_flow.common.errors import UsageError
from auction_flow.common.render import money, table
from auction_flow.common.words import label as L
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.features.casefile import search as search_svc
from auction_flow.features.supervision import service as supervision_svc
from auction_flow.frontends.cli import params
from auction_flow.frontends.cli.app import common
from auction_flow.frontends.cli.commands.casefile import ASSET_COMMANDS
from auction_flow.frontends.cli.help import HelpGroup
from auction_flow.frontends.cli.kit import actor, as_of, code, cols, due, engine, json_option, lang, now_option, out, t
from auction_flow.frontends.cli.text import history_text

# --- assets ------------------------------------------------------------------------------

@click.group(cls=HelpGroup)
def asset():
    """Seized assets: seize, advance, show, list."""


@asset.command("seize")
@common
@click.option("--case", "case_number", required=True, help="Enforcement case number.")
@click.option("--office", "office_code", required=True, metavar="CODE")
@click.option("--kind", required=True, type=click.Choice(["movable", "real_estate"]))
@click.option("--description", required=True)
@click.option("--officer", metavar="USERNAME", help="Assigned officer (default: the actor).")
@click.option("--on", "on", type=params.DAY, metavar="DATE", help="Business date of the seizure (default: today).")
@click.option("--debtor", "debtors", multiple=True, type=params.ID, metavar="PARTY_ID", help="A debtor (repeatable).")
@click.option("--creditor", "creditors", multiple=True, type=params.ID, metavar="PARTY_ID",
              help="A creditor (repeatable).")
@click.option("--debtor-id-number", "debtor_numbers", multiple=True, metavar="N",
              help="A debtor by their full identity number (repeatable): how a party of another office is linked.")
@click.option("--creditor-id-number", "creditor_numbers", multiple=True, metavar="N",
              help="A creditor by their full identity number (repeatable): how a party of another office is linked.")
@click.option("--allow-duplicate", is_flag=True,
              help="Record it even though the office already has an asset of this case and description.")
@click.option("-q", "--quiet", is_flag=True, help="Print the new asset's id alone (for scripts).")
@json_option
def asset_seize(case_number, office_code, kind, description, officer, on, debtors, creditors, debtor_numbers,
                creditor_numbers, allow_duplicate, quiet, as_json):
    """Record a seizure, its debtors and creditors, and issue its decision; say the new asset's id,
    state and deadline.

    --debtor and --creditor take the id of a party you may see; a party registered by another
    office is named by its full identity number, --debtor-id-number or --creditor-id-number.

    A second seizure of the same thing (same office, case number and description) is refused
    with the first asset's id unless --allow-duplicate is given.

    Example: auction-flow --as cv_an asset seize --case 12/2026/QĐ-CCTHADS --office HG-VT
    --kind real_estate --description "Thửa đất 120 m², phường 5" --on 2026-11-02 --debtor 1 --creditor 2
    """
    eng = engine()
    if not allow_duplicate:
        assets_svc.refuse_duplicate(eng, office_code, case_number, description)
    debtors = [*debtors, *map(parties_svc.ByNumber, debtor_numbers)]
    creditors = [*creditors, *map(parties_svc.ByNumber, creditor_numbers)]
    new_id = assets_svc.seize(eng, actor(), case_number, office_code, kind, description, officer, on,
                              debtors, creditors)
    if quiet and not as_json:
        click.echo(new_id)
        return
    res = assets_svc.seized(eng, new_id)
    out(res, as_json, t("seized", id=res["id"], state=code("state", res["state"]), deadline=res["deadline"])
        if res["deadline"] else t("seized_no_deadline", id=res["id"], state=code("state", res["state"])))


@asset.command("advance")
@common
@click.argument("asset_id", metavar="ID", type=params.ID)
@click.argument("trigger")
@click.option("--on", "on", type=params.DAY, metavar="DATE", help="Business date of the step (default: today).")
@click.option("--reason", help="Grounds for the step (required by some triggers).")
@click.option("--set", "sets", multiple=True, type=params.FIELD_VALUE, metavar="FIELD=VALUE",
              help="A field the trigger needs.")
@click.option("--expect-version", type=params.COUNT, metavar="N",
              help="Refuse (conflict) unless the asset is still at version N, as last seen.")
@click.option("--buyer", type=params.ID, metavar="PARTY_ID", help="The party who bought (record_sale).")
@click.option("--buyer-id-number", metavar="N",
              help="The party who bought, by their full identity number (instead of --buyer).")
@json_option
def asset_advance(asset_id, trigger, on, reason, sets, expect_version, buyer, buyer_id_number, as_json):
    """Fire a trigger on an asset; the paper the step issues is numbered and stored with it.

    Example: auction-flow --as cv_an asset advance 1 agree_price --set price=850000000 --on 2026-11-05
    """
    if buyer is not None and buyer_id_number is not None:
        raise UsageError("cf.buyer_twice")
    if buyer_id_number is not None:
        buyer = parties_svc.ByNumber(buyer_id_number)
    res = assets_svc.advance(engine(), asset_id, trigger, actor(), on, sets, reason, expect_version, buyer)
    out(asdict(res), as_json, t("advanced", asset=res.asset_id, from_state=code("state", res.from_state),
                                to_state=code("state", res.to_state), on=res.on)
        + (t("advanced_deadline", deadline=res.deadline) if res.deadline else "")
        + "".join(t("advanced_opened", obligation=code("obligation", name), due=day) for name, day in res.opened)
        + "".join(t("advanced_closed", obligation=code("obligation", name), done=day) for name, day in res.closed))


def _trigger(name: str) -> str:
    return f"{code('trigger', name)} ({name})" if lang() == "vi" else name


def _notice_lines(a: dict, lg: str) -> list[str]:
    """The certificate's validity, the notice to the parties, each party's receipt and its window."""
    lines = [f"{L('valid_until', lg)}: {a['valid_until']}"] if a.get("valid_until") else []
    notice = a.get("notice")
    if notice:
        lines.append(f"{L('notice', lg)}: " + t("notice_line", seq=notice["seq"], trigger=notice["trigger"],
                                                  on=notice["on"]))
        lines += ["  " + t("receipt_line", party=r["party"], name=r["name"] or "",
                           received_on=r["received_on"], window_ends=r["window_ends"] or "-")
                  for r in notice["receipts"]] or ["  " + L("no_receipts", lg)]
    return lines


def _asset_text(a: dict) -> str:

    lg = lang()
    state = a["state_label"] if lg == "vi" else f"{a['state']} ({a['state_label']})"
    lines = [f"{L('id', lg)} {a['id']}  {a['case_number']}  {a['description']}",
             f"{L('kind', lg)}: {L(a['kind'], lg)}   {L('office', lg)}: {a['office']}   "
             f"{L('officer', lg)}: {a['officer'] or '-'}",
             f"{L('state', lg)}: {state}   {L('entered', lg)}: {a['state_entered_on']}"
             + (f" ({a['suspended_days']} {L('days_suspended', lg)})" if a.get("suspended_days") else "")]
    if a["deadline"]:
        late = f"  [{L('overdue', lg)}]" if a["overdue"] else ""
        lines.append(f"{L('deadline', lg)}: {a['deadline']} ({due(a['days_left'])}){late}")
        lines.append(f"{L('basis', lg)}: {a['deadline_basis']} [{a['regime']}]")
    else:
        lines.append(f"{L('deadline', lg)}: {L('none', lg)}")
    lines.append(f"{L('appraised', lg)}: {money(a['appraised_price'])}   {L('price', lg)}: {money(a['price'])}"
                 f"   {L('sale_price', lg)}: {money(a['sale_price'])}   {L('buyer', lg)}: {a['buyer'] or '-'}")
    lines += _notice_lines(a, lg)
    for o in a.get("obligations", ()):  # the side clocks running beside the state's
        late = f"  [{L('overdue', lg)}]" if o["overdue"] else ""
        name = o["label"] if lg == "vi" else f"{o['name']} ({o['label']})"
        lines.append(f"{L('obligations', lg)}: {name}: {L('due', lg)} {o['due']} ({due(o['days_left'])}){late}"
                     f"  [{o['basis']}]")
    lines.append(f"{L('allowed', lg)}: {', '.join(map(_trigger, a['allowed_triggers'])) or '-'}")
    if "history" in a:
        rows = [{**h, "trigger": code("trigger", h["trigger"]), "from": code("state", h["from"]),
                 "to": code("state", h["to"])} for h in a["history"]]
        lines += ["", L("history", lg) + ":", table(rows, cols(
            ("seq", "seq"), ("on", "date"), ("trigger", "trigger"), ("from", "from"), ("to", "to"),
            ("actor", "by"), ("reason", "reason")))]
    return "\n".join(lines)


@asset.command("show")
@common
@click.argument("asset_id", metavar="ID|CASE")
@now_option
@json_option
def asset_show(asset_id, now, as_json):
    """Where an asset stands, its deadline and legal basis, what it may do next, its history.

    ID is the asset's id, or its case number when that names exactly one asset you may see
    (if it names several, they are listed and you pick one by id).

    Example: auction-flow --as cv_an asset show 1 --lang vi
    """
    eng = engine()
    out(assets_svc.show(eng, asset_id, actor(), lang(), on=as_of(eng, now)), as_json, _asset_text)


def _list_text(rows):
    view = [{**r, "state": code("state", r["state"]),
             "days_left": due(r["days_left"]) if r["days_left"] is not None else "-"} for r in rows]
    return table(view, cols(("id", "id"), ("case_number", "case"), ("office", "office"), ("officer", "officer"),
                            ("state", "state"), ("deadline", "deadline"), ("days_left", "due"),
                            ("description", "description"))) or t("none")


@asset.command("list")
@common
@click.option("--state", help="Only assets in this state.")
@click.option("--office", "office_code", metavar="CODE", help="Only this office.")
@click.option("--overdue", is_flag=True, help="Only assets past their deadline.")
@click.option("--case", "case", metavar="TEXT", help="Search case numbers (diacritics and case ignored).")
@click.option("--party", metavar="TEXT", help="Search the names and ID numbers of the assets' parties.")
@click.option("--q", "q", metavar="TEXT", help="Search case numbers, descriptions and parties.")
@click.option("--limit", type=params.CountType(1), default=50, show_default=True, help="Most results of a search.")
@now_option
@json_option
def asset_list(state, office_code, overdue, case, party, q, limit, now, as_json):
    """List the assets the actor may see, nearest deadline first; with --case, --party or --q, the
    assets that match, best first ("nguyen van an" finds "Nguyễn Văn An").

    Example: auction-flow --as ld_binh asset list --overdue
    """

    eng = engine()
    if case is not None or party is not None or q is not None:
        rows = search_svc.search(eng, actor(), q, case, party, state, office_code, overdue, limit, lang())
        for r in rows:
            r["party_names"] = ", ".join(p["name"] for p in r["parties"])
        out(rows, as_json, lambda rs: table([{**r, "state": code("state", r["state"])} for r in rs], cols(
            ("rank", "rank"), ("id", "id"), ("case_number", "case"), ("office", "office"), ("state", "state"),
            ("party_names", "parties"), ("description", "description"))) or t("none"))
        return
    rows = assets_svc.list_assets(eng, actor(), state, office_code, overdue, lang(), on=as_of(eng, now))
    out(rows, as_json, _list_text)



# --- supervision: audit trail, access log, signals, complaints (issue 4) -----------------

@asset.command("history")
@common
@click.argument("asset_id", metavar="ID", type=params.ID)
@click.option("--now", "--on", "on", type=params.DAY, metavar="DATE",
              help="Measure open stages up to this day (default: today; on a demo database, the demo's day).")
@json_option
def asset_history(asset_id, on, as_json):
    """An asset's timeline: days spent in each state and each deadline met or missed.

    Example: auction-flow --as ld_binh asset history 1
    """

    eng = engine()
    out(supervision_svc.history(eng, asset_id, actor(), as_of(eng, on)), as_json, lambda d: history_text(d, lang()))


@asset.command("reassign")
@common
@click.argument("asset_id", metavar="ID", type=params.ID)
@click.option("--to", "to_user", required=True, metavar="USERNAME", help="The officer who takes the asset over.")
@click.option("--reason", required=True, help="Why (recorded in the audit trail).")
@click.option("--on", "on", type=params.DAY, metavar="DATE", help="Business date (default: today).")
@json_option
def asset_reassign(asset_id, to_user, reason, on, as_json):
    """Give an asset to another officer (supervisors of its office or above).

    Example: auction-flow --as ld_binh asset reassign 1 --to cv_ba --reason "cv_an nghỉ phép dài hạn"
    """

    res = assets_svc.reassign(engine(), asset_id, actor(), to_user, reason, on)
    before, after = res["changes"]["officer"]
    out(res, as_json, t("reassigned", asset=res["asset_id"], before=before, after=after))


@asset.command("correct")
@common
@click.argument("asset_id", metavar="ID", type=params.ID)
@click.option("--set", "sets", multiple=True, required=True, type=params.FIELD_VALUE, metavar="FIELD=VALUE",
              help="A descriptive field to correct (case_number, description, buyer, appraisal_org, auction_org).")
@click.option("--reason", required=True, help="Why (recorded in the audit trail).")
@click.option("--on", "on", type=params.DAY, metavar="DATE", help="Business date (default: today).")
@json_option
def asset_correct(asset_id, sets, reason, on, as_json):
    """Correct a descriptive field of an asset, audited with its before and after.

    Example: auction-flow --as cv_an asset correct 1 --set "buyer=Lê Văn Tám" --reason "sai chính tả"
    """

    res = assets_svc.correct(engine(), asset_id, actor(), sets, reason, on)
    out(res, as_json, t("corrected", asset=res["asset_id"], changes=", ".join(
        f"{k}: {a!r} -> {b!r}" for k, (a, b) in res["changes"].items())))


for _command in ASSET_COMMANDS:  # the case file: parties, attachments (auction_flow.features.casefile)
    asset.add_command(_command)

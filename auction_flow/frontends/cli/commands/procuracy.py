"""Commands: the procuracy (Viện kiểm sát): decisions sent to it, its recommendations and protests."""

from __future__ import annotations

import click

from auction_flow.common.render import table
from auction_flow.common.words import message, term
from auction_flow.features.procuracy import service as procuracy_svc
from auction_flow.frontends.cli import params
from auction_flow.frontends.cli.app import common
from auction_flow.frontends.cli.help import HelpGroup
from auction_flow.frontends.cli.kit import actor, as_of, engine, json_option, lang, now_option, out


def _code(kind: str, value, lg: str):
    return term(kind, value, lg) if lg == "vi" and value is not None else value


def item_text(d: dict, lg: str) -> str:
    return message("pk.item", lg, kind=_code("procuracy_kind", d["kind"], lg), id=d["id"], number=d["number"],
                   asset=d["asset"], status=_code("procuracy_status", d["status"], lg), received=d["received_on"],
                   due=d["answer_due"], clock=_code("clock", d["clock"], lg))


def sent_text(d: dict, lg: str) -> str:
    return message("pk.sent", lg, step=d["step"], trigger=_code("trigger", d["trigger"], lg), asset=d["asset"],
                   sent=d["sent_on"] or "-", due=d["send_due"], clock=_code("clock", d["clock"], lg))


def _h(key: str, lg: str) -> str:
    return message(f"h.{key}", lg)


def list_text(d: dict, lg: str) -> str:
    items = [{**r, "kind": _code("procuracy_kind", r["kind"], lg), "status": _code("procuracy_status", r["status"], lg),
              "clock": _code("clock", r["clock"], lg)} for r in d["items"]]
    decisions = [{**r, "trigger": _code("trigger", r["trigger"], lg), "clock": _code("clock", r["clock"], lg)}
                 for r in d["decisions"]]
    none = message("sup.none", lg)
    return "\n".join([
        message("pk.items", lg),
        table(items, [(k, _h(h, lg)) for k, h in (("id", "id"), ("asset", "asset"), ("office", "office"),
                                                   ("kind", "kind"), ("number", "number"), ("status", "status"),
                                                   ("received_on", "received"), ("answer_due", "pk_due"),
                                                   ("clock", "clock"))]) or none,
        "", message("pk.decisions", lg),
        table(decisions, [(k, _h(h, lg)) for k, h in (("asset", "asset"), ("step", "step"), ("trigger", "trigger"),
                                                       ("decided_on", "decided"), ("send_due", "pk_due"),
                                                       ("sent_on", "sent"), ("clock", "clock"))]) or none])


@click.group(cls=HelpGroup)
def procuracy():
    """The procuracy: decisions sent to it, its recommendations and protests, the answers."""


@procuracy.command("send")
@common
@click.argument("asset_id", metavar="ASSET", type=params.ID)
@click.argument("step", metavar="STEP", type=params.ID)
@click.option("--on", "on", type=params.DAY, metavar="DATE", help="Day it was sent (default: today).")
@click.option("--reference", metavar="TEXT", help="The dispatch's number in the office's book.")
@json_option
def send(asset_id, step, on, reference, as_json):
    """Record that the decision of an asset's step was sent to the procuracy (officers, supervisors).

    STEP is the step's position in the asset's audit trail (audit log --asset).

    Example: auction-flow --as cv_an procuracy send 7 1 --on 2026-03-04 --reference 112/CV-THA
    """

    out(procuracy_svc.send(engine(), actor(), asset_id, step, on, reference), as_json, lambda d: sent_text(d, lang()))


def _register(kind, asset_id, number, received, about, step, as_json):
    out(procuracy_svc.register(engine(), actor(), kind, asset_id, number, received, about, step), as_json,
        lambda d: item_text(d, lang()))


def _register_options(fn):
    for option in reversed((
            click.option("--asset", "asset_id", required=True, type=params.ID, metavar="ID", help="The asset."),
            click.option("--number", required=True, metavar="TEXT", help="The procuracy's document number."),
            click.option("--received", required=True, type=params.DAY, metavar="DATE",
                         help="Day the office received it (the answer clock counts from it)."),
            click.option("--about", required=True, metavar="TEXT", help="What it asks or objects to."),
            click.option("--step", type=params.ID, metavar="SEQ", help="The step it is about (audit log --asset)."),
            json_option)):
        fn = option(fn)
    return fn


@procuracy.command("recommend")
@common
@_register_options
def recommend(asset_id, number, received, about, step, as_json):
    """Register the procuracy's recommendation (kiến nghị) about an asset (procurators).

    Example: auction-flow --as ksv procuracy recommend --asset 7 --number 02/KN-VKS --received 2026-05-18
    --about "Chậm gửi quyết định"
    """

    _register("recommendation", asset_id, number, received, about, step, as_json)


@procuracy.command("protest")
@common
@_register_options
def protest(asset_id, number, received, about, step, as_json):
    """Register the procuracy's protest (kháng nghị) about an asset (procurators).

    Example: auction-flow --as ksv procuracy protest --asset 7 --number 05/QĐ-VKS --received 2026-05-18
    --about "Giảm giá quá 10%" --step 6
    """

    _register("protest", asset_id, number, received, about, step, as_json)


@procuracy.command("answer")
@common
@click.argument("item_id", metavar="ID", type=params.ID)
@click.option("--on", "on", type=params.DAY, metavar="DATE", help="Day of the answer (default: today).")
@click.option("--text", "text", required=True, metavar="TEXT", help="The answer in a few words.")
@json_option
def answer(item_id, on, text, as_json):
    """Record the office's answer to a recommendation or protest (supervisors).

    Example: auction-flow --as ld_binh procuracy answer 1 --on 2026-05-25 --text "Đã chấn chỉnh"
    """

    out(procuracy_svc.answer(engine(), actor(), item_id, on, text), as_json, lambda d: item_text(d, lang()))


@procuracy.command("list")
@common
@click.option("--asset", "asset_id", type=params.ID, metavar="ID", help="Only this asset.")
@now_option
@json_option
def list_(asset_id, now, as_json):
    """Recommendations and protests, and the decisions owed to the procuracy, with their clocks.

    Example: auction-flow --as ksv procuracy list --json
    """

    eng = engine()
    out(procuracy_svc.list_all(eng, actor(), as_of(eng, now), asset_id), as_json, lambda d: list_text(d, lang()))

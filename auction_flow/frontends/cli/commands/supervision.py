"""Commands: the audit trail, refused access, inspection signals, complaints."""

from __future__ import annotations

from pathlib import Path

import click

from auction_flow.common.errors import UsageError
from auction_flow.common.render import output_file, to_json
from auction_flow.features.complaints import service as complaints_svc
from auction_flow.features.supervision import service as supervision_svc
from auction_flow.frontends.cli import params
from auction_flow.frontends.cli.app import common
from auction_flow.frontends.cli.help import HelpGroup
from auction_flow.frontends.cli.kit import actor, as_of, engine, json_option, lang, now_option, out, t
from auction_flow.frontends.cli.text import (
    anchors_table,
    complaint_text,
    complaints_table,
    denied_table,
    log_csv,
    log_table,
    root_text,
    signals_text,
    verify_text,
)


@click.group(cls=HelpGroup)
def audit():
    """The audit trail: verify its chains, read it, refusals, inspection signals."""


@audit.command("verify")
@common
@click.option("--anchor", "anchors", multiple=True, metavar="ROOT:HASH",
              help="An anchor an earlier verify or a digest printed, kept outside the system: it must still "
                   "be in place (repeatable).")
@click.option("--since-last", is_flag=True, help="Also check every anchor recorded so far (audit anchors).")
@click.option("--office", metavar="CODE", help="Only this office's chain (and its assets), against the roots.")
@click.option("--province", metavar="CODE", help="Only the chains of this province's offices (its own and its "
              "branches), against the roots.")
@json_option
def audit_verify(anchors, since_last, office, province, as_json):
    """Check every hash chain of the audit log and the roots that join them; name the first row
    that does not match (exit 1).

    It first takes a root over every chain; an intact log prints it as its anchor (root:hash)
    and records it (audit anchors). Kept outside the system (inspection minutes, an e-mail), it
    lets a later --anchor show that the log up to it was not rewritten, even by someone who
    can write to the database.

    With --office or --province only those offices' chains are read, row by row, against every
    root (so that none of their rows was dropped), with the roots whole and the offices' assets
    replayed; the output says what was and was not checked. Supervisors and procurators may
    verify the offices in their scope.

    Example: auction-flow --as ksv audit verify --since-last --anchor 12:9f2c4e1a0b7d3c55

    Example: auction-flow --as ld_tinh audit verify --province HG
    """
    if office and province:
        raise UsageError("verify_one_scope")
    res = supervision_svc.verify(engine(), actor(), anchors, since_last, office=office, province=province)
    errors = res.pop("errors")
    out(res, as_json, lambda d: verify_text(d, lang()))
    if errors:
        raise errors[0]


@audit.command("root")
@common
@json_option
def audit_root(as_json):
    """Take a root over every chain of the audit log now and record it as an anchor (supervisors,
    procurators, administrators); the scheduler takes one every run.

    Example: auction-flow --as ksv audit root
    """
    res = supervision_svc.take_root(engine(), actor())
    out(res, as_json, lambda d: root_text(d, lang()))


@audit.command("anchors")
@common
@click.option("--limit", type=params.COUNT, help="Only the last this many.")
@click.option("--output", type=click.Path(dir_okay=False), help="Write them to this file (JSON with --json, "
              "else the table).")
@json_option
def audit_anchors(limit, output, as_json):
    """The anchors recorded so far (root and hash a verify run, a digest or audit root saw),
    oldest first, to export for a procurator or a supervisor: each is checked again by
    `audit verify --anchor ROOT:HASH`.

    Example: auction-flow --as ksv audit anchors --json --output anchors-2026-11.json
    """
    rows = supervision_svc.anchors_list(engine(), actor(), limit)
    body = to_json(rows) if as_json else anchors_table(rows, lang())
    if output:
        with output_file(output):
            Path(output).write_text(body + "\n", encoding="utf-8")
        click.echo(t("written", path=output))
    else:
        click.echo(body)


@audit.command("log")
@common
@click.option("--asset", "asset_id", type=params.ID, metavar="ID", help="Only this asset: its steps and the complaints about it.")
@click.option("--actor", "who", metavar="USERNAME", help="Only rows by this user.")
@click.option("--office", "office_code", metavar="CODE", help="Only this office and those under it.")
@click.option("--from", "date_from", type=params.DAY, metavar="DATE", help="Business dates from this day.")
@click.option("--to", "date_to", type=params.DAY, metavar="DATE", help="Business dates up to this day.")
@click.option("--trigger", help="Only this trigger.")
@click.option("--limit", type=params.COUNT, help="At most this many rows.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@json_option
def audit_log(asset_id, who, office_code, date_from, date_to, trigger, limit, fmt, as_json):
    """Read the audit log (rows of the offices you may read), oldest first.

    Example: auction-flow --as ksv audit log --office HG-VT --from 2026-01-01 --format csv
    """

    rows = supervision_svc.log(engine(), actor(), asset_id, who, office_code, date_from, date_to, trigger, limit)
    fmt = "json" if as_json else fmt
    out(rows, fmt == "json", lambda d: (log_csv if fmt == "csv" else log_table)(d, lang()))


@audit.command("denied")
@common
@click.option("--limit", type=params.COUNT, help="At most this many rows.")
@json_option
def audit_denied(limit, as_json):
    """Refusals for lack of permission or scope (the access log).

    Example: auction-flow --as ld_tinh audit denied --json
    """

    out(supervision_svc.denied(engine(), actor(), limit), as_json, lambda d: denied_table(d, lang()))


@audit.command("signals")
@common
@click.option("--office", "office_code", metavar="CODE", help="Only this office and those under it.")
@click.option("--from", "date_from", type=params.DAY, metavar="DATE", help="Business dates from this day.")
@click.option("--to", "date_to", type=params.DAY, metavar="DATE", help="Business dates up to this day.")
@click.option("--now", "now", type=params.DAY, metavar="DATE",
              help="Without --to: business dates up to this day (default: all; on a demo database, the demo's day).")
@click.option("--threshold", "thresholds", multiple=True, metavar="NAME=N",
              help="Override a threshold (backdated_days, low_sale_percent, buyer_wins, "
                   "officer_cancellations, price_reductions).")
@click.option("--config", type=click.Path(dir_okay=False), help="YAML file with a `signals:` mapping of "
              "thresholds (default: $AUCTION_FLOW_CONFIG).")
@json_option
def audit_signals(office_code, date_from, date_to, now, thresholds, config, as_json):
    """Inspection signals with their evidence rows (back-dating, out-of-office steps, low sales...).

    Example: auction-flow --as ld_tinh audit signals --office HG --from 2026-01-01 --threshold buyer_wins=3
    """

    eng = engine()
    if date_to is None:
        now = as_of(eng, now)
    out(supervision_svc.signals(eng, actor(), office_code, date_from, date_to or now, thresholds, config), as_json,
        lambda d: signals_text(d, lang()))


@click.group(cls=HelpGroup)
def complaint():
    """The complaints and denunciations register and its statutory clocks."""


@complaint.command("add")
@common
@click.option("--asset", "asset_id", required=True, type=params.ID, metavar="ID", help="The asset it is about.")
@click.option("--kind", required=True, type=click.Choice(["complaint", "denunciation"]))
@click.option("--received", required=True, type=params.DAY, metavar="DATE", help="Day it was received.")
@click.option("--by", "by", required=True, metavar="NAME", help="Who filed it.")
@click.option("--about", required=True, metavar="TEXT", help="What it is about.")
@click.option("--level", type=click.Choice(["first", "second"]), default="first", show_default=True,
              help="First or second decision (complaints).")
@click.option("--coercion", is_flag=True, help="About a coercive measure (longer clock).")
@click.option("--complex", "complex_", is_flag=True, help="A complex case (longer clock).")
@click.option("--step", type=params.ID, metavar="SEQ",
              help="The step it attacks: its position in the asset's audit trail (audit log --asset).")
@click.option("--decision-received", "decision_received", type=params.DAY, metavar="DATE",
              help="Day the complainant received the decision or learnt of the act (the limitation counts from it).")
@click.option("--obstacle-days", "obstacle_days", type=params.COUNT, default=0, metavar="N",
              help="Days an objective obstacle or force majeure kept the complainant from complaining (not counted).")
@click.option("--party", type=params.ID, metavar="PARTY_ID",
              help="The complainant's id in the case file: the day it received the step's notice, if recorded, "
                   "is the day the limitation counts from.")
@json_option
def complaint_add(asset_id, kind, received, by, about, level, coercion, complex_, step, decision_received,
                  obstacle_days, party, as_json):
    """Register a complaint or denunciation; print its acceptance deadline and limitation.

    One received after its limitation period is registered as out of time and starts no clock.

    Example: auction-flow --as cv_an complaint add --asset 3 --kind complaint --received 2026-02-12
    --by "Trần Văn B" --about "Hủy kết quả đấu giá" --step 6 --decision-received 2026-02-02
    """

    out(complaints_svc.add(engine(), actor(), asset_id, kind, received, by, about, level, coercion, complex_,
                           step, decision_received, obstacle_days, party), as_json,
        lambda d: complaint_text(d, lang()))


@complaint.command("accept")
@common
@click.argument("complaint_id", metavar="ID", type=params.ID)
@click.option("--on", "on", type=params.DAY, metavar="DATE", help="Day of acceptance (default: today).")
@click.option("--complex", "complex_", is_flag=True, default=None, help="Mark the case complex.")
@json_option
def complaint_accept(complaint_id, on, complex_, as_json):
    """Accept (thụ lý) a complaint; its resolution clock starts (supervisors).

    Example: auction-flow --as ld_binh complaint accept 1 --on 2026-02-23
    """

    out(complaints_svc.accept(engine(), actor(), complaint_id, on, complex_), as_json, lambda d: complaint_text(d, lang()))


@complaint.command("resolve")
@common
@click.argument("complaint_id", metavar="ID", type=params.ID)
@click.option("--on", "on", type=params.DAY, metavar="DATE", help="Day of the decision (default: today).")
@click.option("--outcome", metavar="TEXT", help="The decision in a few words.")
@json_option
def complaint_resolve(complaint_id, on, outcome, as_json):
    """Record the decision on an accepted complaint (supervisors).

    Example: auction-flow --as ld_binh complaint resolve 1 --on 2026-03-05 --outcome "Không có căn cứ"
    """

    out(complaints_svc.resolve(engine(), actor(), complaint_id, on, outcome), as_json, lambda d: complaint_text(d, lang()))


@complaint.command("list")
@common
@click.option("--status", type=click.Choice(["received", "accepted", "resolved", "out_of_time"]))
@click.option("--asset", "asset_id", type=params.ID, metavar="ID", help="Only this asset: its steps and the complaints about it.")
@now_option
@json_option
def complaint_list(status, asset_id, now, as_json):
    """List complaints of the offices you may read, with the state of each clock.

    Example: auction-flow --as ksv complaint list --json
    """

    eng = engine()
    out(complaints_svc.list_complaints(eng, actor(), status, asset_id, as_of(eng, now)), as_json,
        lambda d: complaints_table(d, lang()))

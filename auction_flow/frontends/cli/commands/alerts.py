"""Commands: alerts and the scheduler."""

from __future__ import annotations

import datetime as dt
import os

import click

from auction_flow.common.errors import InvalidInput
from auction_flow.common.render import table
from auction_flow.common.words import term
from auction_flow.features.alerts import digest as notify
from auction_flow.features.alerts import service as alerts_svc
from auction_flow.frontends import scheduler as scheduler_process
from auction_flow.frontends.cli import params
from auction_flow.frontends.cli.app import common
from auction_flow.frontends.cli.help import HelpGroup
from auction_flow.frontends.cli.kit import (
    actor,
    as_of,
    code,
    cols,
    due,
    engine,
    json_option,
    lang,
    now_option,
    out,
    t,
    url,
)

# --- alerts and the scheduler ------------------------------------------------------------

def _smtp_options(fn):
    for name, kind, env in reversed([("host", str, "HOST"), ("port", params.CountType(1, 65535), "PORT"), ("user", str, "USER"),
                                     ("password", str, "PASSWORD"), ("sender", str, "SENDER")]):
        fn = click.option(f"--smtp-{name}", f"smtp_{name}", type=kind, metavar=env,
                          help=f"SMTP {name} (default: $AUCTION_FLOW_SMTP_{env}).")(fn)
    return fn


def _smtp_env(**opts):
    """Put --smtp-* options into this long-running process's environment, where the scheduler's
    jobs read them (jobs take only ids; SMTP secrets are never stored in the job store)."""
    for key, value in opts.items():
        if value is not None:
            os.environ[f"AUCTION_FLOW_{key.upper()}"] = str(value)


def _about(alert) -> str:
    """What an alert's ``state`` names: a state, or the obligation an ``obligation`` alert is about."""
    return "obligation" if alert["rule"] == "obligation" else "state"


def _alert_rows(rows):
    view = [{**r, "level": code("level", r["level"]), "rule": code("rule", r["rule"]),
             "state": code(_about(r), r["state"]), "status": code("status", r["status"]),
             "days_late": due(-r["days_late"])} for r in rows]
    return table(view, cols(("id", "id"), ("level", "level"), ("rule", "rule"), ("asset_id", "asset"),
                            ("office", "office"), ("officer", "officer"), ("state", "state"),
                            ("deadline", "deadline"), ("days_late", "due"), ("status", "status"),
                            ("basis", "basis"))) or t("no_alerts")


def _event(a: dict, h: dict) -> str:
    """One line of an alert's history, saying what happened."""
    changes = h.get("changes") or {}
    after = {k: v[1] for k, v in changes.items() if isinstance(v, list) and len(v) == 2}
    if h["event"] == "alert_escalated":
        deadline = a["deadline"] if not isinstance(a["deadline"], str) else dt.date.fromisoformat(a["deadline"])
        return t("alert_event_escalated", on=h["on"], level=code("level", after.get("level")),
                 late=due((deadline - h["on"]).days), actor=h["actor"])
    if h["event"] == "alert_snoozed":
        return t("alert_event_snoozed", on=h["on"], until=after.get("snoozed_until"), actor=h["actor"],
                 reason=h["reason"] or "-")
    if h["event"] == "alert_acknowledged":
        return t("alert_event_acked", on=h["on"], actor=h["actor"], reason=h["reason"] or "-")
    return t("alert_event", on=h["on"], event=term("event", h["event"], lang()), actor=h["actor"],
             reason=h["reason"] or "-")


def _alert_text(a: dict) -> str:
    lines = [t("alert_head", id=a["id"], rule=code("rule", a["rule"]), level=code("level", a["level"]),
               status=code("status", a["status"])),
             t("alert_asset", asset=a["asset_id"], case=a["case_number"], description=a["description"],
               office=a["office"], officer=a["officer"] or "-"),
             t("alert_state", state=code(_about(a), a["state"]), entered=a["entered_on"], deadline=a["deadline"],
               late=due(-a["days_late"])),
             t("alert_basis", basis=a["basis"] or "-", regime=a["regime"] or "-")]
    if a.get("factors") is not None:
        lines.append(t("alert_factors", factors=", ".join(code("factor", f) for f in a["factors"]) or "-",
                       window_ends=a.get("window_ends")))
    if a["snoozed_until"]:
        lines.append(t("alert_snoozed", until=a["snoozed_until"]))
    if a["handled_by"]:
        lines.append(t("alert_handled", user=a["handled_by"], reason=a["handled_reason"]))
    if a["resolution"]:
        lines.append(t("alert_resolved", on=a["resolved_on"], resolution=code("resolution", a["resolution"])))
    for h in a.get("history", []):
        lines.append(_event(a, h))
    return "\n".join(lines)


@click.group(cls=HelpGroup)
def alerts():
    """Alerts on late handovers, complaint risks after cancellations and stalled stages."""


@alerts.command("scan")
@common
@click.option("--now", "now", type=params.DAY, metavar="DATE", help="Scan as of this day (default: today); replays a day.")
@json_option
def alerts_scan(now, as_json):
    """Run one alert scan (for cron and tests; the scheduler runs it on its own).

    Example: auction-flow alerts scan --now 2026-11-30
    """

    eng = engine()
    res = alerts_svc.scan(eng, as_of(eng, now))
    out(res, as_json, t("scan", on=res["on"], raised=res["raised"], resolved=res["resolved"],
                        superseded=res["superseded"], reopened=res["reopened"]))


@alerts.command("list")
@common
@click.option("--office", "office_code", metavar="CODE", help="Only this office (and the offices under it).")
@click.option("--rule", help="handover, complaint_risk, stalled, complaint, procuracy, procuracy_send or obligation.")
@click.option("--level", help="warning, overdue, escalated, escalated_province, low, medium or high.")
@click.option("--open/--all", "only_open", default=True, help="Unresolved alerts only (default), or all.")
@click.option("--now", "now", type=params.DAY, metavar="DATE",
              help="Count days late as of this day (default: today; on a demo database, the demo's day).")
@json_option
def alerts_list(office_code, rule, level, only_open, now, as_json):
    """List the alerts the actor may see, most urgent first.

    Example: auction-flow --as ld_binh alerts list --rule handover --json
    """
    eng = engine()
    out(alerts_svc.list_alerts(eng, actor(), office_code, rule, level, not only_open, as_of(eng, now)), as_json,
        _alert_rows)


@alerts.command("show")
@common
@click.argument("alert_id", metavar="ID", type=params.ID)
@now_option
@json_option
def alerts_show(alert_id, now, as_json):
    """One alert: its asset, deadline, legal basis, factors and who handled it.

    Example: auction-flow --as cv_an alerts show 3
    """
    eng = engine()
    out(alerts_svc.show(eng, alert_id, actor(), as_of(eng, now)), as_json, _alert_text)


@alerts.command("ack")
@common
@click.argument("alert_id", metavar="ID", type=params.ID)
@click.option("--reason", required=True, help="What is being done about it.")
@json_option
def alerts_ack(alert_id, reason, as_json):
    """Acknowledge an alert (audited).

    Example: auction-flow --as cv_an alerts ack 3 --reason "handover set for 2 Dec"
    """

    res = alerts_svc.ack(engine(), alert_id, actor(), reason)
    out(res, as_json, t("acked", id=res["id"]))


@alerts.command("snooze")
@common
@click.argument("alert_id", metavar="ID", type=params.ID)
@click.option("--until", "until", required=True, type=params.DAY, metavar="DATE", help="The day it comes back.")
@click.option("--reason", required=True, help="Why it can wait.")
@json_option
def alerts_snooze(alert_id, until, reason, as_json):
    """Snooze an alert until a day (audited); it resolves anyway if the asset moves on.

    Example: auction-flow --as cv_an alerts snooze 3 --until 2026-12-05 --reason "buyer abroad until 4 Dec"
    """

    res = alerts_svc.snooze(engine(), alert_id, actor(), until, reason)
    out(res, as_json, t("snoozed", id=res["id"], until=res["snoozed_until"]))


@alerts.command("digest")
@common
@click.option("--now", "now", type=params.DAY, metavar="DATE", help="The digest day (default: today).")
@_smtp_options
@json_option
def alerts_digest(now, as_json, **smtp):
    """Send today's email digests that were not sent yet (one per recipient per day).

    Written in --lang (default $AUCTION_FLOW_LANG, else English); each ends with the audit
    log's anchor, so every mailbox keeps a record of the log outside the database.

    Example: auction-flow alerts digest --smtp-host mail.thads.gov.vn --smtp-port 25
    """

    cfg = notify.SmtpConfig.from_env(**{k[len("smtp_"):]: v for k, v in smtp.items()})
    res = alerts_svc.digest(engine(), now, cfg, lang())
    out(res, as_json, t("digest", on=res["on"], sent=len(res["sent"]), failed=len(res["failed"]))
        + (t("digest_retry", who=", ".join(res["failed"])) if res["failed"] else "")
        + (t("digest_deferred", n=res["deferred"]) if res["deferred"] else ""))
    if res["failed"] and not res["sent"]:  # every send tried failed: say so to whoever runs it (cron, a person)
        raise InvalidInput("digest_all_failed", n=len(res["failed"]), deferred=res["deferred"])


@click.group(cls=HelpGroup)
def scheduler():
    """The long-running scheduler that scans and sends digests."""


@scheduler.command("run")
@common
@click.option("--interval", type=params.MINUTES, default=60, show_default=True, metavar="MINUTES",
              help="Minutes between scans.")
@click.option("--digest-hour", type=params.CountType(0, 23), metavar="HOUR",
              help="Send digests from this hour, Vietnam time (default: $AUCTION_FLOW_DIGEST_HOUR or 7).")
@_smtp_options
def scheduler_run(interval, digest_hour, **smtp):
    """Run the scheduler in the foreground (APScheduler; jobs kept in the database).

    Example: auction-flow --db postgresql://db/thads scheduler run --interval 30
    """
    _smtp_env(**smtp)
    if digest_hour is not None:
        os.environ["AUCTION_FLOW_DIGEST_HOUR"] = str(digest_hour)
    scheduler_process.run(url(), interval)


@scheduler.command("status")
@common
@json_option
def scheduler_status(as_json):
    """Jobs, their next run, the last run of each and its outcome.

    Example: auction-flow scheduler status --json
    """

    def text(d):
        lines = [t("job", id=j["id"], next_run=j["next_run"]) for j in d["jobs"]] or [t("no_jobs")]
        lines += [t("last_run", job=r["job"], outcome=r["outcome"], finished_at=r["finished_at"],
                    detail=r["detail"], holder=r["holder"]) for r in d["last_runs"]]
        return "\n".join(lines)
    out(alerts_svc.status(engine()), as_json, text)

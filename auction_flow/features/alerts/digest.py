"""Email digests: one per recipient per day, of the alerts new or escalated in their offices.

A digest is claimed in ``alert_digests`` (UNIQUE recipient+day, committed) before it is
sent, so a restart or a second scheduler never sends the same digest twice. A failed send
is marked ``failed``, logged, and retried on the next run; nothing here raises into the
scan. (A process killed in the middle of one SMTP conversation leaves that digest
``sending``: it is not resent, by design: never twice beats at least once.)

SMTP settings come from AUCTION_FLOW_SMTP_HOST, _PORT, _USER, _PASSWORD, _SENDER (and
_STARTTLS=1), or from the matching command-line options.

A mail server that accepts the connection and never answers must not hold anything up: each
SMTP conversation waits at most AUCTION_FLOW_SMTP_TIMEOUT seconds (default 10) for any one
answer; a run stops starting new sends after AUCTION_FLOW_DIGEST_BUDGET seconds (default 60), and
after the first send the server did not answer at all (a timeout, a refused connection); the
digests not tried are left for the next run (``deferred``). The scheduler runs the digests as a
job of their own (:func:`auction_flow.features.alerts.jobs.digest_job`), never inside a scan.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import smtplib
import time
from dataclasses import dataclass, replace
from email.message import EmailMessage

from sqlalchemy import func, or_, select, update

from auction_flow.common import words as i18n
from auction_flow.common.config import default_lang, now_utc, today
from auction_flow.common.errors import InvalidInput
from auction_flow.core import roots
from auction_flow.core.authz import offices_under
from auction_flow.core.workflow import alerts_section as alert_rules
from auction_flow.features.alerts.view import alert_query, describe
from auction_flow.storage.db import dialect_insert, reading, writing
from auction_flow.storage.schema import alert_digests, alerts, users

log = logging.getLogger("auction_flow.notify")
DEFAULT_TIMEOUT = 10.0  # seconds: an SMTP server answers in well under one, or it is not answering
DEFAULT_BUDGET = 60.0  # seconds a run may spend starting sends; the rest wait for the next run


def _seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name) or default)
    except ValueError:
        return default
    return value if value > 0 else default

@dataclass(frozen=True)
class SmtpConfig:
    host: str | None = None
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "auction-flow@localhost"
    starttls: bool = False
    timeout: float = DEFAULT_TIMEOUT  # seconds to wait for any one answer of the server

    @classmethod
    def from_env(cls, **overrides) -> "SmtpConfig":
        env = os.environ.get
        cfg = cls(env("AUCTION_FLOW_SMTP_HOST") or None, int(env("AUCTION_FLOW_SMTP_PORT") or 25),
                  env("AUCTION_FLOW_SMTP_USER") or None, env("AUCTION_FLOW_SMTP_PASSWORD") or None,
                  env("AUCTION_FLOW_SMTP_SENDER") or "auction-flow@localhost",
                  (env("AUCTION_FLOW_SMTP_STARTTLS") or "") in ("1", "true", "yes"),
                  _seconds("AUCTION_FLOW_SMTP_TIMEOUT", DEFAULT_TIMEOUT))
        return replace(cfg, **{k: v for k, v in overrides.items() if v is not None})


@dataclass(frozen=True)
class DigestsSent:
    on: dt.date
    sent: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    skipped: int = 0
    deferred: int = 0  # not tried in this run (its time was up, or the server did not answer)

    def summary(self) -> dict:
        return {"on": self.on, "sent": list(self.sent), "failed": list(self.failed), "skipped": self.skipped,
                "deferred": self.deferred}


def _escalation_filter(office_ids):
    """Alerts of offices below: only the levels that go up to supervisors there."""
    clauses = [(alerts.c.rule == rule) & alerts.c.level.in_(levels)
               for rule, levels in alert_rules.PROVINCE_LEVELS.items()]
    return alerts.c.office_id.in_(office_ids) & or_(*clauses)


def _content(conn, user, after_id: int):
    """Unresolved alerts newer than ``after_id`` that ``user`` should read about."""
    where = alerts.c.office_id == user["office_id"]
    below = offices_under(conn, user["office_id"])[1:] if user["role"] == "supervisor" else []
    if below:
        where = or_(where, _escalation_filter(below))
    q = alert_query().where(alerts.c.id > after_id, alerts.c.status != "resolved", where).order_by(alerts.c.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def _body(user, rows, on: dt.date, lang: str, anchor: str | None) -> str:
    """The digest's text in ``lang``; it ends with the audit log's anchor, so that every mailbox
    that receives one keeps a record of the log outside the database (see ``audit verify``)."""
    m = functools.partial(i18n.message, lang=lang)
    lines = [m("digest_head", n=len(rows), user=user["username"], on=on), ""]
    for r in rows:
        a = describe(r, on)
        late = m("digest_late", n=a["days_late"]) if a["days_late"] > 0 else m("digest_due", n=-a["days_late"])
        label = (lambda kind, code: i18n.term(kind, code, "vi")) if lang == "vi" else (lambda kind, code: code)
        extra = (m("digest_factors", factors=", ".join(label("factor", f) for f in a["factors"]))
                 if a.get("factors") else "")
        lines.append(m("digest_line", id=a["id"], rule=label("rule", a["rule"]), level=label("level", a["level"]),
                       asset=a["asset_id"], case=a["case_number"], office=a["office"], officer=a["officer"] or "-",
                       state=label("state", a["state"]),
                       deadline=a["deadline"], late=late, extra=extra))
        if a["basis"]:
            lines.append(f"    {a['basis']}")
    if anchor:
        lines += ["", m("digest_anchor", anchor=anchor)]
    return "\n".join(lines) + "\n"


def _send(cfg: SmtpConfig, to: str, subject: str, body: str, msg_id: str, timeout: float | None = None):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = cfg.sender, to, subject, msg_id
    msg.set_content(body)
    with smtplib.SMTP(cfg.host, cfg.port, timeout=timeout or cfg.timeout) as smtp:
        if cfg.starttls:
            smtp.starttls()
        if cfg.user:
            smtp.login(cfg.user, cfg.password or "")
        smtp.send_message(msg)


def _claim(conn, user, on, email, count, max_id) -> bool:
    row = conn.execute(select(alert_digests).where(alert_digests.c.recipient == user["username"],
                                                   alert_digests.c.day == on)).mappings().first()
    if row is None:
        ins = dialect_insert(conn, alert_digests)
        return conn.execute(ins.values(recipient=user["username"], day=on, email=email, status="sending",
                                       alert_count=count, max_alert_id=max_id, attempts=1, created_at=now_utc())
                            .on_conflict_do_nothing().returning(alert_digests.c.id)).first() is not None
    if row["status"] != "failed":
        return False
    return conn.execute(update(alert_digests).where(alert_digests.c.id == row["id"],
                                                    alert_digests.c.status == "failed")
                        .values(status="sending", attempts=row["attempts"] + 1, alert_count=count,
                                max_alert_id=max_id)).rowcount == 1


def send_digests(engine, on: dt.date | None = None, smtp: SmtpConfig | None = None,
                 lang: str | None = None, budget: float | None = None) -> DigestsSent:
    """Send each officer's and supervisor's digest for ``on`` unless it was sent already.

    ``lang``: the digests' language (default: AUCTION_FLOW_LANG, else English). ``budget``: the
    seconds this run may spend (default AUCTION_FLOW_DIGEST_BUDGET, else 60); no send starts after
    it, nor after one the server did not answer: those digests are ``deferred`` to the next run."""
    lang = lang or default_lang()
    budget = budget if budget is not None else _seconds("AUCTION_FLOW_DIGEST_BUDGET", DEFAULT_BUDGET)
    started, deferred, silent = time.monotonic(), 0, False
    cfg = smtp or SmtpConfig.from_env()
    if not cfg.host:
        raise InvalidInput("smtp_not_configured")
    on = on or today()
    sent, failed, skipped = [], [], 0
    root = None
    with reading(engine) as conn:
        recipients = [dict(r) for r in conn.execute(
            select(users).where(users.c.active.is_(True), users.c.email.isnot(None),
                                users.c.role.in_(("officer", "supervisor")), users.c.office_id.isnot(None))
            .order_by(users.c.username)).mappings()]
    for user in recipients:
        with reading(engine) as conn:
            done = conn.execute(select(alert_digests.c.status).where(
                alert_digests.c.recipient == user["username"], alert_digests.c.day == on)).scalar()
            if done in ("sent", "sending"):
                skipped += 1
                continue
            after = conn.execute(select(func.max(alert_digests.c.max_alert_id)).where(
                alert_digests.c.recipient == user["username"], alert_digests.c.status == "sent",
                alert_digests.c.day < on)).scalar() or 0
            rows = _content(conn, user, after)
        if not rows:
            continue
        left = budget - (time.monotonic() - started)
        if silent or left <= 0:  # left for the next run
            deferred += 1
            continue
        if root is None:  # the anchor the digests carry: a root over every chain, taken once per run
            root = roots.take(engine, "digest")
        with writing(engine) as conn:
            if not _claim(conn, user, on, user["email"], len(rows), max(r["id"] for r in rows)):
                skipped += 1
                continue
        subject = i18n.message("digest_subject", lang, n=len(rows), on=on.isoformat())
        try:
            _send(cfg, user["email"], subject, _body(user, rows, on, lang, roots.anchor_text(root)),
                  f"<digest-{user['username']}-{on.isoformat()}@auction-flow>", min(cfg.timeout, max(left, 1.0)))
        except (OSError, smtplib.SMTPException) as exc:
            # no answer at all (a timeout, a refused or dropped connection): the next sends would wait too
            silent = not isinstance(exc, smtplib.SMTPException) or isinstance(exc, smtplib.SMTPServerDisconnected)
            log.warning("digest for %s on %s not sent (retried next run): %s", user["username"], on, exc)
            with writing(engine) as conn:
                conn.execute(update(alert_digests).where(alert_digests.c.recipient == user["username"],
                                                         alert_digests.c.day == on)
                             .values(status="failed", last_error=str(exc)[:500]))
            failed.append(user["username"])
            continue
        with writing(engine) as conn:
            conn.execute(update(alert_digests).where(alert_digests.c.recipient == user["username"],
                                                     alert_digests.c.day == on)
                         .values(status="sent", sent_at=now_utc(), last_error=None))
        roots.record_anchor(engine, "digest", root, user["username"])  # mailed: now held outside too
        sent.append(user["username"])
    return DigestsSent(on, tuple(sent), tuple(failed), skipped, deferred)

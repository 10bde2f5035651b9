"""Email digests through a real SMTP server (aiosmtpd on 127.0.0.1): one per recipient per day,
never twice (also across a restart), retried after a failure, never blocking the scan."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from alert_walk import D, seize, to_paid
from sqlalchemy import select

from auction_flow.features.alerts import digest as notify
from auction_flow.features.alerts import scan as scanner
from auction_flow.storage import db
from auction_flow.storage.schema import alert_digests


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.config = notify.SmtpConfig(host="127.0.0.1", port=controller.port, sender="thads@hg.test")
    yield inbox
    controller.stop()


def _to(inbox):
    return sorted(r for rcpts, _ in inbox.messages for r in rcpts)


def test_one_digest_per_recipient_per_day_never_twice(world, smtp, db_url):
    vt = to_paid(world, D("2024-12-20"))
    nb = seize(world, "2026-02-12", office="HG-NB", actor="cv_dung")
    scanner.scan(world, D("2025-01-21"))  # HG-VT handover overdue
    res = notify.send_digests(world, D("2025-01-22"), smtp.config)
    # the branch's officers and supervisor; the province supervisor only sees escalations to it
    assert sorted(res.sent) == ["cv_an", "cv_ba", "ld_binh"]
    assert _to(smtp) == ["cv_an@thads.test", "cv_ba@thads.test", "ld_binh@thads.test"]
    body = smtp.messages[0][1].get_payload()
    assert f"asset {vt}" in body and "handover/overdue" in body and "2025-01-20" in body
    assert smtp.messages[0][1]["From"] == "thads@hg.test"

    again = notify.send_digests(world, D("2025-01-22"), smtp.config)
    assert again.sent == () and again.skipped == 3
    db.get_engine(db_url).dispose()  # a restart: a new process would find the same rows
    assert notify.send_digests(db.open_db(db_url), D("2025-01-22"), smtp.config).sent == ()
    assert len(smtp.messages) == 3

    # next day: only what is new; the province supervisor gets the escalation to the province
    scanner.scan(world, D("2026-03-01"))
    res = notify.send_digests(world, D("2026-03-01"), smtp.config)
    assert sorted(res.sent) == ["cv_an", "cv_ba", "cv_dung", "ld_binh", "ld_tinh"]
    tinh = [m for rcpts, m in smtp.messages if rcpts == ["ld_tinh@thads.test"]][0].get_payload()
    assert "escalated_province" in tinh and f"asset {nb} " not in tinh
    dung = [m for rcpts, m in smtp.messages if rcpts == ["cv_dung@thads.test"]][0].get_payload()
    assert f"asset {nb} " in dung and f"asset {vt} " not in dung


def test_a_failed_send_is_recorded_and_retried_next_run(world, smtp):
    to_paid(world, D("2024-12-20"))
    scanner.scan(world, D("2025-01-21"))
    down = notify.SmtpConfig(host="127.0.0.1", port=_free_port())  # nobody listens there
    res = notify.send_digests(world, D("2025-01-22"), down)
    # the first send finds no server: the others are not tried in this run (they would fail alike)
    assert res.failed == ("cv_an",) and res.sent == () and res.deferred == 2
    with world.connect() as conn:
        rows = conn.execute(select(alert_digests.c.status, alert_digests.c.attempts, alert_digests.c.last_error)).all()
    assert {(r.status, r.attempts) for r in rows} == {("failed", 1)} and all(r.last_error for r in rows)
    res = notify.send_digests(world, D("2025-01-22"), smtp.config)
    assert sorted(res.sent) == ["cv_an", "cv_ba", "ld_binh"]
    with world.connect() as conn:
        assert sorted(tuple(r) for r in conn.execute(select(alert_digests.c.recipient, alert_digests.c.status,
                                                            alert_digests.c.attempts))) == [
            ("cv_an", "sent", 2), ("cv_ba", "sent", 1), ("ld_binh", "sent", 1)]
    assert len(smtp.messages) == 3


def test_digest_command_and_missing_configuration(world, smtp, cli, monkeypatch):
    for var in ("HOST", "PORT", "USER", "PASSWORD", "SENDER"):
        monkeypatch.delenv(f"AUCTION_FLOW_SMTP_{var}", raising=False)
    to_paid(world, D("2024-12-20"))
    cli("alerts", "scan", "--now", "2025-01-21")
    r = cli("alerts", "digest", "--now", "2025-01-22")
    assert r.exit_code == 1 and "AUCTION_FLOW_SMTP_HOST" in r.output
    r = cli("alerts", "digest", "--now", "2025-01-22", "--smtp-host", "127.0.0.1",
            "--smtp-port", smtp.config.port, "--smtp-sender", "cuc@hg.test")
    assert r.exit_code == 0, r.output
    assert "sent 3" in r.output and len(smtp.messages) == 3
    r = cli("alerts", "digest", "--now", "2025-01-22", "--smtp-host", "127.0.0.1", "--smtp-port", smtp.config.port)
    assert "sent 0" in r.output and len(smtp.messages) == 3


def test_a_mail_failure_does_not_block_the_scheduled_scan(world, db_url, monkeypatch):
    from auction_flow.features.alerts import jobs as scheduler

    aid = seize(world, "2026-02-12")
    monkeypatch.setenv("AUCTION_FLOW_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AUCTION_FLOW_SMTP_PORT", str(_free_port()))
    monkeypatch.setenv("AUCTION_FLOW_DIGEST_HOUR", "0")
    scheduler.scan_job(db_url)
    scheduler.digest_job(db_url)  # a job of its own
    status = {r["job"]: r for r in scheduler.status(world)["last_runs"]}
    assert status["scan"]["outcome"] == "ok"
    assert status["digest"]["outcome"] == "failed" and "cv_an" in status["digest"]["detail"]
    from alert_walk import levels
    assert levels(world, aid) == ["escalated"]


def test_a_digest_in_vietnamese_carries_the_audit_anchor_that_verify_checks(world, smtp, cli):
    """The digest is in the language asked for, and every mailbox keeps the log's anchor: after
    someone rewrites the log in the database, the anchor in the e-mail no longer verifies."""
    vt = to_paid(world, D("2024-12-20"))
    cli("alerts", "scan", "--now", "2025-01-21")
    r = cli("--lang", "vi", "alerts", "digest", "--now", "2025-01-22", "--smtp-host", "127.0.0.1",
            "--smtp-port", smtp.config.port)
    assert r.exit_code == 0, r.output
    mail = smtp.messages[0][1]
    body = mail.get_payload(decode=True).decode(mail.get_content_charset())
    assert str(make_header(decode_header(mail["Subject"]))) == "[auction-flow] 1 cảnh báo ngày 2025-01-22"
    assert f"tài sản {vt} " in body and "trễ 2 ngày" in body and "chậm giao tài sản/quá hạn" in body and "handover" not in body, body  # labels (issue 15)
    anchor = body.split("Mốc nhật ký khi gửi thư này: ")[1].split()[0]
    r = cli("audit", "verify", "--anchor", anchor, actor="ksv")
    assert r.exit_code == 0 and "1 anchor(s) recorded outside still in place" in r.output, r.output
    english = notify._body({"username": "cv_an"}, [], D("2025-01-22"), "en", anchor)
    assert f"Audit log anchor when this was sent: {anchor}" in english


class HungServer:
    """A mail server that accepts the connection and never answers (not even the greeting)."""

    def __init__(self):
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held, self.stop = [], threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.held.append(conn)  # kept open, never written to

    def close(self):
        self.stop.set()
        self.thread.join(5)
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.fixture
def hung():
    server = HungServer()
    yield server
    server.close()


def test_a_hung_mail_server_costs_one_short_timeout_per_run(world, hung):
    to_paid(world, D("2024-12-20"))
    scanner.scan(world, D("2025-01-21"))
    cfg = notify.SmtpConfig(host="127.0.0.1", port=hung.port, timeout=0.5)
    res = notify.send_digests(world, D("2025-01-22"), cfg)
    assert res.sent == () and res.failed == ("cv_an",) and res.deferred == 2
    assert len(hung.held) == 1  # one connection tried, the rest left for the next run
    res = notify.send_digests(world, D("2025-01-22"), cfg, budget=0.01)
    assert res.sent == () and len(res.failed) + res.deferred == 3 and res.deferred >= 2  # the budget is spent


def test_digest_command_exits_1_when_every_send_failed(world, hung, smtp, cli, monkeypatch):
    monkeypatch.setenv("AUCTION_FLOW_SMTP_TIMEOUT", "0.5")
    to_paid(world, D("2024-12-20"))
    cli("alerts", "scan", "--now", "2025-01-21")
    r = cli("alerts", "digest", "--now", "2025-01-22", "--smtp-host", "127.0.0.1", "--smtp-port", hung.port)
    assert r.exit_code == 1 and "no digest could be sent" in r.output and "2 left for the next run" in r.output
    r = cli("alerts", "digest", "--now", "2025-01-22", "--smtp-host", "127.0.0.1", "--smtp-port", smtp.config.port)
    assert r.exit_code == 0 and "sent 3" in r.output

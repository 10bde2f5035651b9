"""The words around what the command line prints for people (not its JSON), in Vietnamese and
English, registered with auction_flow.i18n. The command modules import this inside their
commands, so ``auction-flow --help`` does not pay for it.

State and trigger names, usernames, codes, dates and numbers are the public contract and go
in as parameters unchanged; only the words around them are translated. The English texts
are what the command line printed before, byte for byte.
"""

from __future__ import annotations

from .i18n import message, register

register({
    # the two fallback error lines of clikit.AppGroup (after its "error: " prefix)
    "cli.db_unusable": {"vi": "không dùng được cơ sở dữ liệu: {first}",
                        "en": "the database could not be used: {first}"},
    "cli.internal_error": {"vi": "lỗi nội bộ ({name}: {first}); đặt AUCTION_FLOW_DEBUG=1 để xem chi tiết",
                           "en": "internal error ({name}: {first}); set AUCTION_FLOW_DEBUG=1 for details"},
    # set-up (cli.py)
    "cli.initialised": {"vi": "đã khởi tạo {database} với quản trị viên {username}",
                        "en": "initialised {database} with administrator {username}"},
    "cli.schema_at": {"vi": "lược đồ cơ sở dữ liệu ở phiên bản {revision}", "en": "schema at revision {revision}"},
    "cli.office_added": {"vi": "đã thêm đơn vị {code}", "en": "office {code} added"},
    "cli.user_added": {"vi": "đã thêm người dùng {username} ({role})", "en": "user {username} ({role}) added"},
    "cli.day_off": {"vi": "đã ghi nhận {day} là ngày nghỉ", "en": "{day} recorded as a day off"},
    "cli.workday": {"vi": "đã ghi nhận {day} là ngày làm việc (làm bù)", "en": "{day} recorded as a working day"},
    "cli.workflow_valid": {
        "vi": "{file}: hợp lệ ({name} v{version}, {states} trạng thái, {triggers} thao tác, "
              "chế độ pháp lý {regimes})",
        "en": "{file}: valid ({name} v{version}, {states} states, {triggers} triggers, regimes {regimes})"},
    "cli.final": {"vi": "trạng thái cuối", "en": "final"},
    "cli.migrated": {"vi": "đã chuyển {count} tài sản sang {name} v{to}: {ids}",
                     "en": "moved {count} asset(s) to {name} v{to}: {ids}"},
    "cli.migrate_dry_run": {"vi": "{count} tài sản sẽ chuyển sang {name} v{to}: {ids} (--dry-run: chưa thay đổi gì)",
                            "en": "{count} asset(s) would move to {name} v{to}: {ids} (--dry-run: nothing changed)"},
    # assets (commands/assets.py)
    "cli.advanced": {"vi": "tài sản {asset}: {from_state} -> {to_state} ngày {on}",
                     "en": "asset {asset}: {from_state} -> {to_state} on {on}"},
    "cli.advanced_deadline": {"vi": ", hạn {deadline}", "en": ", deadline {deadline}"},
    "cli.reassigned": {"vi": "tài sản {asset}: chấp hành viên {before} -> {after}",
                       "en": "asset {asset}: officer {before} -> {after}"},
    "cli.corrected": {"vi": "đã sửa tài sản {asset}: {changes}", "en": "asset {asset} corrected: {changes}"},
    # alerts and the scheduler (commands/alerts.py)
    "cli.no_alerts": {"vi": "(không có cảnh báo)", "en": "(no alerts)"},
    "cli.alert_head": {"vi": "cảnh báo {id}: {rule}/{level} [{status}]",
                       "en": "alert {id}: {rule}/{level} [{status}]"},
    "cli.alert_asset": {
        "vi": "tài sản {asset} ({case}, {description}) đơn vị {office}, chấp hành viên {officer}",
        "en": "asset {asset} ({case}, {description}) office {office}, officer {officer}"},
    "cli.alert_state": {
        "vi": "trạng thái {state} từ ngày {entered}; hạn {deadline} (trễ {days_late} ngày)",
        "en": "state {state} entered {entered}; deadline {deadline} ({days_late} days late)"},
    "cli.alert_basis": {"vi": "căn cứ pháp lý: {basis} [{regime}]", "en": "legal basis: {basis} [{regime}]"},
    "cli.alert_factors": {
        "vi": "yếu tố rủi ro: {factors}; thời gian có nguy cơ khiếu nại kết thúc ngày {window_ends}",
        "en": "factors: {factors}; risk window ends {window_ends}"},
    "cli.alert_snoozed": {"vi": "tạm hoãn đến ngày {until}", "en": "snoozed until {until}"},
    "cli.alert_handled": {"vi": "người xử lý {user}: {reason}", "en": "handled by {user}: {reason}"},
    "cli.alert_resolved": {"vi": "đã đóng ngày {on} ({resolution})", "en": "resolved on {on} ({resolution})"},
    "cli.alert_event": {"vi": "  {on} {event}, người thực hiện {actor}: {reason}",
                        "en": "  {on} {event} by {actor}: {reason}"},
    "cli.scan": {
        "vi": "quét cảnh báo ngày {on}: phát sinh {raised}, đã đóng {resolved}, được thay thế {superseded}, "
              "mở lại {reopened}",
        "en": "scan of {on}: raised {raised}, resolved {resolved}, superseded {superseded}, reopened {reopened}"},
    "cli.acked": {"vi": "đã xác nhận cảnh báo {id}", "en": "alert {id} acknowledged"},
    "cli.snoozed": {"vi": "đã tạm hoãn cảnh báo {id} đến ngày {until}", "en": "alert {id} snoozed until {until}"},
    "cli.digest": {"vi": "thư tổng hợp ngày {on}: đã gửi {sent}, lỗi {failed}",
                   "en": "digests of {on}: sent {sent}, failed {failed}"},
    "cli.digest_retry": {"vi": " ({who}: sẽ gửi lại ở lần chạy sau)", "en": " ({who}: retried next run)"},
    "cli.job": {"vi": "tác vụ {id}: lần chạy tới {next_run}", "en": "job {id}: next run {next_run}"},
    "cli.no_jobs": {"vi": "chưa có tác vụ nào (bộ lập lịch chưa từng chạy)", "en": "no jobs (never started)"},
    "cli.last_run": {
        "vi": "lần chạy gần nhất của {job}: {outcome} lúc {finished_at} ({detail}), tiến trình {holder}",
        "en": "last {job}: {outcome} at {finished_at} ({detail}) by {holder}"},
    # import and reports (commands/reports.py)
    "cli.import_dry": {"vi": "{file}: {rows} dòng hợp lệ ({states}); chưa ghi gì (--dry-run)",
                       "en": "{file}: {rows} rows are good ({states}); nothing written (--dry-run)"},
    "cli.imported": {"vi": "{file}: đã nhập {rows} tài sản ({states}){ids}",
                     "en": "{file}: imported {rows} assets ({states}){ids}"},
    "cli.import_ids": {"vi": ", số {first}..{last}", "en": ", ids {first}..{last}"},
    "cli.written": {"vi": "đã ghi {path}", "en": "written {path}"},
    "cli.none": {"vi": "(không có)", "en": "(none)"},
    # table headers
    "cli.h.code": {"vi": "MÃ", "en": "CODE"},
    "cli.h.name": {"vi": "TÊN", "en": "NAME"},
    "cli.h.parent": {"vi": "ĐƠN VỊ CẤP TRÊN", "en": "PARENT"},
    "cli.h.username": {"vi": "TÊN ĐĂNG NHẬP", "en": "USERNAME"},
    "cli.h.full_name": {"vi": "HỌ TÊN", "en": "NAME"},
    "cli.h.role": {"vi": "VAI TRÒ", "en": "ROLE"},
    "cli.h.office": {"vi": "ĐƠN VỊ", "en": "OFFICE"},
    "cli.h.email": {"vi": "EMAIL", "en": "EMAIL"},
    "cli.h.date": {"vi": "NGÀY", "en": "DATE"},
    "cli.h.weekday": {"vi": "THỨ", "en": "DAY"},
    "cli.h.kind": {"vi": "LOẠI", "en": "KIND"},
    "cli.h.day_name": {"vi": "TÊN NGÀY", "en": "NAME"},
    "cli.h.state": {"vi": "TRẠNG THÁI", "en": "STATE"},
    "cli.h.label": {"vi": "TÊN GỌI", "en": "LABEL"},
    "cli.h.clock": {"vi": "THỜI HẠN", "en": "CLOCK"},
    "cli.h.trigger": {"vi": "THAO TÁC", "en": "TRIGGER"},
    "cli.h.from": {"vi": "TỪ", "en": "FROM"},
    "cli.h.to": {"vi": "ĐẾN", "en": "TO"},
    "cli.h.roles": {"vi": "VAI TRÒ", "en": "ROLES"},
    "cli.h.fields": {"vi": "TRƯỜNG", "en": "FIELDS"},
    "cli.h.seq": {"vi": "#", "en": "#"},
    "cli.h.by": {"vi": "NGƯỜI THỰC HIỆN", "en": "BY"},
    "cli.h.reason": {"vi": "LÝ DO", "en": "REASON"},
    "cli.h.id": {"vi": "SỐ", "en": "ID"},
    "cli.h.case": {"vi": "VỤ VIỆC", "en": "CASE"},
    "cli.h.officer": {"vi": "CHẤP HÀNH VIÊN", "en": "OFFICER"},
    "cli.h.deadline": {"vi": "THỜI HẠN", "en": "DEADLINE"},
    "cli.h.days_left": {"vi": "CÒN (NGÀY)", "en": "DAYS LEFT"},
    "cli.h.description": {"vi": "MÔ TẢ", "en": "DESCRIPTION"},
    "cli.h.level": {"vi": "MỨC", "en": "LEVEL"},
    "cli.h.rule": {"vi": "LOẠI CẢNH BÁO", "en": "RULE"},
    "cli.h.asset": {"vi": "TÀI SẢN", "en": "ASSET"},
    "cli.h.days_late": {"vi": "SỐ NGÀY TRỄ", "en": "DAYS LATE"},
    "cli.h.status": {"vi": "TÌNH TRẠNG", "en": "STATUS"},
    "cli.h.basis": {"vi": "CĂN CỨ PHÁP LÝ", "en": "LEGAL BASIS"},
})

# Weekday abbreviations as Vietnamese calendars write them (Monday = T2 ... Sunday = CN).
_WEEKDAYS_VI = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
# The kinds of day in `holiday list`, for a Vietnamese reader (the JSON keeps the codes).
_DAY_KINDS_VI = {"holiday": "ngày nghỉ", "workday": "làm bù"}


def current_lang() -> str:
    from .clikit import lang

    return lang()


def t(key: str, **params) -> str:
    """The message ``key`` in the language the command was asked for (--lang, else the default)."""
    return message(f"cli.{key}", current_lang(), **params)


def cols(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    """Table columns as (row key, header key) pairs, the headers in the command's language."""
    lg = current_lang()
    return [(key, message(f"cli.h.{head}", lg)) for key, head in pairs]


def weekday(day, english: str) -> str:
    """The day of the week of ``day``: ``english`` (as the service gave it) unless Vietnamese."""
    return _WEEKDAYS_VI[day.weekday()] if current_lang() == "vi" else english


def day_kind(kind: str) -> str:
    return _DAY_KINDS_VI.get(kind, kind) if current_lang() == "vi" else kind

"""Alerts and their digests."""

WORDS = {
    'alert_not_found': {"vi": 'không có cảnh báo số {alert}', "en": 'no alert with id {alert}'},
    'alert_resolved': {"vi": 'cảnh báo {alert} đã đóng ngày {on} ({resolution}){handled}; không cần xử lý nữa', "en": 'alert {alert} is already resolved ({resolution}) on {on}{handled}; nothing to do'},
    'alert_handled_by': {"vi": ', {user} đã tiếp nhận lúc {at}', "en": '; {user} acknowledged it at {at}'},
    'alert_acked_already': {"vi": 'cảnh báo {alert} đã được {user} tiếp nhận lúc {at} ({reason}); không tiếp nhận lại', "en": 'alert {alert} was already acknowledged by {user} at {at} ({reason}); it is not acknowledged twice'},
    'alert_reason_required': {"vi": 'cần nêu lý do (--reason)', "en": 'a reason is required (--reason)'},
    'snooze_not_future': {"vi": '--until {until} phải sau hôm nay ({today})', "en": '--until {until} must be after today ({today})'},
    'bad_alert_filter': {"vi": '{field} không hợp lệ: {value!r}; chọn: {choices}', "en": '{field} {value!r} is not valid; choose from: {choices}'},
    'digest_subject': {"vi": '[auction-flow] {n} cảnh báo ngày {on}', "en": '[auction-flow] {n} alert(s) {on}'},
    'digest_head': {"vi": 'auction-flow: {n} cảnh báo mới hoặc tăng mức cho {user} ngày {on}', "en": 'auction-flow: {n} new or escalated alert(s) for {user} on {on}'},
    'digest_line': {"vi": '#{id} {rule}/{level} tài sản {asset} ({case}) {office}, chấp hành viên {officer}: {state}, hạn {deadline}, {late}.{extra}', "en": '#{id} {rule}/{level} asset {asset} ({case}) {office} officer {officer}: {state}, deadline {deadline}, {late}.{extra}'},
    'digest_late': {"vi": 'trễ {n} ngày', "en": '{n} day(s) late'},
    'digest_due': {"vi": 'còn {n} ngày', "en": 'due in {n} day(s)'},
    'digest_factors': {"vi": ' Yếu tố: {factors}', "en": ' factors: {factors}'},
    'digest_anchor': {"vi": 'Mốc nhật ký khi gửi thư này: {anchor}\nHãy giữ thư này: `auction-flow audit verify --anchor {anchor}` chứng minh nhật ký đến mốc này không bị viết lại.', "en": 'Audit log anchor when this was sent: {anchor}\nKeep this e-mail: `auction-flow audit verify --anchor {anchor}` shows the log up to it was not rewritten.'},
    'smtp_not_configured': {"vi": 'chưa cấu hình máy chủ thư: đặt AUCTION_FLOW_SMTP_HOST (hoặc --smtp-host)', "en": 'no mail server configured: set AUCTION_FLOW_SMTP_HOST (or --smtp-host)'},
}

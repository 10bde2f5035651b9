"""Labels of the codes a person reads: alert rules, levels and statuses, inspection signals,
roles, audit events, choices of trigger fields. (States and triggers are labelled by the
workflow file that defines them; the loader adds them here: see :func:`register_terms`.)

Each key is ``<kind>.<code>``; the code itself stays what ``--json`` and the API return."""

WORDS = {
    # alert rules
    "rule.handover": {"vi": "chậm giao tài sản", "en": "slow handover"},
    "rule.complaint_risk": {"vi": "nguy cơ khiếu nại sau hủy kết quả", "en": "complaint risk after a cancellation"},
    "rule.stalled": {"vi": "quá thời hạn giai đoạn", "en": "stalled stage"},
    "rule.complaint": {"vi": "thời hạn giải quyết khiếu nại", "en": "complaint clock"},
    # alert levels
    "level.warning": {"vi": "sắp đến hạn", "en": "warning"},
    "level.overdue": {"vi": "quá hạn", "en": "overdue"},
    "level.escalated": {"vi": "báo lãnh đạo đơn vị", "en": "escalated"},
    "level.escalated_province": {"vi": "báo lãnh đạo Cục", "en": "escalated to the province"},
    "level.low": {"vi": "thấp", "en": "low"},
    "level.medium": {"vi": "trung bình", "en": "medium"},
    "level.high": {"vi": "cao", "en": "high"},
    # alert statuses and how an alert ended
    "status.open": {"vi": "đang mở", "en": "open"},
    "status.acknowledged": {"vi": "đã tiếp nhận", "en": "acknowledged"},
    "status.snoozed": {"vi": "tạm hoãn", "en": "snoozed"},
    "status.resolved": {"vi": "đã đóng", "en": "resolved"},
    "resolution.moved_on": {"vi": "tài sản đã chuyển bước", "en": "the asset moved on"},
    "resolution.superseded": {"vi": "thay bằng mức cao hơn", "en": "superseded by a higher level"},
    "resolution.window_closed": {"vi": "hết thời gian có nguy cơ", "en": "the risk window closed"},
    "resolution.complaint_filed": {"vi": "đã có khiếu nại", "en": "a complaint was filed"},
    # complaint-risk factors
    "factor.paid_in_full": {"vi": "người mua đã nộp đủ tiền", "en": "the buyer had paid in full"},
    "factor.cancelled_before": {"vi": "đã từng bị hủy kết quả", "en": "cancelled before"},
    "factor.no_follow_up": {"vi": "không có bước tiếp theo đúng hạn", "en": "nothing followed in time"},
    # inspection signals
    "signal.backdated": {"vi": "ghi nhận lùi ngày", "en": "back-dated step"},
    "signal.outside_office": {"vi": "thao tác ngoài đơn vị", "en": "step outside the asset's office"},
    "signal.low_sale": {"vi": "bán thấp xa giá thẩm định", "en": "sale far below the appraisal"},
    "signal.buyer_wins": {"vi": "một người mua trúng nhiều lần", "en": "one buyer winning often"},
    "signal.officer_cancellations": {"vi": "một người hủy nhiều kết quả", "en": "one officer cancelling often"},
    "signal.price_reductions": {"vi": "giảm giá nhiều lần", "en": "repeated price cuts"},
    "signal.handover_open_complaint": {"vi": "giao tài sản khi đang có khiếu nại",
                                       "en": "handover while a complaint is open"},
    # roles
    "role.officer": {"vi": "chấp hành viên", "en": "officer"},
    "role.supervisor": {"vi": "lãnh đạo", "en": "supervisor"},
    "role.procurator": {"vi": "kiểm sát viên", "en": "procurator"},
    "role.admin": {"vi": "quản trị viên", "en": "administrator"},
    # asset kinds
    "kind.movable": {"vi": "động sản", "en": "movable"},
    "kind.real_estate": {"vi": "bất động sản", "en": "real estate"},
    # the seizure, the first step of every asset (not a trigger of the workflow file)
    "trigger.seize": {"vi": "Kê biên", "en": "Seize"},
    # audit events
    "event.asset_created": {"vi": "kê biên tài sản", "en": "asset seized"},
    "event.asset_imported": {"vi": "nhập tài sản đang xử lý", "en": "asset imported"},
    "event.transition": {"vi": "chuyển bước", "en": "step"},
    "event.reassigned": {"vi": "giao lại chấp hành viên", "en": "asset reassigned"},
    "event.corrected": {"vi": "sửa thông tin tài sản", "en": "asset corrected"},
    "event.workflow_migrated": {"vi": "chuyển phiên bản quy trình", "en": "workflow version changed"},
    "event.office_added": {"vi": "thêm đơn vị", "en": "office added"},
    "event.user_added": {"vi": "thêm người dùng", "en": "user added"},
    "event.holiday_added": {"vi": "thêm ngày nghỉ", "en": "day off added"},
    "event.workday_added": {"vi": "thêm ngày làm bù", "en": "working day added"},
    "event.alert_acknowledged": {"vi": "tiếp nhận cảnh báo", "en": "alert acknowledged"},
    "event.alert_snoozed": {"vi": "tạm hoãn cảnh báo", "en": "alert snoozed"},
    "event.alert_escalated": {"vi": "cảnh báo tăng mức", "en": "alert escalated"},
    "event.alert_resolved": {"vi": "cảnh báo đã đóng", "en": "alert resolved"},
    "event.complaint_received": {"vi": "nhận khiếu nại", "en": "complaint received"},
    "event.complaint_accepted": {"vi": "thụ lý khiếu nại", "en": "complaint accepted"},
    "event.complaint_resolved": {"vi": "giải quyết khiếu nại", "en": "complaint resolved"},
    # complaints
    "complaint_kind.complaint": {"vi": "khiếu nại", "en": "complaint"},
    "complaint_kind.denunciation": {"vi": "tố cáo", "en": "denunciation"},
    "complaint_level.first": {"vi": "lần đầu", "en": "first"},
    "complaint_level.second": {"vi": "lần hai", "en": "second"},
    "complaint_status.received": {"vi": "đã nhận", "en": "received"},
    "complaint_status.accepted": {"vi": "đã thụ lý", "en": "accepted"},
    "complaint_status.resolved": {"vi": "đã giải quyết", "en": "resolved"},
    "complaint_status.out_of_time": {"vi": "quá thời hiệu", "en": "out of time"},
    "limitation.before_measures": {"vi": "trước biện pháp bảo đảm, cưỡng chế", "en": "before any measure"},
    "limitation.coercion": {"vi": "biện pháp cưỡng chế", "en": "coercive measure"},
    "limitation.after_coercion": {"vi": "sau biện pháp cưỡng chế", "en": "after a coercive measure"},
    "limitation.second": {"vi": "khiếu nại lần tiếp theo", "en": "next complaint"},
    # the state of a clock (complaints)
    "clock.met": {"vi": "đúng hạn", "en": "met"},
    "clock.missed": {"vi": "trễ hạn", "en": "missed"},
    "clock.running": {"vi": "đang chạy", "en": "running"},
    "clock.overdue": {"vi": "quá hạn", "en": "overdue"},
    # choices of trigger fields
    "ground.buyer_default": {"vi": "người mua không nộp đủ tiền", "en": "the buyer did not pay"},
    "ground.collusion": {"vi": "thông đồng, dìm giá", "en": "collusion"},
    "ground.procedural_breach": {"vi": "vi phạm trình tự, thủ tục", "en": "procedural breach"},
    "ground.agreement": {"vi": "thỏa thuận của các bên (các bên ký; Điều 72 khoản 1)", "en": "agreement of the parties (signed by them; Art. 72(1))"},
    "ground.court_decision": {"vi": "quyết định của Tòa án", "en": "a court's decision"},
    "ground.other": {"vi": "khác", "en": "other"},
    # version 3's cancellation grounds (PAL 2016 Art. 72): the ground and who issues its document
    "ground.court_void": {"vi": "Tòa án tuyên bố hợp đồng vô hiệu hoặc bị hủy bỏ (văn bản của Tòa án; Điều 72 khoản 2, 3)", "en": "a court declared the contract void or rescinded (the court's document; Art. 72(2), (3))"},
    "ground.winner_violation": {"vi": "người trúng đấu giá thông đồng, dìm giá (văn bản của cơ quan có thẩm quyền kết luận; Điều 9 khoản 5 điểm b)", "en": "the winner colluded or suppressed the price (the finding authority's document; Art. 9(5)(b))"},
    "ground.sanction_decision": {"vi": "quyết định của người có thẩm quyền xử phạt: vi phạm nghiêm trọng việc niêm yết, thông báo công khai (Điều 72)", "en": "the competent sanctioning authority's decision: a serious breach of the posting or notice procedure (Art. 72)"},
    "creditor_declined.yes": {"vi": "có: người được thi hành án không nhận tài sản", "en": "yes: the creditor declines the asset"},
    "suspension.postpone": {"vi": "hoãn", "en": "postpone"},
    "suspension.suspend": {"vi": "tạm đình chỉ", "en": "suspend"},
    # units of a clock
    "unit.working": {"vi": "ngày làm việc", "en": "working days"},
    "unit.calendar": {"vi": "ngày", "en": "days"},
    # calendar
    "day_kind.holiday": {"vi": "ngày nghỉ", "en": "holiday"},
    "day_kind.workday": {"vi": "làm bù", "en": "workday"},
    # days of the week as calendars write them (Monday = T2 ... Sunday = CN); the code is Python's %a
    "weekday.Mon": {"vi": "T2", "en": "Mon"},
    "weekday.Tue": {"vi": "T3", "en": "Tue"},
    "weekday.Wed": {"vi": "T4", "en": "Wed"},
    "weekday.Thu": {"vi": "T5", "en": "Thu"},
    "weekday.Fri": {"vi": "T6", "en": "Fri"},
    "weekday.Sat": {"vi": "T7", "en": "Sat"},
    "weekday.Sun": {"vi": "CN", "en": "Sun"},
}

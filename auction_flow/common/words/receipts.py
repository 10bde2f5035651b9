"""Notices, the days parties received them, and re-appraisal (its grounds and the certificate's validity)."""

WORDS = {
    # refusals of record_receipt and request_reappraisal (auction_flow.core.guards), and of the certificate check
    'g_party_not_of_asset': {"vi": 'đương sự {party} không phải {roles} của tài sản {asset}; đương sự của tài sản: {parties}', "en": 'party {party} is not a {roles} of asset {asset}; its parties: {parties}'},
    'g_no_notice': {"vi": 'chưa có thông báo nào gửi đương sự ở trạng thái này (thông báo do {notifying} phát hành)', "en": 'no notice to the parties was issued in this state (the notice is issued by {notifying})'},
    'g_receipt_before_notice': {"vi": 'ngày nhận {received} sớm hơn ngày thông báo của {notice} ({notice_on})', "en": 'the day received, {received}, is before the notice of {notice} ({notice_on})'},
    'g_notice_not_received': {"vi": 'chưa ghi nhận ngày nhận thông báo của {notice} ({notice_on}) của: {parties}; thời hạn tính từ ngày họ nhận được (record_receipt)', "en": 'the notice of {notice} ({notice_on}) is not recorded as received by: {parties}; the window counts from their receipt (record_receipt)'},
    'g_receipt_twice': {"vi": 'đã ghi nhận đương sự {party} ({name}) nhận thông báo ngày {received}', "en": 'party {party} ({name}) is already recorded as receiving the notice on {received}'},
    'g_party_needed': {"vi": 'căn cứ party_request cần đương sự yêu cầu: --set party=SỐ (đương sự của tài sản: {parties})', "en": 'ground party_request needs the requesting party: --set party=ID (the asset\'s parties: {parties})'},
    'g_no_receipt': {"vi": 'chưa ghi nhận ngày đương sự {party} ({name}) nhận thông báo kết quả thẩm định giá; trước hết: record_receipt --set party={party} --set received_on=NGÀY', "en": 'no day is recorded on which party {party} ({name}) received the appraisal result notice; first: record_receipt --set party={party} --set received_on=DATE'},
    'g_reappraisal_window_receipt': {"vi": 'thời hạn yêu cầu định giá lại của đương sự {party} ({name}): {days} ngày làm việc từ ngày nhận thông báo {received}, đã hết ngày {deadline} ({basis})', "en": 'the re-appraisal window of party {party} ({name}), {days} working days from its receipt of the notice on {received}, closed on {deadline} ({basis})'},
    'g_no_certificate': {"vi": 'chưa ghi nhận thời hạn hiệu lực của chứng thư thẩm định giá (record_appraisal --set valid_until=NGÀY): căn cứ certificate_expired cần có', "en": 'no validity of an appraisal certificate is recorded (record_appraisal --set valid_until=DATE): ground certificate_expired needs one'},
    'c_date_not_after': {"vi": '{date} {day} sau {limit} {until} ({basis}); thay vào đó: {otherwise}', "en": '{date} {day} is after {limit} {until} ({basis}); instead: {otherwise}'},
    # complaints: the day a party received the attacked step's notice, as recorded
    'complaint_party_needs_step': {"vi": '--party {party}: cần --step (bước bị khiếu nại) để tìm ngày đương sự nhận thông báo', "en": '--party {party}: give --step (the step attacked) to find the day the party received its notice'},
    'complaint_receipt_mismatch': {"vi": 'đương sự {party} nhận thông báo của bước {step} ({trigger}) ngày {recorded} (đã ghi nhận bằng record_receipt), không phải {given}; bỏ --decision-received hoặc ghi {recorded}', "en": 'party {party} received the notice of step {step} ({trigger}) on {recorded} (recorded by record_receipt), not {given}; leave --decision-received out or give {recorded}'},
    # the step forms' fields
    'web.field.party': {"vi": 'Đương sự (số trong hồ sơ)', "en": 'Party (its id in the case file)'},
    'web.field.received_on': {"vi": 'Ngày đương sự nhận thông báo', "en": 'Day the party received the notice'},
    'web.field.valid_until': {"vi": 'Chứng thư thẩm định giá có hiệu lực đến ngày', "en": 'Appraisal certificate valid until'},
    # grounds of a re-appraisal
    "ground.party_request": {"vi": "đương sự yêu cầu (Điều 99 khoản 1 điểm b)", "en": "a party's request (Art. 99(1)(b))"},
    "ground.officer_error": {"vi": "Chấp hành viên vi phạm nghiêm trọng khi định giá (Điều 99 khoản 1 điểm a)", "en": "the officer's serious error in the appraisal (Art. 99(1)(a))"},
    "ground.certificate_expired": {"vi": "chứng thư thẩm định giá hết hiệu lực trước ngày đấu giá", "en": "the appraisal certificate expires before the auction"},
    # asset show: the notice, the receipts and their windows
    'label.valid_until': {"vi": 'Chứng thư có hiệu lực đến', "en": 'Certificate valid until'},
    'label.notice': {"vi": 'Thông báo cho đương sự', "en": 'Notice to the parties'},
    'cli.notice_line': {"vi": 'bước {seq} ({trigger}) ngày {on}', "en": 'step {seq} ({trigger}) on {on}'},
    'cli.receipt_line': {"vi": 'đương sự {party} {name}: nhận ngày {received_on}; hạn yêu cầu định giá lại {window_ends}', "en": 'party {party} {name}: received on {received_on}; re-appraisal window ends {window_ends}'},
    'label.no_receipts': {"vi": 'chưa ghi nhận đương sự nào nhận thông báo (record_receipt)', "en": 'no party\'s receipt recorded yet (record_receipt)'},
}

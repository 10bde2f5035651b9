"""Integrity: what ``audit verify`` says about tables that disagree with their audit chain."""

WORDS = {
    'record_mismatch': {"vi": 'bảng bị sửa: tài sản {asset}, cột {column}: chuỗi nhật ký ghi {chain}, bảng ghi {table}',
                        "en": 'record tampered: asset {asset}, column {column}: the chain says {chain}, the table says {table}'},
    'record_jump': {"vi": 'bảng bị sửa: tài sản {asset}, dòng {id} (bước {seq}) đi từ trạng thái {found}, nhưng dòng trước kết thúc ở {expected}',
                    "en": 'record tampered: asset {asset}, row {id} (step {seq}) starts from state {found}, but the previous row ends in {expected}'},
    'record_before': {"vi": 'bảng bị sửa: tài sản {asset}, dòng {id} (bước {seq}), cột {column}: giá trị trước bước là {row_says}, chuỗi nhật ký ghi {chain}',
                      "en": 'record tampered: asset {asset}, row {id} (step {seq}), column {column}: the value before the step was {row_says}, the chain says {chain}'},
    'record_seq': {"vi": 'bảng bị sửa: tài sản {asset}, dòng {id} là bước {seq}, đáng lẽ là bước {expected}',
                   "en": 'record tampered: asset {asset}, row {id} is step {seq}, step {expected} expected'},
    'record_no_start': {"vi": 'bảng bị sửa: tài sản {asset}: dòng đầu của chuỗi ({id}, {event}) không phải là kê biên hay nhập',
                        "en": "record tampered: asset {asset}: its chain's first row ({id}, {event}) is not a seizure or an import"},
    'record_row_officer': {"vi": 'bảng bị sửa: tài sản {asset}, dòng {id} (bước {seq}) ghi chấp hành viên phụ trách {row_says}, chuỗi nhật ký ghi {chain}',
                           "en": 'record tampered: asset {asset}, row {id} (step {seq}) names the officer in charge {row_says}, the chain says {chain}'},
    'record_more': {"vi": 'và {n} chỗ không khớp khác', "en": 'and {n} more disagreements'},
    'record_obligation_missing': {"vi": 'bảng bị sửa: tài sản {asset}: nghĩa vụ {name} mở ở bước {seq} có trong chuỗi nhật ký nhưng không còn trong bảng',
                                  "en": 'record tampered: asset {asset}: obligation {name} opened at step {seq} is in the chain but no longer in the table'},
    'record_obligation_mismatch': {"vi": 'bảng bị sửa: tài sản {asset}, nghĩa vụ {name} (dòng {id}), cột {column}: chuỗi nhật ký ghi {chain}, bảng ghi {table}',
                                   "en": 'record tampered: asset {asset}, obligation {name} (row {id}), column {column}: the chain says {chain}, the table says {table}'},
    'record_obligation_extra': {"vi": 'bảng bị sửa: tài sản {asset}: nghĩa vụ {name} (dòng {id}, bước {seq}) không có trong dòng nhật ký nào',
                                "en": 'record tampered: asset {asset}: obligation {name} (row {id}, step {seq}) is in no audit row'},
}

WORDS.update({
    'cli.user_changed': {"vi": 'người dùng {username}: vai trò {role}, đơn vị {office}',
                         "en": 'user {username}: role {role}, office {office}'},
    'cli.office_moved': {"vi": 'đơn vị {code} nay thuộc {parent}', "en": 'office {code} now comes under {parent}'},
    'nothing_to_change': {"vi": '{user}: không có gì thay đổi', "en": '{user}: nothing to change'},
    'office_cycle': {"vi": 'không thể đặt đơn vị {office} dưới {parent}: {parent} thuộc {office}',
                     "en": 'office {office} cannot come under {parent}: {parent} is under {office}'},
    'event.user_changed': {"vi": 'đổi vai trò / đơn vị', "en": 'role or office changed'},
    'event.office_moved': {"vi": 'chuyển đơn vị cấp trên', "en": 'office moved'},
})

WORDS.update({
    'record_register_mismatch': {"vi": 'bảng bị sửa: {table} {item}, cột {column}: chuỗi nhật ký ghi {chain}, bảng ghi {table_says}',
                                 "en": 'record tampered: {table} {item}, column {column}: the chain says {chain}, the table says {table_says}'},
    'record_register_unknown': {"vi": 'bảng bị sửa: {table} {item} không được dòng nhật ký nào ghi nhận (đã bị chèn hoặc sửa)',
                                "en": 'record tampered: {table} {item} is in no audit row (it was inserted or altered)'},
    'record_register_missing': {"vi": 'bảng bị sửa: {table} {item} có trong chuỗi nhật ký nhưng không còn trong bảng (đã bị xóa)',
                                "en": 'record tampered: {table} {item} is in the chain but no longer in the table (it was deleted)'},
    'record_alert_handling': {"vi": 'bảng bị sửa: cảnh báo {alert} ghi người xử lý {user} mà không có dòng nhật ký nào',
                              "en": 'record tampered: alert {alert} says it was handled by {user}, and no audit row says so'},
    'record_alerts_deleted': {"vi": 'bảng bị sửa: thiếu {n} cảnh báo (dòng nhật ký {row} ghi {count} cảnh báo đến số {max_id})',
                              "en": 'record tampered: {n} alert(s) deleted (audit row {row} counted {count} alerts up to id {max_id})'},
    'event.access_denied': {"vi": 'từ chối truy cập', "en": 'access refused'},
    'event.alerts_scanned': {"vi": 'quét cảnh báo', "en": 'alerts scanned'},
})

WORDS.update({
    'cli.digest_deferred': {"vi": '; {n} thư để lần chạy sau (hết thời gian hoặc máy chủ thư không trả lời)',
                            "en": '; {n} left for the next run (time was up, or the mail server did not answer)'},
    'digest_all_failed': {"vi": 'không gửi được thư tổng hợp nào: {n} lần gửi đều lỗi ({deferred} thư để lần chạy sau)',
                          "en": 'no digest could be sent: all {n} sends tried failed ({deferred} left for the next run)'},
})

WORDS.update({
    'record_alert_status': {"vi": 'bảng bị sửa: cảnh báo {alert} ở trạng thái {status}, điều mà chương trình không tạo ra (xử lý cuối cùng trong nhật ký: {event})',
                            "en": 'record tampered: alert {alert} is {status}, which the program does not leave it in (its last handling in the chain: {event})'},
})

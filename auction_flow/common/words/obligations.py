"""Words of the side clocks (the workflow's ``obligations:``): refusals, the alert rule, the labels
``asset show`` and the asset page use, the fields of the steps that close them. (The obligations'
own names are labelled by the workflow file: ``obligation.<name>``.)"""

WORDS = {
    # refusals of a step that closes an obligation
    'o_not_open': {"vi": 'không có nghĩa vụ "{obligation}" ({code}) nào đang mở để kết thúc; đang mở: {open}',
                   "en": 'no "{obligation}" ({code}) is open to close; open now: {open}'},
    'o_done_before': {"vi": 'ngày thực hiện {done} trước ngày bắt đầu tính thời hạn của "{obligation}", {start}',
                      "en": 'the day it was done, {done}, is before "{obligation}" started on {start}'},
    # the alert on an overdue obligation, and how it ends
    'rule.obligation': {"vi": "quá hạn nghĩa vụ (trả tiền)", "en": "overdue obligation"},
    'resolution.fulfilled': {"vi": "nghĩa vụ đã được thực hiện", "en": "the obligation was done"},
    # asset show and the asset page
    'label.obligations': {"vi": 'Nghĩa vụ đang mở', "en": 'Open obligations'},
    'label.due': {"vi": 'hạn', "en": 'due'},
    'cli.advanced_opened': {"vi": '; mở nghĩa vụ {obligation}, hạn {due}', "en": '; opened {obligation}, due {due}'},
    'cli.advanced_closed': {"vi": '; kết thúc nghĩa vụ {obligation} (thực hiện ngày {done})',
                            "en": '; closed {obligation} (done on {done})'},
    # the fields of the steps that close them
    'web.field.refunded_on': {"vi": 'Ngày đã trả lại tiền', "en": 'Day the money was returned'},
    'web.field.bidders': {"vi": 'Số người được trả lại tiền đặt trước', "en": 'Bidders refunded'},
    'web.field.refunded_amount': {"vi": 'Số tiền đã trả lại cho người mua', "en": 'Amount returned to the buyer'},
}

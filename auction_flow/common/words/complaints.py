"""The complaints and denunciations register."""

WORDS = {
    'complaint_not_found': {"vi": 'không có khiếu nại/tố cáo số {id}', "en": 'no complaint with id {id}'},
    'bad_complaint_kind': {"vi": 'loại phải là complaint hoặc denunciation, nhận {value!r}', "en": 'kind must be complaint or denunciation, got {value!r}'},
    'bad_complaint_level': {"vi": 'cấp giải quyết phải là first hoặc second, nhận {value!r}', "en": 'level must be first or second, got {value!r}'},
    'complaint_status': {"vi": 'khiếu nại {id} đang ở trạng thái {status}: không thể {action}', "en": 'complaint {id} is {status}: cannot {action} it'},
    'complaint_date_order': {"vi": 'khiếu nại {id}: ngày {on} trước ngày {what} {before}', "en": 'complaint {id}: {on} is before its {what} date {before}'},
    'complaint_step_not_found': {"vi": 'tài sản {asset} không có bước số {step} (số thứ tự trong nhật ký của tài sản)', "en": 'asset {asset} has no step {step} (its position in the asset\'s audit trail)'},
    'complaint_needs_receipt': {"vi": 'khiếu nại bước {step}: cần ngày người khiếu nại nhận được quyết định (--decision-received), thời hiệu tính từ ngày đó', "en": 'complaint about step {step}: give the day the complainant received the decision (--decision-received); the limitation period counts from it'},
    'complaint_receipt_order': {"vi": 'ngày nhận quyết định {decision_received} sau ngày nhận đơn khiếu nại {received}', "en": 'the decision was received on {decision_received}, after the complaint itself ({received})'},
    'complaint_receipt_before_step': {"vi": 'ngày nhận quyết định {decision_received} trước ngày ra quyết định của bước {step} ({trigger}, {decided})', "en": 'the decision was received on {decision_received}, before step {step} ({trigger}) was decided on {decided}'},
    'complaint_out_of_time': {"vi": 'khiếu nại {id} nhận ngày {received}, sau khi hết thời hiệu ngày {due} ({basis}): đã ghi nhận là quá thời hiệu, không thụ lý và không có thời hạn giải quyết', "en": 'complaint {id} was received on {received}, after its limitation period ended on {due} ({basis}): registered as out of time, it cannot be accepted and starts no resolution clock'},
    'complaint_obstacle_days': {"vi": 'không tính {n} ngày trở ngại khách quan, bất khả kháng', "en": '{n} days of objective obstacle or force majeure not counted'},
    'complaint_obstacle_range': {"vi": 'số ngày trở ngại khách quan phải từ 0 đến 3660, nhận {value!r}', "en": 'the days of objective obstacle must be 0 to 3660, got {value!r}'},
}

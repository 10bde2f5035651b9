"""The complaints and denunciations register."""

WORDS = {
    'complaint_not_found': {"vi": 'không có khiếu nại/tố cáo số {id}', "en": 'no complaint with id {id}'},
    'bad_complaint_kind': {"vi": 'loại phải là complaint hoặc denunciation, nhận {value!r}', "en": 'kind must be complaint or denunciation, got {value!r}'},
    'bad_complaint_level': {"vi": 'cấp giải quyết phải là first hoặc second, nhận {value!r}', "en": 'level must be first or second, got {value!r}'},
    'complaint_status': {"vi": 'khiếu nại {id} đang ở trạng thái {status}: không thể {action}', "en": 'complaint {id} is {status}: cannot {action} it'},
    'complaint_date_order': {"vi": 'khiếu nại {id}: ngày {on} trước ngày {what} {before}', "en": 'complaint {id}: {on} is before its {what} date {before}'},
}

"""What the demo says to a new user: where to go on from, as whom, and as of which day."""

WORDS = {
    'guide.go_on': {"vi": 'Xem tiếp từ đây (người dùng của bản demo; lệnh đọc mặc định tính đến ngày {day}, ngày của bản demo):', "en": "Go on from here (the demo's own users; reads default to the demo's day, {day}):"},
    'guide.more_alerts': {"vi": '... và {n} cảnh báo nữa (lệnh đầu tiên dưới đây liệt kê tất cả)', "en": '... and {n} more (the first command below lists them all)'},
    'calendar.makeup': {"vi": 'ngày làm bù', "en": 'make-up working day'},
}

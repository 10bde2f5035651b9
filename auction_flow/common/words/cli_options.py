"""The command line's option helps in Vietnamese (see ``cli_help``; the English is each option's
``help=``).

``OPTIONS`` is keyed by the command's path and the option's longest flag (``"asset advance
--set"``); ``SHARED`` by the flag alone, for the options many commands share with one English text
(``--json``, ``--db``, click's ``--help``...). A command whose option of a shared name says
something else has its own entry here (a test checks that every option a shared entry answers
has the same English text).
"""

SHARED = {
    "--help": "Hiện hướng dẫn này rồi thoát.",
    "--version": "Hiện số phiên bản rồi thoát.",
    "--lang": "Ngôn ngữ của nhãn và thông báo.",
    "--as": "Người thực hiện lệnh, chọn trong các phiên đang đăng nhập trên máy này (mặc định: $AUCTION_FLOW_USER, "
            "hoặc phiên duy nhất; xem `auction-flow login`).",
    "--db": "URL cơ sở dữ liệu hoặc tệp SQLite (mặc định: $AUCTION_FLOW_DB, nếu không có thì thư mục dữ liệu của "
            "người dùng).",
    "--json": "In kết quả dạng máy đọc được (JSON).",
    "--now": "Xem tính đến ngày này (mặc định: hôm nay; với cơ sở dữ liệu demo: ngày của bản demo).",
    "--on": "Ngày nghiệp vụ (mặc định: hôm nay).",
    "--smtp-host": "Máy chủ SMTP (mặc định: $AUCTION_FLOW_SMTP_HOST).",
    "--smtp-port": "Cổng SMTP (mặc định: $AUCTION_FLOW_SMTP_PORT).",
    "--smtp-user": "Tài khoản SMTP (mặc định: $AUCTION_FLOW_SMTP_USER).",
    "--smtp-password": "Mật khẩu SMTP (mặc định: $AUCTION_FLOW_SMTP_PASSWORD).",
    "--smtp-sender": "Địa chỉ người gửi SMTP (mặc định: $AUCTION_FLOW_SMTP_SENDER).",
}

_DEMO_DAY = "mặc định: hôm nay; với cơ sở dữ liệu demo: ngày của bản demo"
_PASSWORD_STDIN = "Đọc mật khẩu từ dòng đầu tiên của đầu vào chuẩn (nếu không thì hỏi hai lần, không hiện trên màn hình)."

OPTIONS = {
    # --- set-up -----------------------------------------------------------------------------
    "init --admin": "Tên đăng nhập của quản trị viên đầu tiên.",
    "init --name": "Họ và tên của quản trị viên.",
    "init --password-stdin": _PASSWORD_STDIN,
    "db roles --owner": "Vai trò sở hữu lược đồ (các bản chuyển đổi chạy với vai trò này).",
    "db roles --app": "Vai trò mà máy chủ và dòng lệnh dùng để kết nối.",
    "db roles --print": "In câu lệnh SQL thay vì chạy.",
    "db upgrade --revision": "Phiên bản Alembic cần nâng tới.",
    "office add --parent": "Đơn vị cấp trên của đơn vị này.",
    "office move --parent": "Đơn vị cấp trên mới (bỏ trống: đơn vị cấp cao nhất).",
    "user add --office": "Đơn vị của người dùng (mọi vai trò trừ admin).",
    "user add --name": "Họ và tên.",
    "user add --email": "Địa chỉ nhận thư tổng hợp cảnh báo.",
    "user add --must-change": "Người dùng phải đặt mật khẩu mới ở lần đăng nhập đầu tiên.",
    "user add --password-stdin": _PASSWORD_STDIN,
    "user change --role": "Vai trò mới.",
    "user purge-sessions --older-than": "Xóa các phiên đã kết thúc hoặc hết hạn quá DAYS ngày (mặc định: "
                                        "$AUCTION_FLOW_SESSION_RETENTION_DAYS, nếu không thì 90).",
    "user change --office": "Đơn vị mới.",
    "user passwd --password-stdin": "Đọc từ đầu vào chuẩn: mật khẩu hiện tại rồi mật khẩu mới, mỗi mật khẩu một dòng "
                                    "(quản trị viên đặt lại mật khẩu của người khác: chỉ mật khẩu mới).",
    "workflow migrate --to": "Phiên bản mới hơn của quy trình.",
    "workflow migrate --asset": "Một tài sản cần chuyển (có thể lặp lại).",
    "workflow migrate --all": "Mọi tài sản chưa kết thúc của các đơn vị bạn phụ trách đang theo phiên bản cũ hơn.",
    "workflow migrate --reason": "Lý do (bắt buộc; ghi vào dòng nhật ký của từng tài sản).",
    "workflow migrate --dry-run": "Kiểm tra và liệt kê các tài sản; không thay đổi gì.",
    "workflow show --sources": "Liệt kê mọi căn cứ pháp lý, cùng những căn cứ chưa xác nhận được và lý do.",
    "demo --seed": "Giá trị khởi tạo ngẫu nhiên (seed) của dữ liệu demo.",
    "demo --year": "Năm báo cáo cần mô phỏng (từ ngày 1 tháng 10 năm trước đến ngày 30 tháng 9).",
    "serve --host": "Địa chỉ lắng nghe.",
    "serve --port": "Cổng lắng nghe.",

    # --- identity ---------------------------------------------------------------------------
    "login --password-stdin": "Đọc mật khẩu từ dòng đầu tiên của đầu vào chuẩn.",
    "token create --name": "Mã truy cập dùng cho việc gì (một tập lệnh, một máy).",
    "token create --expires": "Ngày cuối cùng mã còn hiệu lực (YYYY-MM-DD) hoặc số ngày (tối đa 366).",
    "token list --all": "Mã truy cập của mọi người dùng (quản trị viên).",

    # --- assets -----------------------------------------------------------------------------
    "asset advance --on": "Ngày nghiệp vụ của bước (mặc định: hôm nay).",
    "asset advance --reason": "Lý do, căn cứ của bước (một số thao tác bắt buộc phải có).",
    "asset advance --set": "Một trường thông tin mà thao tác cần.",
    "asset advance --expect-version": "Từ chối (xung đột) nếu tài sản không còn ở phiên bản N như lần xem gần nhất.",
    "asset advance --buyer": "Đương sự đã mua được tài sản (record_sale).",
    "asset advance --buyer-id-number": "Đương sự đã mua được tài sản, theo đầy đủ số giấy tờ của họ (thay cho --buyer).",
    "asset correct --set": "Một trường mô tả cần sửa (case_number, description, buyer, appraisal_org, auction_org).",
    "asset correct --reason": "Lý do (ghi vào nhật ký).",
    "asset history --now": f"Tính các giai đoạn đang mở đến ngày này ({_DEMO_DAY}).",
    "asset list --state": "Chỉ các tài sản ở trạng thái này.",
    "asset list --office": "Chỉ đơn vị này.",
    "asset list --overdue": "Chỉ các tài sản đã quá hạn.",
    "asset list --case": "Tìm theo số vụ việc (không phân biệt dấu và chữ hoa, chữ thường).",
    "asset list --party": "Tìm theo tên và số giấy tờ của các đương sự của tài sản.",
    "asset list --q": "Tìm theo số vụ việc, mô tả và đương sự.",
    "asset list --limit": "Số kết quả tìm kiếm tối đa.",
    "asset reassign --to": "Chấp hành viên nhận tài sản.",
    "asset reassign --reason": "Lý do (ghi vào nhật ký).",
    "asset seize --case": "Số vụ việc thi hành án.",
    "asset seize --officer": "Chấp hành viên được phân công (mặc định: người thực hiện lệnh).",
    "asset seize --on": "Ngày kê biên (mặc định: hôm nay).",
    "asset seize --debtor": "Một người phải thi hành án (có thể lặp lại).",
    "asset seize --creditor": "Một người được thi hành án (có thể lặp lại).",
    "asset seize --debtor-id-number": "Một người phải thi hành án theo đầy đủ số giấy tờ của họ (có thể lặp lại): cách liên kết "
                                      "đương sự của đơn vị khác.",
    "asset seize --creditor-id-number": "Một người được thi hành án theo đầy đủ số giấy tờ của họ (có thể lặp lại): cách liên "
                                        "kết đương sự của đơn vị khác.",
    "asset seize --allow-duplicate": "Vẫn ghi nhận dù đơn vị đã có tài sản cùng vụ việc và mô tả này.",
    "asset seize --quiet": "Chỉ in số của tài sản mới (dùng cho tập lệnh).",
    "import assets --dry-run": "Kiểm tra toàn bộ tệp và báo cáo; không ghi gì.",
    "party add --id-number": "Số căn cước công dân (12 chữ số) hoặc mã số doanh nghiệp (10 chữ số, 13 với chi nhánh).",
    "party link --id-number": "Đầy đủ số giấy tờ của đương sự, thay cho PARTY_ID: cách liên kết đương sự của đơn vị khác.",
    "party list --role": "Chỉ các đương sự có tư cách này.",
    "doc get --output": "Nơi ghi tệp DOCX.",
    "doc verify --asset": "Mọi văn bản và tệp đính kèm của tài sản này.",
    "report rollup --check": "Tính lại từ nhật ký mọi dòng giữ sẵn và so sánh; khác thì mã thoát 1.",
    "report stages --from": "Ngày đầu của kỳ báo cáo.",
    "report stages --to": "Ngày cuối của kỳ báo cáo (tính cả ngày này).",
    "report stages --year": "Năm báo cáo Y: (Y-1)-10-01 .. Y-09-30.",
    "report stages --now": f"Khi không có --year/--from/--to: báo cáo năm báo cáo chứa ngày này ({_DEMO_DAY}).",
    "report stages --chart": "Vẽ biểu đồ ra FILE.svg hoặc FILE.png.",
    "report summary --from": "Ngày đầu của kỳ báo cáo.",
    "report summary --to": "Ngày cuối của kỳ báo cáo (tính cả ngày này).",
    "report summary --year": "Năm báo cáo Y: (Y-1)-10-01 .. Y-09-30.",
    "report summary --now": f"Khi không có --year/--from/--to: báo cáo năm báo cáo chứa ngày này ({_DEMO_DAY}).",
    "report summary --by": "Mỗi dòng một Chi cục, chấp hành viên, tổ chức đấu giá tài sản hoặc tổ chức thẩm định giá.",
    "report summary --output": "Ghi ra tệp này (bắt buộc với xlsx).",

    # --- alerts and the scheduler -----------------------------------------------------------
    "alerts ack --reason": "Việc đang làm để xử lý cảnh báo.",
    "alerts digest --now": "Ngày của thư tổng hợp (mặc định: hôm nay).",
    "alerts list --office": "Chỉ đơn vị này (và các đơn vị trực thuộc).",
    "alerts list --rule": "handover, complaint_risk, stalled, complaint, procuracy, procuracy_send hoặc obligation.",
    "alerts list --level": "warning, overdue, escalated, escalated_province, low, medium hoặc high.",
    "alerts list --open": "Chỉ các cảnh báo chưa đóng (mặc định), hoặc tất cả.",
    "alerts list --now": f"Tính số ngày trễ đến ngày này ({_DEMO_DAY}).",
    "alerts scan --now": "Quét tính đến ngày này (mặc định: hôm nay); dùng để chạy lại một ngày.",
    "alerts snooze --until": "Ngày cảnh báo hiện lại.",
    "alerts snooze --reason": "Lý do có thể chờ.",
    "scheduler run --interval": "Số phút giữa hai lần quét.",
    "scheduler run --digest-hour": "Gửi thư tổng hợp từ giờ này, theo giờ Việt Nam (mặc định: "
                                   "$AUCTION_FLOW_DIGEST_HOUR hoặc 7).",

    # --- the audit log ----------------------------------------------------------------------
    "audit anchors --limit": "Số mốc gần nhất cần lấy.",
    "audit anchors --output": "Ghi ra tệp này (JSON nếu có --json, nếu không thì dạng bảng).",
    "audit denied --limit": "Số dòng tối đa.",
    "audit log --asset": "Chỉ tài sản này: các bước của tài sản và các khiếu nại về tài sản.",
    "audit log --actor": "Chỉ các dòng do người dùng này thực hiện.",
    "audit log --office": "Chỉ đơn vị này và các đơn vị trực thuộc.",
    "audit log --from": "Ngày nghiệp vụ từ ngày này.",
    "audit log --to": "Ngày nghiệp vụ đến ngày này.",
    "audit log --trigger": "Chỉ thao tác này.",
    "audit log --limit": "Số dòng tối đa.",
    "audit signals --office": "Chỉ đơn vị này và các đơn vị trực thuộc.",
    "audit signals --from": "Ngày nghiệp vụ từ ngày này.",
    "audit signals --to": "Ngày nghiệp vụ đến ngày này.",
    "audit signals --now": "Khi không có --to: ngày nghiệp vụ đến ngày này (mặc định: tất cả; với cơ sở dữ liệu "
                           "demo: ngày của bản demo).",
    "audit signals --threshold": "Thay một ngưỡng (backdated_days, low_sale_percent, buyer_wins, officer_cancellations, "
                                 "price_reductions).",
    "audit signals --config": "Tệp YAML có mục `signals:` chứa các ngưỡng (mặc định: $AUCTION_FLOW_CONFIG).",
    "audit verify --anchor": "Một mốc do lần kiểm tra trước hoặc thư tổng hợp đã in ra, được giữ bên ngoài hệ thống: "
                             "mốc đó phải vẫn còn nguyên (có thể lặp lại).",
    "audit verify --since-last": "Kiểm tra thêm mọi mốc đã ghi nhận đến nay (audit anchors).",
    "audit verify --office": "Chỉ chuỗi của đơn vị này (và tài sản của đơn vị), đối chiếu với các gốc.",
    "audit verify --province": "Chỉ các chuỗi của các đơn vị trong tỉnh này (Cục và các Chi cục), đối chiếu với "
                               "các gốc.",

    # --- complaints and the procuracy -------------------------------------------------------
    "complaint accept --on": "Ngày thụ lý (mặc định: hôm nay).",
    "complaint accept --complex": "Đánh dấu vụ việc phức tạp.",
    "complaint add --asset": "Tài sản mà đơn liên quan đến.",
    "complaint add --received": "Ngày nhận đơn.",
    "complaint add --by": "Người khiếu nại, tố cáo.",
    "complaint add --about": "Nội dung khiếu nại, tố cáo.",
    "complaint add --level": "Quyết định giải quyết lần đầu hay lần hai (đối với khiếu nại).",
    "complaint add --coercion": "Về biện pháp cưỡng chế (thời hạn dài hơn).",
    "complaint add --complex": "Vụ việc phức tạp (thời hạn dài hơn).",
    "complaint add --step": "Bước bị khiếu nại: số thứ tự của bước trong nhật ký của tài sản (audit log --asset).",
    "complaint add --decision-received": "Ngày người khiếu nại nhận được quyết định hoặc biết được hành vi (thời hiệu "
                                         "tính từ ngày này).",
    "complaint add --obstacle-days": "Số ngày người khiếu nại không thể khiếu nại vì trở ngại khách quan hoặc sự kiện "
                                     "bất khả kháng (không tính vào thời hiệu).",
    "complaint add --party": "Số của người khiếu nại trong hồ sơ: ngày đương sự nhận thông báo của bước (nếu đã ghi "
                             "nhận) là ngày thời hiệu bắt đầu tính.",
    "complaint list --asset": "Chỉ tài sản này: các bước của tài sản và các khiếu nại về tài sản.",
    "complaint resolve --on": "Ngày ra quyết định giải quyết (mặc định: hôm nay).",
    "complaint resolve --outcome": "Tóm tắt quyết định giải quyết.",
    "procuracy answer --on": "Ngày trả lời (mặc định: hôm nay).",
    "procuracy answer --text": "Tóm tắt nội dung trả lời.",
    "procuracy list --asset": "Chỉ tài sản này.",
    "procuracy protest --asset": "Tài sản liên quan.",
    "procuracy protest --number": "Số văn bản của Viện kiểm sát.",
    "procuracy protest --received": "Ngày đơn vị nhận được (thời hạn trả lời tính từ ngày này).",
    "procuracy protest --about": "Nội dung yêu cầu hoặc phản đối.",
    "procuracy protest --step": "Bước liên quan (audit log --asset).",
    "procuracy recommend --asset": "Tài sản liên quan.",
    "procuracy recommend --number": "Số văn bản của Viện kiểm sát.",
    "procuracy recommend --received": "Ngày đơn vị nhận được (thời hạn trả lời tính từ ngày này).",
    "procuracy recommend --about": "Nội dung yêu cầu hoặc phản đối.",
    "procuracy recommend --step": "Bước liên quan (audit log --asset).",
    "procuracy send --on": "Ngày gửi (mặc định: hôm nay).",
    "procuracy send --reference": "Số công văn gửi đi trong sổ của đơn vị.",
}

"""The command line's help in Vietnamese (see ``cli_help``): alerts and the scheduler, the audit
log, complaints and the procuracy."""

HELP = {
    # --- alerts and the scheduler -----------------------------------------------------------
    "alerts": "Cảnh báo: giao tài sản chậm, nguy cơ khiếu nại sau khi hủy kết quả đấu giá, giai đoạn quá hạn.",
    "alerts ack": """Xác nhận đã tiếp nhận một cảnh báo (có ghi nhật ký).

        Ví dụ: auction-flow --as cv_an alerts ack 3 --reason "handover set for 2 Dec"
        """,
    "alerts digest": """Gửi các thư tổng hợp hôm nay chưa gửi (mỗi người nhận một thư mỗi ngày).

        Viết bằng ngôn ngữ của --lang (mặc định $AUCTION_FLOW_LANG, nếu không có thì tiếng Anh); mỗi thư
        kết thúc bằng mốc của nhật ký, để mỗi hộp thư giữ một bản ghi của nhật ký bên ngoài cơ sở dữ
        liệu.

        Ví dụ: auction-flow alerts digest --smtp-host mail.thads.gov.vn --smtp-port 25
        """,
    "alerts list": """Liệt kê các cảnh báo bạn được xem, khẩn cấp nhất trước.

        Ví dụ: auction-flow --as ld_binh alerts list --rule handover --json
        """,
    "alerts scan": """Chạy một lượt quét cảnh báo (cho cron và kiểm thử; bộ lập lịch tự chạy việc này).

        Ví dụ: auction-flow alerts scan --now 2026-11-30
        """,
    "alerts show": """Một cảnh báo: tài sản, thời hạn, căn cứ pháp lý, các yếu tố rủi ro và người đã xử lý.

        Ví dụ: auction-flow --as cv_an alerts show 3
        """,
    "alerts snooze": """Tạm hoãn một cảnh báo đến một ngày (có ghi nhật ký); cảnh báo vẫn tự đóng nếu tài sản
        chuyển sang bước khác.

        Ví dụ: auction-flow --as cv_an alerts snooze 3 --until 2026-12-05 --reason "buyer abroad until 4 Dec"
        """,
    "scheduler": "Bộ lập lịch chạy thường trực: quét cảnh báo và gửi thư tổng hợp.",
    "scheduler run": """Chạy bộ lập lịch ở tiền cảnh (APScheduler; các tác vụ được lưu trong cơ sở dữ liệu).

        Ví dụ: auction-flow --db postgresql://db/thads scheduler run --interval 30
        """,
    "scheduler status": """Các tác vụ, lần chạy tới, lần chạy gần nhất của từng tác vụ và kết quả.

        Ví dụ: auction-flow scheduler status --json
        """,

    # --- the audit log ----------------------------------------------------------------------
    "audit": "Nhật ký: kiểm tra các chuỗi, đọc nhật ký, các lần bị từ chối, dấu hiệu cần thanh tra.",
    "audit anchors": """Các mốc đã ghi nhận đến nay (gốc và mã băm mà một lần kiểm tra, một thư tổng hợp hoặc lệnh
        audit root đã thấy), cũ nhất trước, để xuất cho kiểm sát viên hoặc lãnh đạo: mỗi mốc được
        kiểm tra lại bằng `audit verify --anchor ROOT:HASH`.

        Ví dụ: auction-flow --as ksv audit anchors --json --output anchors-2026-11.json
        """,
    "audit denied": """Các lần bị từ chối vì không có quyền hoặc ngoài phạm vi (nhật ký truy cập).

        Ví dụ: auction-flow --as ld_tinh audit denied --json
        """,
    "audit log": """Đọc nhật ký (các dòng của những đơn vị bạn được đọc), cũ nhất trước.

        Ví dụ: auction-flow --as ksv audit log --office HG-VT --from 2026-01-01 --format csv
        """,
    "audit root": """Lấy ngay một gốc trên mọi chuỗi của nhật ký và ghi lại làm mốc (lãnh đạo, kiểm sát viên,
        quản trị viên); bộ lập lịch lấy một gốc ở mỗi lần chạy.

        Ví dụ: auction-flow --as ksv audit root
        """,
    "audit signals": """Các dấu hiệu cần thanh tra kèm các dòng chứng cứ (ghi lùi ngày, thao tác ngoài đơn vị,
        bán giá thấp...).

        Ví dụ: auction-flow --as ld_tinh audit signals --office HG --from 2026-01-01 --threshold buyer_wins=3
        """,
    "audit verify": """Kiểm tra mọi chuỗi mã băm của nhật ký và các gốc nối chúng; nêu dòng đầu tiên không khớp
        (mã thoát 1).

        Trước hết lệnh lấy một gốc trên mọi chuỗi; nhật ký nguyên vẹn thì gốc đó được in ra làm mốc
        (gốc:mã băm) và được ghi lại (audit anchors). Mốc được giữ bên ngoài hệ thống (biên bản thanh
        tra, một thư điện tử) cho phép một lần --anchor về sau chứng minh nhật ký đến mốc đó không bị
        viết lại, kể cả bởi người có quyền ghi vào cơ sở dữ liệu.

        Với --office hoặc --province, lệnh chỉ đọc các chuỗi của những đơn vị đó, từng dòng một, đối
        chiếu với mọi gốc (để chắc rằng không dòng nào của chúng bị bỏ đi), kiểm tra trọn các gốc và
        dựng lại tài sản của các đơn vị đó; kết quả nói rõ phần nào đã được và chưa được kiểm tra. Lãnh
        đạo và kiểm sát viên được kiểm tra các đơn vị trong phạm vi của mình.

        Ví dụ: auction-flow --as ksv audit verify --since-last --anchor 12:9f2c4e1a0b7d3c55

        Ví dụ: auction-flow --as ld_tinh audit verify --province HG
        """,

    # --- complaints and the procuracy -------------------------------------------------------
    "complaint": "Sổ khiếu nại, tố cáo và các thời hạn luật định.",
    "complaint accept": """Thụ lý một khiếu nại; thời hạn giải quyết bắt đầu được tính (lãnh đạo).

        Ví dụ: auction-flow --as ld_binh complaint accept 1 --on 2026-02-23
        """,
    "complaint add": """Ghi nhận một khiếu nại hoặc tố cáo; in thời hạn thụ lý và thời hiệu.

        Đơn nhận được sau khi hết thời hiệu được ghi nhận là quá thời hiệu và không tính thời hạn nào.

        Ví dụ: auction-flow --as cv_an complaint add --asset 3 --kind complaint --received 2026-02-12
        --by "Trần Văn B" --about "Hủy kết quả đấu giá" --step 6 --decision-received 2026-02-02
        """,
    "complaint list": """Liệt kê các khiếu nại của những đơn vị bạn được đọc, kèm tình trạng từng thời hạn.

        Ví dụ: auction-flow --as ksv complaint list --json
        """,
    "complaint resolve": """Ghi nhận quyết định giải quyết một khiếu nại đã thụ lý (lãnh đạo).

        Ví dụ: auction-flow --as ld_binh complaint resolve 1 --on 2026-03-05 --outcome "Không có căn cứ"
        """,
    "procuracy": "Viện kiểm sát: các quyết định gửi Viện kiểm sát, kiến nghị và kháng nghị của Viện, văn bản "
                 "trả lời.",
    "procuracy answer": """Ghi nhận văn bản trả lời của đơn vị đối với một kiến nghị hoặc kháng nghị (lãnh đạo).

        Ví dụ: auction-flow --as ld_binh procuracy answer 1 --on 2026-05-25 --text "Đã chấn chỉnh"
        """,
    "procuracy list": """Các kiến nghị, kháng nghị và các quyết định phải gửi Viện kiểm sát, kèm thời hạn.

        Ví dụ: auction-flow --as ksv procuracy list --json
        """,
    "procuracy protest": """Ghi nhận kháng nghị của Viện kiểm sát về một tài sản (kiểm sát viên).

        Ví dụ: auction-flow --as ksv procuracy protest --asset 7 --number 05/QĐ-VKS --received 2026-05-18
        --about "Giảm giá quá 10%" --step 6
        """,
    "procuracy recommend": """Ghi nhận kiến nghị của Viện kiểm sát về một tài sản (kiểm sát viên).

        Ví dụ: auction-flow --as ksv procuracy recommend --asset 7 --number 02/KN-VKS --received 2026-05-18
        --about "Chậm gửi quyết định"
        """,
    "procuracy send": """Ghi nhận quyết định của một bước trên tài sản đã được gửi Viện kiểm sát (chấp hành viên,
        lãnh đạo).

        STEP là số thứ tự của bước trong nhật ký của tài sản (audit log --asset).

        Ví dụ: auction-flow --as cv_an procuracy send 7 1 --on 2026-03-04 --reference 112/CV-THA
        """,
}

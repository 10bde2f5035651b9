"""The command line's help in Vietnamese (see ``cli_help``): assets, their case file and papers,
imports and reports."""

HELP = {
    # --- assets -----------------------------------------------------------------------------
    "asset": "Tài sản kê biên: kê biên, chuyển bước, xem, liệt kê.",
    "asset advance": """Thực hiện một thao tác trên tài sản; văn bản mà bước đó ban hành được đánh số và lưu
        kèm theo.

        Ví dụ: auction-flow --as cv_an asset advance 1 agree_price --set price=850000000 --on 2026-11-05
        """,
    "asset attach": """Đính kèm một bản quét (PDF, JPEG, PNG, TIFF) vào tài sản: lưu theo mã SHA-256, ghi trên
        chuỗi nhật ký của tài sản.

        Ví dụ: auction-flow --as cv_an asset attach 1 qd-ke-bien.pdf --kind signed_decision
        """,
    "asset attachment-get": """Ghi một bản quét đã đính kèm ra tệp.

        Ví dụ: auction-flow --as cv_an asset attachment-get 1 --output scan.pdf
        """,
    "asset attachments": """Các bản quét đã đính kèm vào một tài sản.

        Ví dụ: auction-flow --as cv_an asset attachments 1
        """,
    "asset casefile": """Hồ sơ của một tài sản: các đương sự, các văn bản mà các bước đã ban hành, các bản quét
        đính kèm.

        Ví dụ: auction-flow --as ld_tinh asset casefile 1 --lang vi
        """,
    "asset correct": """Sửa một trường mô tả của tài sản; nhật ký ghi giá trị trước và sau khi sửa.

        Ví dụ: auction-flow --as cv_an asset correct 1 --set "buyer=Lê Văn Tám" --reason "sai chính tả"
        """,
    "asset history": """Diễn biến của một tài sản: số ngày ở mỗi trạng thái và từng thời hạn đã đáp ứng hay bị
        trễ.

        Ví dụ: auction-flow --as ld_binh asset history 1
        """,
    "asset list": """Liệt kê các tài sản bạn được xem, thời hạn gần nhất trước; với --case, --party hoặc --q:
        các tài sản khớp, khớp nhất trước ("nguyen van an" tìm được "Nguyễn Văn An").

        Ví dụ: auction-flow --as ld_binh asset list --overdue
        """,
    "asset parties": """Các đương sự của một tài sản theo tư cách của họ.

        Ví dụ: auction-flow --as cv_an asset parties 1
        """,
    "asset reassign": """Giao tài sản cho chấp hành viên khác (lãnh đạo đơn vị quản lý tài sản hoặc cấp trên).

        Ví dụ: auction-flow --as ld_binh asset reassign 1 --to cv_ba --reason "cv_an nghỉ phép dài hạn"
        """,
    "asset seize": """Ghi nhận việc kê biên cùng người phải thi hành án, người được thi hành án, và ban hành
        quyết định kê biên; cho biết số, trạng thái và thời hạn của tài sản mới.

        --debtor và --creditor nhận số của một đương sự bạn được xem; đương sự do đơn vị khác đăng ký được
        nêu bằng đầy đủ số giấy tờ của họ, --debtor-id-number hoặc --creditor-id-number.

        Kê biên lần thứ hai cùng một tài sản (cùng đơn vị, số vụ việc và mô tả) bị từ chối, kèm số của
        tài sản đã có, trừ khi có --allow-duplicate.

        Ví dụ: auction-flow --as cv_an asset seize --case 12/2026/QĐ-CCTHADS --office HG-VT
        --kind real_estate --description "Thửa đất 120 m², phường 5" --on 2026-11-02 --debtor 1 --creditor 2
        """,
    "asset show": """Tình trạng của tài sản, thời hạn và căn cứ pháp lý, các thao tác được làm tiếp, lịch sử.

        ID là số của tài sản, hoặc số vụ việc nếu số đó ứng với đúng một tài sản bạn được xem (nếu ứng
        với nhiều tài sản, các tài sản đó được liệt kê để bạn chọn một theo số).

        Ví dụ: auction-flow --as cv_an asset show 1 --lang vi
        """,
    "import": "Nhập các tài sản đang xử lý dở (CSV; xem docs/import.md).",
    "import assets": """Nhập mỗi dòng CSV thành một tài sản, kèm lịch sử ghi bổ sung được đánh dấu là nhập; chỉ
        cần một dòng sai thì không nhập gì.

        Ví dụ: auction-flow --as ld_binh import assets assets.csv --dry-run
        """,
    "report": "Số liệu báo cáo của lãnh đạo, tính từ nhật ký.",
    "report rollup": """Cộng các dòng nhật ký mới vào các số liệu năm và tháng giữ sẵn của báo cáo (PostgreSQL; quản
        trị viên), để báo cáo một năm báo cáo của cả nước, hoặc các tháng của nó, đọc các dòng giữ sẵn chứ không
        đọc từng dòng nhật ký; với --check, tính lại từ nhật ký mọi dòng giữ sẵn và so sánh (khác: mã thoát 1).
        Bộ lập lịch cộng mỗi giờ.

        Ví dụ: auction-flow --as admin report rollup --check
        """,
    "report stages": """Số ngày trung vị ở mỗi giai đoạn theo từng đơn vị; có thể vẽ thành biểu đồ.

        Ví dụ: auction-flow --as ld_tinh report stages --year 2020 --chart stages.png
        """,
    "report summary": """Kê biên, định giá, đưa ra đấu giá, bán được, bị hủy (tỷ lệ), giao tài sản đúng hạn/trễ
        hạn, số ngày mỗi giai đoạn, số tiền.

        Ví dụ: auction-flow --as ld_tinh report summary --year 2020 --by office --format xlsx --output hg-2020.xlsx
        """,

    # --- parties and papers (the case file) -------------------------------------------------
    "party": "Đương sự: người phải thi hành án, người được thi hành án, người mua được tài sản và người tham gia "
             "đấu giá, liên kết với tài sản theo tư cách của họ.",
    "party add": """Đăng ký một đương sự; in số của đương sự đó.

        Ví dụ: auction-flow --as cv_an party add "Nguyễn Văn Đức" --id-number 093085001234 --address "Phường 5, Vị Thanh"
        """,
    "party link": """Liên kết một đương sự với một tài sản theo một tư cách (một dòng nhật ký trên chuỗi của tài
        sản).

        Đương sự là PARTY_ID, một đương sự bạn được xem; đương sự do đơn vị khác đăng ký được liên kết bằng
        đầy đủ số giấy tờ của họ, --id-number N ASSET_ID (không bao giờ bằng một phần số, hay bằng tên).

        Ví dụ: auction-flow --as cv_an party link 2 1 --role creditor
        """,
    "party list": """Các đương sự bạn được xem, theo tên.

        Ví dụ: auction-flow --as ld_binh party list --role buyer
        """,
    "party show": """Một đương sự, số giấy tờ tùy thân, các tài sản và vụ việc liên quan, theo tư cách của đương
        sự.

        Ví dụ: auction-flow --as cv_an party show 1
        """,
    "doc": "Văn bản các bước ban hành: liệt kê, lấy ra, kiểm tra; mẫu văn bản.",
    "doc get": """Ghi tệp DOCX của một văn bản ra tệp.

        Ví dụ: auction-flow --as cv_an doc get 3 --output 3-QD.docx
        """,
    "doc list": """Các văn bản đã ban hành cho một tài sản: số, loại, ngày, SHA-256.

        Ví dụ: auction-flow --as cv_an doc list 1 --json
        """,
    "doc template": "Mẫu văn bản (quản trị viên thay thế).",
    "doc template get": """Ghi mẫu đang áp dụng của một loại văn bản ra tệp (để chỉnh sửa).

        Ví dụ: auction-flow --as admin doc template get sale_result_notice --output mau.docx
        """,
    "doc template list": """Mọi loại văn bản và mẫu đang áp dụng.

        Ví dụ: auction-flow --as admin doc template list
        """,
    "doc template set": """Đưa một tệp DOCX vào áp dụng làm mẫu của một loại văn bản (quản trị viên; có ghi nhật ký;
        văn bản đã ban hành không thay đổi).

        Ví dụ: auction-flow --as admin doc template set sale_result_notice mau.docx
        """,
    "doc verify": """Kiểm tra các văn bản đã lưu (và tệp đính kèm) vẫn có mã băm đúng như chuỗi nhật ký ghi;
        mã thoát 1 và nêu văn bản đầu tiên không khớp.

        Ví dụ: auction-flow --as ld_binh doc verify 3
        """,
}

"""The command line's help in Vietnamese: each command's and group's description (``HELP``) and
click's own words around them (``CLICK``, ``CLICK_EXTRAS``). Options are in ``cli_options``.

Unlike the other areas these tables hold the Vietnamese alone: the English of a command's help is
its docstring, of an option its ``help=`` (one source per language; English stays where click
and whoever adds a command write it). ``HELP`` is keyed by the command's path as typed after
``auction-flow`` (the root itself is ``""``); a text is shown as click shows a docstring (first
sentence as the short help in lists, blank lines between paragraphs, ``\\b`` for a block kept
as written). Its options (``--set``), environment variables and example lines are the English
text's, word for word (tests/cli/test_help_vi.py checks it), and tests/cli/help_vi_translated.json
records the English each Vietnamese text was written from: an English help changed later fails
the tests until its Vietnamese is looked at again.
"""

CLICK = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số vị trí",
    "[OPTIONS]": "[TÙY CHỌN]",
    "COMMAND [ARGS]...": "LỆNH [THAM SỐ]...",
}

# what click adds in brackets after an option's help: [default: 50; required]
CLICK_EXTRAS = {
    "required": "bắt buộc",
    "default": "mặc định",
    "env var": "biến môi trường",
}

HELP = {
    "": """Tài sản kê biên từ khi kê biên đến khi giao tài sản: quy trình, thời hạn, nhật ký.

        \b
        Ví dụ:
          auction-flow demo
          auction-flow --as cv_an asset show 1
        """,

    # --- set-up -----------------------------------------------------------------------------
    "init": """Tạo lược đồ cơ sở dữ liệu và quản trị viên đầu tiên trên một cơ sở dữ liệu trống.

        Mật khẩu của quản trị viên (ít nhất 10 ký tự, không phải mật khẩu phổ biến) được hỏi hai lần,
        không hiện trên màn hình, hoặc được đọc bằng --password-stdin; sau đó đăng nhập bằng
        `auction-flow login NAME`.

        Ví dụ: auction-flow --db office.db init --admin admin
        """,
    "db": "Cơ sở dữ liệu: nơi lưu trữ và lược đồ.",
    "db roles": """PostgreSQL: giao lược đồ cho một vai trò sở hữu và giao quyền trên dữ liệu, trong
        giới hạn, cho một vai trò ứng dụng.

        Vai trò ứng dụng không được UPDATE, DELETE hay TRUNCATE các bảng nhật ký và không được thay
        đổi lược đồ. Chạy lệnh với quyền superuser, sau khi đã tạo cả hai vai trò, và chạy lại sau
        mỗi lần `db upgrade` (chạy với vai trò sở hữu). Xem docs/deployment.md.

        Ví dụ: auction-flow --db postgresql://postgres@db/thads db roles --owner thads_owner --app thads_app --print
        """,
    "db upgrade": """Tạo hoặc nâng cấp lược đồ cơ sở dữ liệu (các bản chuyển đổi Alembic).

        Ví dụ: auction-flow db upgrade --db postgresql://localhost/thads
        """,
    "db where": """In ra URL của cơ sở dữ liệu đang dùng.

        Ví dụ: auction-flow db where
        """,
    "office": "Đơn vị thi hành án dân sự (Cục, Chi cục).",
    "office add": """Thêm một đơn vị (chỉ quản trị viên).

        Ví dụ: auction-flow --as admin office add HG-VT "Chi cục THADS Vị Thanh" --parent HG
        """,
    "office list": """Liệt kê các đơn vị.

        Ví dụ: auction-flow office list --json
        """,
    "office move": """Chuyển một đơn vị sang trực thuộc đơn vị khác (quản trị viên); có ghi nhật ký, vì việc
        này thay đổi những ai được tiếp cận đơn vị.

        Ví dụ: auction-flow --as admin office move HG-NB --parent HG
        """,
    "user": "Người dùng: chấp hành viên, lãnh đạo, kiểm sát viên, quản trị viên.",
    "user activate": """Cho phép một người dùng đã bị vô hiệu hóa đăng nhập lại (quản trị viên).

        Ví dụ: auction-flow --as admin user activate cv_an
        """,
    "user add": """Thêm một người dùng, kèm mật khẩu (chỉ quản trị viên).

        Ví dụ: auction-flow --as admin user add cv_an --role officer --office HG-VT --name "Nguyễn Văn An"
        """,
    "user change": """Đổi vai trò hoặc đơn vị của một người dùng (quản trị viên); có ghi nhật ký, vì việc này
        thay đổi những việc người đó được làm.

        Ví dụ: auction-flow --as admin user change cv_an --role supervisor
        """,
    "user deactivate": """Vô hiệu hóa một người dùng (quản trị viên): mọi phiên đăng nhập và mã truy cập của
        người đó chấm dứt; tên của họ vẫn được giữ trong lịch sử.

        Ví dụ: auction-flow --as admin user deactivate cv_an
        """,
    "user purge-sessions": """Xóa ngay các phiên đăng nhập cũ (quản trị viên); bộ lập lịch làm việc này mỗi ngày một lần.

        Phiên đã kết thúc hoặc hết hạn lâu hơn thời gian giữ thì bị xóa, trừ phiên mà một dòng
        nhật ký kiểm tra nhắc đến (phiên mà một bước hoặc một lần từ chối đi qua): các phiên đó được
        giữ lại cho việc kiểm tra. Các lần đăng nhập sai vẫn nằm trong nhật ký truy cập.

        Ví dụ: auction-flow --as admin user purge-sessions --older-than 30
        """,
    "user list": """Liệt kê người dùng của các đơn vị bạn được xem (quản trị viên: mọi người dùng).

        Ví dụ: auction-flow user list
        """,
    "user passwd": """Đổi mật khẩu của bạn (cần nhập mật khẩu hiện tại), hoặc, với quản trị viên, đặt lại
        mật khẩu của người dùng khác: người đó phải đổi mật khẩu ở lần đăng nhập tiếp theo và các
        phiên đăng nhập của họ chấm dứt.

        Ví dụ: auction-flow user passwd
        """,
    "holiday": "Ngày nghỉ và ngày làm việc bù ngoài các ngày lễ có sẵn trong thư viện ngày lễ.",
    "holiday add": """Ghi nhận một ngày nghỉ do Chính phủ công bố (chỉ quản trị viên).

        Ví dụ: auction-flow --as admin holiday add 2026-12-31 "Nghỉ bù"
        """,
    "holiday list": """Liệt kê các ngày nghỉ và ngày làm việc bù của một năm.

        Ví dụ: auction-flow holiday list --year 2026
        """,
    "holiday workday": """Ghi nhận một ngày làm việc bù (ví dụ một ngày thứ Bảy).

        Ví dụ: auction-flow --as admin holiday workday 2027-01-09 "Làm bù"
        """,
    "workflow": "Định nghĩa quy trình (workflows/*.yaml).",
    "workflow diagram": """In sơ đồ trạng thái dạng Mermaid hoặc Graphviz dot.

        Ví dụ: auction-flow workflow diagram --format dot | dot -Tsvg > workflow.svg
        """,
    "workflow migrate": """Chuyển các tài sản đang xử lý sang phiên bản mới hơn của quy trình (lãnh đạo).

        Mọi tài sản được kiểm tra trước; nếu có tài sản không chuyển được (trạng thái của nó không có
        trong phiên bản mới), không có gì thay đổi và từng tài sản đó được nêu ra. Tài sản giữ nguyên
        trạng thái và thời hạn đang chạy, và theo phiên bản mới từ bước tiếp theo; mỗi lần chuyển là
        một dòng nhật ký trên chuỗi của tài sản.

        Ví dụ: auction-flow --as ld_tinh workflow migrate --to 2 --all --reason "Nghị định mới" --dry-run
        """,
    "workflow show": """Hiện các trạng thái, thời hạn và thao tác (--sources: các căn cứ pháp lý, căn cứ
        chưa xác nhận được xếp trước).

        Ví dụ: auction-flow workflow show --sources
        """,
    "workflow validate": """Kiểm tra một tệp định nghĩa (quy trình, thời hạn khiếu nại hoặc thời hạn của Viện
        kiểm sát); nêu mục và lỗi của chỗ sai đầu tiên.

        Ví dụ: auction-flow workflow validate workflows/asset_auction.yaml
        """,
    "demo": """Dựng toàn bộ một tỉnh mẫu trên một tệp SQLite mới (hoặc một --db trống) và trình bày.

        Một Cục, tám Chi cục, cán bộ của các đơn vị, và tài sản của một năm được đưa qua chính bộ máy
        quy trình thật; sau đó là các cảnh báo, báo cáo tổng hợp và các dấu hiệu cần thanh tra tính
        đến ngày cuối năm.

        Ví dụ: auction-flow demo --lang vi
        """,
    "serve": """Chạy ứng dụng web (các trang cho chấp hành viên, lãnh đạo, kiểm sát viên, và API JSON
        tại /api/).

        Khi chạy sau một reverse proxy kết thúc TLS, cookie phiên được đánh dấu Secure; đặt
        AUCTION_FLOW_WEB_SECRET khi nhiều tiến trình máy chủ cùng phục vụ một ứng dụng web.

        Ví dụ: auction-flow --db postgresql://db/thads serve --host 127.0.0.1 --port 8080
        """,

    # --- identity ---------------------------------------------------------------------------
    "login": """Đăng nhập vào cơ sở dữ liệu này; phiên đăng nhập được lưu trong thư mục cấu hình của bạn.

        Mật khẩu được hỏi mà không hiện trên màn hình (hoặc được đọc bằng --password-stdin). Mã phiên
        được lưu, với quyền 0600, trong thư mục cấu hình của người dùng ($AUCTION_FLOW_CONFIG_DIR, nếu
        không có thì thư mục mặc định của hệ điều hành), cho cơ sở dữ liệu này và người dùng này; cơ sở
        dữ liệu chỉ giữ mã băm của nó. Một phiên dòng lệnh kéo dài 7 ngày và kết thúc sau 24 giờ không
        dùng đến. Nhiều người dùng có thể cùng đăng nhập vào một cơ sở dữ liệu: chọn bằng --as TÊN.

        Ví dụ: auction-flow --db office.db login cv_an
        """,
    "logout": """Kết thúc một phiên đăng nhập đang giữ trên máy này.

        USERNAME mặc định là người dùng mà --as chỉ định, hoặc phiên duy nhất đang giữ. Phiên cũng
        kết thúc trên máy chủ và mã phiên bị xóa khỏi thư mục cấu hình của bạn.

        Ví dụ: auction-flow logout cv_an
        """,
    "whoami": """Cho biết lệnh tiếp theo được thực hiện với tư cách người dùng nào.

        Người dùng, vai trò và đơn vị, cùng phiên đăng nhập hoặc mã truy cập (``via``) mà lệnh tiếp
        theo sẽ dùng.

        Ví dụ: auction-flow whoami --json
        """,
    "token": "Mã truy cập (bearer token) cho các tập lệnh.",
    "token create": """Tạo một mã truy cập cho các tập lệnh của bạn: chỉ hiện một lần, lưu dưới dạng mã băm.

        Tập lệnh đặt AUCTION_FLOW_TOKEN bằng mã này và thực hiện với tư cách của bạn, trên cơ sở dữ
        liệu này, cho đến khi mã hết hạn hoặc bị thu hồi (hoặc bạn bị vô hiệu hóa).

        Ví dụ: auction-flow token create --name "báo cáo đêm" --expires 90
        """,
    "token list": """Liệt kê các mã truy cập của bạn (không bao giờ hiện phần bí mật).

        Ví dụ: auction-flow token list --json
        """,
    "token revoke": """Thu hồi một mã truy cập (của bạn; quản trị viên: của bất kỳ ai).

        Ví dụ: auction-flow token revoke 3
        """,
}

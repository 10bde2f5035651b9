"""The limits every value has, on both databases: what a person reads when a value cannot be
read as what it must be (exit 2) or is outside what its field holds (exit 1)."""

WORDS = {
    'text_nul': {"vi": '{field}: văn bản chứa ký tự NUL (byte 0x00), không lưu được: {value!r}', "en": '{field}: the text holds a NUL byte (0x00), which cannot be stored: {value!r}'},
    'text_not_utf8': {"vi": '{field}: có byte không phải văn bản UTF-8: {value}; hãy gõ lại bằng bảng mã UTF-8', "en": '{field}: holds bytes that are not UTF-8 text: {value}; type it again in UTF-8'},
    'too_long': {"vi": '{field}: dài {n} ký tự, tối đa {limit}', "en": '{field}: {n} characters long, at most {limit} fit'},
    'too_large': {"vi": '{field}: {value} quá lớn (tối đa {limit})', "en": '{field}: {value} is too large (at most {limit})'},
    'foreign_digits': {"vi": '{field}: {value!r} có chữ số không phải 0-9 ({digits}); hãy gõ số bằng 0-9', "en": '{field}: {value!r} holds digits other than 0-9 ({digits}); type the number with 0-9'},
    'bad_number': {"vi": '{field}: phải là số nguyên từ {low} đến {high}, nhận {value!r}', "en": '{field}: must be a whole number from {low} to {high}, got {value!r}'},
    'bad_id': {"vi": '{field}: số hiệu phải là số nguyên dương viết bằng 0-9, nhận {value!r}', "en": '{field}: an id is a positive whole number written with 0-9, got {value!r}'},
    'bad_year': {"vi": '{field}: năm phải có bốn chữ số, từ {first} đến {last}, nhận {value!r}', "en": '{field}: a year is four digits from {first} to {last}, got {value!r}'},
    'year_out_of_range': {"vi": '{field}: {value} nằm ngoài các năm lịch làm việc có ({first}..{last})', "en": '{field}: {value} is outside the years the working calendar covers ({first}..{last})'},
    'no_such_month': {"vi": '{field}: {value} không phải là ngày có thật: không có tháng {month}', "en": '{field}: {value} is not a day of the calendar: there is no month {month}'},
    'no_such_day': {"vi": '{field}: {value} không phải là ngày có thật: tháng {month} chỉ có {last} ngày', "en": '{field}: {value} is not a day of the calendar: {month} has {last} days'},
    'bad_argv': {"vi": 'dòng lệnh có {what} ở tham số {position} ({arg}); hãy gõ lại bằng UTF-8', "en": 'the command line holds {what} in argument {position} ({arg}); type it again in UTF-8'},
    'argv_not_utf8': {"vi": 'byte không phải văn bản UTF-8', "en": 'bytes that are not UTF-8 text'},
    'argv_nul': {"vi": 'ký tự NUL', "en": 'a NUL byte'},
    'env_not_utf8': {"vi": 'biến môi trường {name} có byte không phải văn bản UTF-8: {value}', "en": 'the environment variable {name} holds bytes that are not UTF-8 text: {value}'},
    'db_missing': {"vi": 'không có cơ sở dữ liệu ở {path}: tạo bằng `auction-flow --db {path} init --admin TÊN` (hoặc `auction-flow demo`); lệnh đọc không bao giờ tạo cơ sở dữ liệu', "en": 'there is no database at {path}: create one with `auction-flow --db {path} init --admin NAME` (or `auction-flow demo`); reading never creates one'},
    'db_scheme': {"vi": '--db {url!r}: không hỗ trợ kiểu {scheme!r}; dùng đường dẫn tệp SQLite, sqlite:///TỆP hoặc postgresql://NGƯỜI_DÙNG@MÁY/CSDL', "en": '--db {url!r}: the URL scheme {scheme!r} is not supported; give a SQLite file path, sqlite:///FILE or postgresql://USER@HOST/DB'},
    'output_unwritable': {"vi": 'không ghi được {path}: {why}', "en": 'cannot write {path}: {why}'},
    'output_no_folder': {"vi": 'không ghi được {path}: không có thư mục {folder}', "en": 'cannot write {path}: there is no folder {folder}'},
}

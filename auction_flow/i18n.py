"""Messages and labels users read, in Vietnamese (vi) and English (en)."""

from __future__ import annotations

LANGS = ("vi", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "literal": {"vi": "{text}", "en": "{text}"},
    "workflow_not_found": {
        "vi": "không có quy trình {name!r} {version} trong {folder}",
        "en": "no workflow {name!r} {version} in {folder}"},
    "schema_missing": {
        "vi": "cơ sở dữ liệu {where} chưa có lược đồ auction-flow: chạy `auction-flow init --admin TÊN` "
              "(hoặc `auction-flow db upgrade`)",
        "en": "the database {where} has no auction-flow schema yet: run `auction-flow init --admin NAME` "
              "(or `auction-flow db upgrade`)"},
    "schema_older": {
        "vi": "lược đồ cơ sở dữ liệu ({rev}) cũ hơn chương trình ({head}): chạy `auction-flow db upgrade`",
        "en": "the database schema ({rev}) is older than this program ({head}): run `auction-flow db upgrade`"},
    "schema_newer": {
        "vi": "lược đồ cơ sở dữ liệu ({rev}) mới hơn chương trình ({head}): hãy nâng cấp auction-flow",
        "en": "the database schema ({rev}) is newer than this program ({head}): upgrade auction-flow "
              "before using this database"},
    "asset_not_found": {"vi": "không có tài sản số {asset}", "en": "no asset with id {asset}"},
    "user_not_found": {"vi": "không có người dùng {user!r}", "en": "no user {user!r}"},
    "office_not_found": {"vi": "không có đơn vị {office!r}", "en": "no office {office!r}"},
    "no_actor": {
        "vi": "chưa biết ai đang thao tác: dùng --as TÊN hoặc đặt AUCTION_FLOW_USER",
        "en": "who is acting? give --as USERNAME or set AUCTION_FLOW_USER"},
    "unknown_trigger": {
        "vi": "tài sản {asset} ({state}): không có thao tác {trigger!r}; được phép lúc này: {allowed}",
        "en": "asset {asset} ({state}): there is no trigger {trigger!r}; allowed now: {allowed}"},
    "not_allowed_now": {
        "vi": "tài sản {asset} đang ở trạng thái {state!r}: không được {trigger!r} lúc này; được phép: {allowed}",
        "en": "asset {asset} is {state!r}: trigger {trigger!r} is not allowed now; allowed now: {allowed}"},
    "guard_refused": {
        "vi": "tài sản {asset} ({state}): {trigger!r} bị từ chối: {why}; được phép: {allowed}",
        "en": "asset {asset} ({state}): {trigger!r} refused: {why}; allowed now: {allowed}"},
    "role_denied": {
        "vi": "{user} (vai trò {role}) không được {action} ({allowed_roles} mới được)",
        "en": "{user} (role {role}) may not {action} (only {allowed_roles} may)"},
    "office_denied": {
        "vi": "{user} thuộc {user_office} không được {action} tài sản của {office}",
        "en": "{user} of {user_office} may not {action} an asset of {office}"},
    "separation_of_duties": {
        "vi": "{user} đã ghi nhận việc bán tài sản {asset} nên không được duyệt hủy kết quả",
        "en": "{user} recorded the sale of asset {asset} and cannot also approve its cancellation"},
    "conflict": {
        "vi": "tài sản {asset} đã bị thay đổi kể từ khi đọc (phiên bản {seen}); hãy xem lại và thử lại",
        "en": "asset {asset} changed since it was read (version {seen}); look again and retry"},
    "missing_field": {
        "vi": "{trigger!r} cần trường {field!r} (--set {field}=...)",
        "en": "{trigger!r} needs field {field!r} (--set {field}=...)"},
    "unknown_field": {
        "vi": "{trigger!r} không nhận trường {field!r}; nhận: {accepted}",
        "en": "{trigger!r} takes no field {field!r}; it takes: {accepted}"},
    "bad_set": {"vi": "--set cần dạng TRƯỜNG=GIÁ_TRỊ, nhận {value!r}",
                "en": "--set needs FIELD=VALUE, got {value!r}"},
    "bad_money": {
        "vi": "{field}: số tiền phải là số nguyên VND dương, nhận {value!r}",
        "en": "{field}: money must be a positive whole number of VND, got {value!r}"},
    "bad_date": {"vi": "{field}: ngày phải có dạng YYYY-MM-DD, nhận {value!r}",
                 "en": "{field}: a date must be YYYY-MM-DD, got {value!r}"},
    "bad_choice": {"vi": "{field}: phải là một trong {choices}, nhận {value!r}",
                   "en": "{field}: must be one of {choices}, got {value!r}"},
    "empty_text": {"vi": "{field}: không được để trống", "en": "{field}: must not be empty"},
    "reason_required": {"vi": "{trigger!r} cần lý do (--reason)",
                        "en": "{trigger!r} needs a reason (--reason)"},
    "future_date": {"vi": "ngày {on} là ngày trong tương lai (hôm nay là {today})",
                    "en": "the date {on} is in the future (today is {today})"},
    "date_before_last": {
        "vi": "ngày {on} sớm hơn sự kiện gần nhất của tài sản {asset} ({last})",
        "en": "the date {on} is before asset {asset}'s last event ({last})"},
    "bad_kind": {"vi": "loại tài sản phải là movable hoặc real_estate, nhận {value!r}",
                 "en": "asset kind must be movable or real_estate, got {value!r}"},
    "bad_role": {"vi": "vai trò phải là một trong {roles}, nhận {value!r}",
                 "en": "role must be one of {roles}, got {value!r}"},
    "duplicate": {"vi": "{what} {value!r} đã tồn tại", "en": "{what} {value!r} already exists"},
    "not_empty": {"vi": "cơ sở dữ liệu đã có người dùng: chỉ khởi tạo trên cơ sở dữ liệu trống",
                  "en": "the database already has users: init only runs on an empty database"},
    "officer_not_in_office": {
        "vi": "{user} không phải chấp hành viên của {office}",
        "en": "{user} is not an officer of {office}"},
    "no_office": {"vi": "vai trò {role} cần --office", "en": "role {role} needs --office"},
    "holiday_exists": {"vi": "ngày {day} đã được ghi nhận ({name})",
                       "en": "{day} is already recorded ({name})"},
    # guard reasons
    "g_reappraisal_once": {"vi": "chỉ được yêu cầu định giá lại một lần",
                           "en": "re-appraisal may be requested only once per asset"},
    "g_reappraisal_window": {
        "vi": "đã quá hạn yêu cầu định giá lại ({deadline}, {basis})",
        "en": "the re-appraisal window closed on {deadline} ({basis})"},
    "g_auction_date": {"vi": "ngày đấu giá {auction_date} phải sau ngày ký hợp đồng {on}",
                       "en": "the auction date {auction_date} must be after the contract date {on}"},
    "g_reduction_limit": {
        "vi": "giá mới {price} thấp hơn {floor} ({pct}% giá khởi điểm trước {previous})",
        "en": "the new price {price} is below {floor} ({pct}% of the previous starting price {previous})"},
    "g_reduction_not_lower": {"vi": "giá mới {price} không thấp hơn giá khởi điểm {previous}",
                              "en": "the new price {price} is not below the starting price {previous}"},
    "g_after_reductions": {
        "vi": "người được thi hành án chỉ nhận tài sản từ lần giảm giá thứ {n} (mới giảm {count} lần)",
        "en": "the creditor may take the asset only from reduction {n} on ({count} so far)"},
    "g_sale_price": {"vi": "giá bán {sale_price} thấp hơn giá khởi điểm {price}",
                     "en": "the sale price {sale_price} is below the starting price {price}"},
    "g_redemption_cutoff": {
        "vi": "chỉ được chuộc lại trước {cutoff} (1 ngày làm việc trước ngày đấu giá {auction_date}, {basis})",
        "en": "redemption closed on {cutoff}, one working day before the auction on {auction_date} ({basis})"},
    "g_not_after_payment": {"vi": "người mua đã nộp đủ tiền, không thể giải tỏa",
                            "en": "the buyer has paid in full; the asset can no longer be released"},
    "g_regime": {"vi": "chỉ áp dụng theo {regime} (thời hạn này theo {current})",
                 "en": "only under {regime} (this clock runs under {current})"},
    "g_not_extended": {"vi": "thời hạn đã được gia hạn một lần", "en": "the deadline was already extended"},
    "g_until": {"vi": "ngày gia hạn {until} phải sau {deadline} và không quá {limit}",
                "en": "the extended date {until} must be after {deadline} and not after {limit}"},
}


def register(messages: dict[str, dict[str, str]]) -> None:
    """Add a module's own messages (each key with a 'vi' and an 'en' text)."""
    for key, texts in messages.items():
        if key in MESSAGES and MESSAGES[key] != texts:
            raise ValueError(f"message key {key!r} registered twice")
        if set(texts) != set(LANGS):
            raise ValueError(f"message {key!r} needs exactly vi and en")
    MESSAGES.update(messages)


class Msg:
    """A message to render later, in whatever language the reader asked for."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params

    def render(self, lang: str = "en") -> str:
        return message(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.render("en")


def message(key: str, lang: str = "en", **params) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    params = {k: v.render(lang) if isinstance(v, Msg) else v for k, v in params.items()}
    try:
        return entry.get(lang, entry["en"]).format(**params)
    except (KeyError, IndexError):
        return entry["en"] + " " + repr(params)


LABELS: dict[str, dict[str, str]] = {
    "id": {"vi": "Số", "en": "ID"},
    "state": {"vi": "Trạng thái", "en": "State"},
    "office": {"vi": "Đơn vị", "en": "Office"},
    "officer": {"vi": "Chấp hành viên", "en": "Officer"},
    "kind": {"vi": "Loại", "en": "Kind"},
    "case": {"vi": "Vụ việc", "en": "Case"},
    "description": {"vi": "Mô tả", "en": "Description"},
    "deadline": {"vi": "Thời hạn", "en": "Deadline"},
    "basis": {"vi": "Căn cứ", "en": "Legal basis"},
    "days_left": {"vi": "Còn (ngày)", "en": "Days left"},
    "allowed": {"vi": "Thao tác được phép", "en": "Allowed next"},
    "history": {"vi": "Lịch sử", "en": "History"},
    "regime": {"vi": "Chế độ pháp lý", "en": "Legal regime"},
    "entered": {"vi": "Vào trạng thái ngày", "en": "In this state since"},
    "days_suspended": {"vi": "ngày tạm dừng không tính", "en": "day(s) suspended, not counted"},
    "price": {"vi": "Giá khởi điểm", "en": "Starting price"},
    "appraised": {"vi": "Giá thẩm định", "en": "Appraised price"},
    "sale_price": {"vi": "Giá bán", "en": "Sale price"},
    "buyer": {"vi": "Người mua", "en": "Buyer"},
    "overdue": {"vi": "QUÁ HẠN", "en": "OVERDUE"},
    "none": {"vi": "không có", "en": "none"},
    "movable": {"vi": "động sản", "en": "movable"},
    "real_estate": {"vi": "bất động sản", "en": "real estate"},
}


def label(key: str, lang: str = "en") -> str:
    entry = LABELS.get(key)
    return entry.get(lang, entry["en"]) if entry else key

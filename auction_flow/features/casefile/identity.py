"""Identity document numbers of parties: a citizen's 12-digit ID or an enterprise code.

Citizen ID (số định danh cá nhân, on the căn cước công dân), Decree 137/2015/NĐ-CP Art. 13 and
Circular 07/2016/TT-BCA: 12 digits = the code of the province where the birth was registered (3),
the century-and-sex digit (0/1: 1900s male/female, 2/3: 2000s, 4/5: 2100s, 6/7: 2200s, 8/9: 2300s),
the last two digits of the year of birth (2), and 6 random digits. Checked here: the length, the
province code (the 63 provinces' codes; the codes of countries for births registered abroad could
not be confirmed, so such a number is refused with its prefix named), and that the year of birth
the number encodes is not in the future. The random part has no check digit.

Enterprise code (mã số doanh nghiệp, the enterprise's tax code): 10 digits with a check digit, or
13 for a branch ("0100233488-001"), checked by python-stdnum's ``stdnum.vn.mst``.
"""

from __future__ import annotations

import datetime as dt

from stdnum.exceptions import ValidationError
from stdnum.vn import mst

from auction_flow.common.errors import InvalidInput
from auction_flow.common.words import Msg

KINDS = ("person", "enterprise")

PROVINCES = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh",
    "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}


def citizen(number: str, today: dt.date) -> dict:
    """What a 12-digit citizen ID says (province, sex, year of birth); refused if malformed."""
    n = "".join(number.split())
    if len(n) != 12 or not n.isdigit():
        raise InvalidInput("cf.bad_citizen_id", value=number, why=Msg("cf.why_length"))
    if n[:3] not in PROVINCES:
        raise InvalidInput("cf.bad_citizen_id", value=number, why=Msg("cf.why_province", code=n[:3]))
    digit = int(n[3])
    year = 1900 + 100 * (digit // 2) + int(n[4:6])
    if year > today.year:
        raise InvalidInput("cf.bad_citizen_id", value=number, why=Msg("cf.why_future", year=year))
    return {"number": n, "province": PROVINCES[n[:3]], "sex": "female" if digit % 2 else "male", "born": year}


def enterprise(number: str) -> str:
    """The enterprise code, compact ("0100233488" or "0314409058002"); refused if malformed."""
    try:
        return mst.validate(number)
    except ValidationError as exc:
        raise InvalidInput("cf.bad_enterprise_code", value=number, why=str(exc)) from None


def check(kind: str, number: str, today: dt.date) -> str:
    """The identity number of a party of ``kind``, normalised; refused with the reason if malformed."""
    if kind not in KINDS:
        raise InvalidInput("bad_choice", field="--kind", choices=", ".join(KINDS), value=kind)
    number = (number or "").strip()
    if not number:
        raise InvalidInput("empty_text", field="--id-number")
    return citizen(number, today)["number"] if kind == "person" else enterprise(number)

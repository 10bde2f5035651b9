"""Identity numbers of parties and amounts in Vietnamese words (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from auction_flow.common.errors import InvalidInput
from auction_flow.features.casefile import identity, numwords

TODAY = dt.date(2026, 11, 27)


def test_a_citizen_id_says_where_and_when():
    info = identity.citizen("093085001234", TODAY)
    assert info == {"number": "093085001234", "province": "Hậu Giang", "sex": "male", "born": 1985}
    assert identity.citizen("079 301 000111", TODAY)["sex"] == "female"  # 3: a woman born in the 2000s
    assert identity.citizen("079301000111", TODAY)["born"] == 2001


@pytest.mark.parametrize("number, why", [
    ("09308500123", "exactly 12 digits"), ("0930850012345", "exactly 12 digits"), ("09308500123a", "12 digits"),
    ("003085001234", "first three digits 003"),  # no province has code 003
    ("097085001234", "first three digits 097"),
    ("093230001234", "2030"),  # born in 2030: in the future
    ("093485001234", "2185"),
])
def test_a_malformed_citizen_id_is_refused_with_the_reason(number, why):
    with pytest.raises(InvalidInput) as info:
        identity.check("person", number, TODAY)
    assert why in str(info.value) and number in str(info.value)


def test_enterprise_codes_carry_a_check_digit():
    assert identity.check("enterprise", "0100233488", TODAY) == "0100233488"
    assert identity.check("enterprise", "0314409058-002", TODAY) == "0314409058002"
    for bad in ("0100233480", "12345", "0100233488-000"):
        with pytest.raises(InvalidInput, match="enterprise code"):
            identity.check("enterprise", bad, TODAY)


@pytest.mark.parametrize("n, text", [
    (0, "không"), (5, "năm"), (10, "mười"), (11, "mười một"), (15, "mười lăm"), (21, "hai mươi mốt"),
    (24, "hai mươi tư"), (25, "hai mươi lăm"), (101, "một trăm linh một"), (110, "một trăm mười"),
    (1001, "một nghìn không trăm linh một"), (1010, "một nghìn không trăm mười"),
    (1_250_000_000, "một tỷ hai trăm năm mươi triệu"), (2_005_000_000, "hai tỷ không trăm linh năm triệu"),
    (420_000_000, "bốn trăm hai mươi triệu"), (850_500_000, "tám trăm năm mươi triệu năm trăm nghìn"),
    (1_000_005_000, "một tỷ không trăm linh năm nghìn"), (1_000_000_000_000, "một nghìn tỷ"),
    (999_999_999, "chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín"),
])
def test_vietnamese_number_words(n, text):
    assert numwords.words(n) == text


def test_amounts_as_papers_write_them():
    assert numwords.dong(1_250_000_000) == "Một tỷ hai trăm năm mươi triệu đồng"
    assert numwords.figures(1_250_000_000) == "1.250.000.000 đồng"

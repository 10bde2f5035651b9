"""A province with parties, for the case file's tests (imported by them: a conftest here would shadow the root one)."""

from __future__ import annotations

import pytest

from auction_flow.features.casefile import parties


@pytest.fixture
def people(world):
    """Registered parties (by cv_an of HG-VT): a debtor, a creditor bank, a buyer, and a namesake."""
    e = world
    return {
        "debtor": parties.add(e, "cv_an", "Nguyễn Văn Đức", "093085001234", "person", "Số 5, phường 5, Vị Thanh"),
        "bank": parties.add(e, "cv_an", "Ngân hàng TMCP Đầu tư và Phát triển", "0100233488", "enterprise"),
        "buyer": parties.add(e, "cv_an", "Trần Thị Bình", "093190000111", "person", "Ngã Bảy"),
        "namesake": parties.add(e, "cv_an", "Nguyễn Văn Đức", "079088004321", "person"),
    }

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


# a party of HG-VT's, which the officers of other offices may link only by this full number
DUC = "093085001234"  # Nguyễn Văn Đức, registered by cv_an of HG-VT


@pytest.fixture
def duc(world):
    return parties.add(world, "cv_an", "Nguyễn Văn Đức", DUC, "person", "Số 5, phường 5, Vị Thanh")["id"]


@pytest.fixture
def nb_asset(world, cli):
    """An asset of HG-NB (cv_dung's office), with no party yet."""
    r = cli("asset", "seize", "-q", "--case", "40/2026", "--office", "HG-NB", "--kind", "movable",
            "--description", "Xe máy Honda 95B-111.11", "--on", "2026-11-02", actor="cv_dung")
    assert r.exit_code == 0, r.output
    return int(r.stdout)

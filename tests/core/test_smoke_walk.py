"""The officer's path from seizure to close, through the CLI, on every backend."""

import json


def test_seize_to_close_through_cli(world, cli):
    r = cli("asset", "seize", "-q", "--case", "1/2026", "--office", "HG-VT", "--kind", "movable",
            "--description", "Xe máy Honda", "--on", "2026-07-01", actor="cv_an")
    assert r.exit_code == 0, r.output
    aid = r.output.strip()
    steps = [("agree_price", "2026-07-03", ["price=50000000"]),
             ("contract_auction", "2026-07-06", ["auction_org=ĐG Cần Thơ", "auction_date=2026-08-01"]),
             ("record_sale", "2026-08-01", ["sale_price=51000000", "buyer=Lê Văn Tám", "deposit=5000000"]),
             ("record_payment", "2026-08-20", []),
             ("hand_over", "2026-09-01", []),
             ("close", "2026-09-05", [])]
    for trig, on, sets in steps:
        args = ["asset", "advance", aid, trig, "--on", on]
        for s in sets:
            args += ["--set", s]
        r = cli(*args, actor="cv_an")
        assert r.exit_code == 0, (trig, r.output, r.stderr)
    r = cli("asset", "show", aid, "--json", actor="cv_an")
    data = json.loads(r.output)
    assert data["state"] == "closed"
    assert [h["trigger"] for h in data["history"]] == ["seize"] + [s[0] for s in steps]
    assert data["deadline"] is None

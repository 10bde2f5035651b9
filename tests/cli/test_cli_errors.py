"""Every bad input through the CLI: exit 1 (2 for click's usage errors), one line on stderr
naming what was wrong, no traceback, and the assets and their audit rows unchanged."""

from __future__ import annotations

import json

from assetwalk import dump, walk

CONTRACT_KEYS = {"id", "state", "office", "officer", "kind", "state_entered_on", "deadline", "deadline_basis",
                 "regime", "allowed_triggers"}


def _seized(cli) -> str:
    r = cli("asset", "seize", "--case", "5/2026", "--office", "HG-VT", "--kind", "movable",
            "--description", "Xe máy", "--on", "2026-03-02", "-q", actor="cv_an")
    assert r.exit_code == 0, r.output
    return r.stdout.strip()


def _refused(world, cli, args, actor, *needles, code=1):
    before = dump(world)
    r = cli(*args, actor=actor)
    assert r.exit_code == code, (args, r.exit_code, r.output)
    assert r.stdout == "", r.stdout
    err = r.stderr
    assert "Traceback" not in err and "Traceback" not in r.output
    if code == 1:
        assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
        assert "internal error" not in err, err
    for needle in needles:
        assert needle in err, (needle, err)
    assert dump(world) == before, "a refused command changed the database"
    return err


ADVANCE = ["asset", "advance"]


BAD_ADVANCE = [
    # (args after "asset advance ID", actor, expected substrings)
    (["agree_price", "--set", "price=-5", "--on", "2026-03-03"], "cv_an", ["price", "'-5'", "positive"]),
    (["agree_price", "--set", "price=0"], "cv_an", ["price", "'0'"]),
    (["agree_price", "--set", "price=12abc"], "cv_an", ["price", "12abc"], 2),
    (["agree_price", "--set", "price=1.5"], "cv_an", ["price", "1.5"], 2),
    (["agree_price"], "cv_an", ["needs field 'price'"]),
    (["agree_price", "--set", "price="], "cv_an", ["needs field 'price'"]),
    (["agree_price", "--set", "price"], "cv_an", ["FIELD=VALUE", "'price'"], 2),
    (["agree_price", "--set", "price=5", "--set", "colour=red"], "cv_an", ["'colour'", "price"]),
    (["contract_appraisal", "--set", "appraisal_org= "], "cv_an", ["appraisal_org"]),
    (["bogus_trigger"], "cv_an", ["'bogus_trigger'", "allowed now: contract_appraisal, agree_price"]),
    (["record_sale", "--set", "sale_price=5", "--set", "buyer=B"], "cv_an",
     ["'record_sale' is not allowed now", "'seized'", "allowed now: contract_appraisal, agree_price, redeem"]),
    (["agree_price", "--set", "price=5", "--on", "2099-01-01"], "cv_an", ["2099-01-01", "future"]),
    (["agree_price", "--set", "price=5", "--on", "2026-03-01"], "cv_an", ["2026-03-01", "last event",
                                                                          "2026-03-02"]),
    (["agree_price", "--set", "price=5", "--on", "2026-02-30"], "cv_an", ["2026-02-30", "not a day", "28 days"], 2),
    (["agree_price", "--set", "price=5", "--on", "yesterday"], "cv_an", ["yesterday", "YYYY-MM-DD"], 2),
    (["agree_price", "--set", "price=5"], "nobody", ["not signed in as nobody: run auction-flow login nobody"]),
    (["agree_price", "--set", "price=5"], "ksv", ["ksv", "procurator", "agree_price"]),
    (["agree_price", "--set", "price=5"], "admin", ["admin", "agree_price"]),
    (["agree_price", "--set", "price=5"], "cv_dung", ["cv_dung", "HG-NB", "HG-VT"]),
    (["agree_price", "--set", "price=5"], None, ["--as"]),
    (["release", "--reason", "x"], "cv_an", ["cv_an", "officer", "supervisor"]),
    (["release"], "ld_binh", ["reason"]),
    (["suspend", "--set", "kind=pause"], "cv_an", ["kind", "postpone, suspend", "pause"]),
]


def test_bad_advance_is_refused_cleanly(world, cli, monkeypatch):
    monkeypatch.delenv("AUCTION_FLOW_USER", raising=False)
    aid = _seized(cli)
    for args, actor, needles, *code in BAD_ADVANCE:
        _check_bad_advance(world, cli, aid, args, actor, needles, code[0] if code else 1)


def _check_bad_advance(world, cli, aid, args, actor, needles, code=1):
    err = _refused(world, cli, ADVANCE + [aid] + args, actor, *needles, code=code)
    if code == 1 and actor in ("cv_an", "ld_binh") and "bogus" not in args[0]:
        # a refusal names the asset and its state and lists what is allowed now
        assert f"asset {aid}" in err and "seized" in err and "allowed now" in err, err


def test_refusals_in_later_states_name_the_asset_and_its_state(world, cli):
    aid = str(walk(world, "auction_failed"))
    err = _refused(world, cli, ADVANCE + [aid, "reduce_price", "--set", "price=1", "--on", "2026-04-02"],
                   "cv_an", "below 90000000", f"asset {aid}", "auction_failed", "allowed now")
    assert "reduce_price" in err
    _refused(world, cli, ADVANCE + [aid, "reduce_price", "--set", "price=-90000000"], "cv_an", "positive")
    _refused(world, cli, ADVANCE + [aid, "accept_by_creditor"], "cv_an", "reduction 2")
    _refused(world, cli, ADVANCE + [aid, "hand_over"], "cv_an", "not allowed now",
             "reduce_price, accept_by_creditor, return_to_debtor")


def test_unknown_asset(world, cli):
    _seized(cli)
    _refused(world, cli, ADVANCE + ["999", "agree_price", "--set", "price=5"], "cv_an", "no asset with id 999")
    _refused(world, cli, ADVANCE + ["abc", "agree_price"], "cv_an", "abc", "0-9", code=2)
    _refused(world, cli, ["asset", "show", "999"], "cv_an", "999")


def test_asset_of_another_office_cannot_be_read_or_advanced(world, cli):
    aid = _seized(cli)
    _refused(world, cli, ["asset", "show", aid], "cv_dung", "cv_dung", "HG-VT")
    r = cli("asset", "list", "--json", actor="cv_dung")
    assert r.exit_code == 0 and json.loads(r.stdout) == []
    r = cli("asset", "list", "--json", actor="ld_tinh")
    assert [a["id"] for a in json.loads(r.stdout)] == [int(aid)]


BAD_SEIZE = [
    (["--office", "NOPE"], "cv_an", ["no office 'NOPE'"]),
    (["--office", "HG-NB"], "cv_an", ["cv_an", "HG-NB"]),
    (["--office", "HG-VT"], "ksv", ["ksv", "procurator"]),
    (["--office", "HG-VT", "--officer", "ghost"], "cv_an", ["ghost"]),
    (["--office", "HG-VT", "--officer", "cv_dung"], "cv_an", ["cv_dung", "HG-VT"]),
    (["--office", "HG-VT", "--on", "2099-01-01"], "cv_an", ["2099-01-01"]),
    (["--office", "HG-VT", "--on", "01/03/2026"], "cv_an", ["01/03/2026", "YYYY-MM-DD"], 2),
    (["--office", "HG-VT", "--description", "  "], "cv_an", ["--description"]),
    (["--office", "HG-VT"], "nobody", ["nobody"]),
]


def test_bad_seizure_is_refused_cleanly(world, cli):
    for extra, actor, needles, *code in BAD_SEIZE:
        args = ["asset", "seize", "--case", "1/2026", "--kind", "movable"]
        if "--description" not in extra:
            args += ["--description", "Xe"]
        _refused(world, cli, args + extra, actor, *needles, code=code[0] if code else 1)


USAGE_ERRORS = [
    ["asset", "advance"],
    ["asset", "advance", "1"],
    ["asset", "seize", "--office", "HG-VT", "--kind", "movable", "--description", "x"],
    ["asset", "seize", "--case", "1", "--office", "HG-VT", "--kind", "car", "--description", "x"],
    ["asset", "frobnicate"],
    ["asset", "show", "1", "--lang", "fr"],
    ["holiday", "list", "--year", "abc"],
    ["user", "add", "x", "--role", "king", "--office", "HG-VT"],
]


def test_usage_errors_exit_2(world, cli):
    _seized(cli)
    for args in USAGE_ERRORS:
        err = _refused(world, cli, args, "cv_an", code=2)
        assert "Usage:" in err or "error" in err.lower()


def test_seize_says_what_it_did_and_scripts_get_the_id_or_the_object(world, cli):
    """Issue 15: a sentence naming the id, state and deadline; --json the object; -q the id alone."""
    r = cli("asset", "seize", "--case", "1/2026", "--office", "HG-VT", "--kind", "real_estate",
            "--description", "Nhà", "--on", "2026-03-02", actor="cv_an")
    assert r.exit_code == 0 and r.stderr == ""
    assert r.stdout == "asset 1 seized: seized, deadline 2026-03-09\n"
    r = cli("--lang", "vi", "asset", "seize", "--case", "2/2026", "--office", "HG-VT", "--kind", "movable",
            "--description", "Xe", "--on", "2026-03-02", actor="cv_an")
    assert r.stdout == "đã kê biên tài sản 2: Đã kê biên, hạn 2026-03-09\n"
    r = cli("asset", "seize", "--case", "3/2026", "--office", "HG-VT", "--kind", "movable",
            "--description", "Xe", "--on", "2026-03-02", "--json", actor="cv_an")
    assert json.loads(r.stdout) == {"id": 3, "state": "seized", "on": "2026-03-02", "deadline": "2026-03-09"}
    r = cli("asset", "seize", "--case", "4/2026", "--office", "HG-VT", "--kind", "movable",
            "--description", "Xe", "--quiet", actor="cv_an")
    assert r.exit_code == 0 and r.stdout == "4\n"


def test_a_second_seizure_of_the_same_thing_is_refused_unless_allowed(world, cli):
    args = ["asset", "seize", "--case", "7/2026", "--office", "HG-VT", "--kind", "movable",
            "--description", "Xe ô tô Toyota", "--on", "2026-03-02", "-q"]
    first = cli(*args, actor="cv_an").stdout.strip()
    err = _refused(world, cli, args, "cv_ba", "7/2026", f"asset {first}", "--allow-duplicate")
    assert "already seized" in err
    _refused(world, cli, ["--lang", "vi"] + args, "cv_an", f"tài sản số {first}")
    second = cli(*args, "--allow-duplicate", actor="cv_an")
    assert second.exit_code == 0 and second.stdout.strip() == str(int(first) + 1)
    # another description, or another office, is another thing
    assert cli(*[("Xe máy" if a == "Xe ô tô Toyota" else a) for a in args], actor="cv_an").exit_code == 0


def test_show_and_list_json_contract(world, cli):
    aid = _seized(cli)
    r = cli("asset", "advance", aid, "agree_price", "--set", "price=420.000.000", "--on", "2026-03-04",
            actor="cv_an")
    assert r.exit_code == 0, r.output
    r = cli("asset", "show", aid, "--json", actor="cv_an")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert CONTRACT_KEYS | {"history"} <= set(data)
    assert (data["id"], data["state"], data["office"], data["officer"], data["kind"]) == (
        int(aid), "priced", "HG-VT", "cv_an", "movable")
    assert data["state_entered_on"] == "2026-03-04"
    assert data["deadline"] == "2026-03-16" and "101" in data["deadline_basis"]
    assert data["regime"] == "decree2024"
    assert data["price"] == 420_000_000
    assert "contract_auction" in data["allowed_triggers"] and isinstance(data["allowed_triggers"], list)
    assert [(h["trigger"], h["from"], h["to"], h["on"], h["actor"]) for h in data["history"]] == [
        ("seize", None, "seized", "2026-03-02", "cv_an"), ("agree_price", "seized", "priced", "2026-03-04", "cv_an")]
    r = cli("asset", "list", "--json", actor="ld_binh")
    rows = json.loads(r.stdout)
    assert len(rows) == 1 and CONTRACT_KEYS <= set(rows[0]) and "history" not in rows[0]
    assert rows[0]["deadline"] == "2026-03-16"
    for flt, n in ((["--state", "priced"], 1), (["--state", "sold"], 0), (["--office", "HG-NB"], 0),
                   (["--overdue"], 1)):
        r = cli("asset", "list", "--json", *flt, actor="ld_binh")
        assert r.exit_code == 0 and len(json.loads(r.stdout)) == n, flt
    _refused(world, cli, ["asset", "list", "--office", "XX"], "ld_binh", "XX")
    _refused(world, cli, ["asset", "list", "--state", "sould"], "ld_binh", "--state", "'sould'", "sold")
    # the text forms work too
    r = cli("asset", "show", aid, actor="cv_an")
    assert r.exit_code == 0 and "2026-03-16" in r.stdout and "contract_auction" in r.stdout


def test_vietnamese_messages(world, cli):
    aid = _seized(cli)
    err = _refused(world, cli, ["--lang", "vi"] + ADVANCE + [aid, "record_sale"], "cv_an",
                   "tài sản", "không được", "được phép")
    assert "not allowed" not in err
    _refused(world, cli, ["--lang", "vi", "asset", "show", "999"], "cv_an", "không có tài sản số 999")
    _refused(world, cli, ADVANCE + [aid, "agree_price", "--set", "price=-1", "--lang", "vi"], "cv_an",
             "số tiền phải là số nguyên VND dương")
    r = cli("asset", "show", aid, "--lang", "vi", actor="cv_an")
    assert r.exit_code == 0 and "Trạng thái" in r.stdout and "Đã kê biên" in r.stdout
    r = cli("asset", "show", aid, "--json", "--lang", "vi", actor="cv_an")
    assert json.loads(r.stdout)["state_label"] == "Đã kê biên"

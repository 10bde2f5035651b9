"""Loading workflow definitions: the default one loads; a bad file is refused with a message
naming the file, the entry and the fault; `workflow validate|show|diagram` from the CLI."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
import yaml
from click.testing import CliRunner

from auction_flow.common.config import workflows_dir
from auction_flow.common.errors import WorkflowDefinitionError
from auction_flow.core import workflow as workflow_mod

DEFAULT = workflows_dir() / "asset_auction.yaml"
STATES = {"seized", "appraising", "priced", "auction_contracted", "auction_failed", "sold", "paid", "handed_over",
          "handover_coercion",
          "closed", "auction_cancelled", "creditor_accepted", "debtor_notified", "creditor_handover",
          "returned_to_debtor", "released", "suspended"}
TRIGGERS = {  # the public contract: name -> (sources, destination)
    "contract_appraisal": ({"seized"}, "appraising"),
    "agree_price": ({"seized"}, "priced"),
    "record_appraisal": ({"appraising"}, "priced"),
    "request_reappraisal": ({"priced", "auction_contracted"}, "appraising"),
    "record_receipt": ({"priced", "debtor_notified"}, "$same"),
    "contract_auction": ({"priced"}, "auction_contracted"),
    "record_auction_failed": ({"auction_contracted"}, "auction_failed"),
    "reduce_price": ({"auction_failed"}, "priced"),
    "accept_by_creditor": ({"auction_failed"}, "creditor_accepted"),
    "notify_debtor": ({"creditor_accepted"}, "debtor_notified"),
    "debtor_pays": ({"creditor_accepted", "debtor_notified"}, "released"),
    "award_to_creditor": ({"debtor_notified"}, "creditor_handover"),
    "return_to_debtor": ({"auction_failed"}, "returned_to_debtor"),
    "record_sale": ({"auction_contracted"}, "sold"),
    "record_payment": ({"sold"}, "paid"),
    "record_default": ({"sold"}, "priced"),
    "cancel_result": ({"sold", "paid"}, "auction_cancelled"),
    "reauction": ({"auction_cancelled"}, "priced"),
    "hand_over": ({"paid", "creditor_handover", "handover_coercion"}, "handed_over"),
    "notify_handover": ({"paid", "creditor_handover"}, "$same"),
    "order_coercion": ({"paid", "creditor_handover"}, "handover_coercion"),
    "close": ({"handed_over"}, "closed"),
    "redeem": ({"seized", "appraising", "priced", "auction_contracted", "auction_failed", "auction_cancelled"},
               "released"),
    "release": ({"seized", "appraising", "priced", "auction_contracted", "auction_failed", "sold",
                 "auction_cancelled", "suspended"}, "released"),
    "suspend": (STATES - {"closed", "returned_to_debtor", "released", "suspended"}, "suspended"),
    "resume": ({"suspended"}, "$previous"),
    "extend_handover": ({"paid", "creditor_handover"}, "$same"),
    "extend_payment": ({"sold"}, "sold"),
    # closes the side clock deposit_refunds from any state it may be open in (a final one too)
    "record_refunds": (STATES - {"seized"}, "$same"),
    "refund_buyer": (STATES - {"seized"}, "$same"),  # closes buyer_refund, as record_refunds closes its own
}
FIELDS = {"contract_appraisal": {"appraisal_org"}, "agree_price": {"price"}, "record_appraisal": {"price", "valid_until"},
          "request_reappraisal": {"ground", "party"}, "record_receipt": {"party", "received_on"},
          "reduce_price": {"price"}, "contract_auction": {"auction_org", "auction_date"},
          "record_sale": {"sale_price", "buyer", "deposit"}, "cancel_result": {"ground", "document_no", "document_on", "issued_by"}, "suspend": {"kind"},
          "extend_payment": {"until"}, "notify_handover": {"handover_on"},
          "order_coercion": {"decision", "plan_on", "procuracy_invited_on"},
          "return_to_debtor": {"costs", "creditor_declined"}, "debtor_pays": {"amount"},
          "record_refunds": {"refunded_on", "bidders"}, "refund_buyer": {"refunded_on", "refunded_amount"}}


def _doc() -> dict:
    return yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))


def _write(tmp_path, doc, name="bad.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def test_default_workflow_loads_with_the_contract_names():
    wf = workflow_mod.load(DEFAULT)
    assert (wf.name, wf.initial) == ("asset_auction", "seized")
    assert set(wf.states) == STATES
    assert {n: (set(t.sources), t.dest) for n, t in wf.triggers.items()} == TRIGGERS
    assert {n: {f.name for f in t.fields} for n, t in wf.triggers.items() if t.fields} == FIELDS
    assert {n for n, t in wf.triggers.items() if t.reason_required} == {"release", "cancel_result",
                                                                       "extend_handover"}
    ground = next(f for f in wf.triggers["cancel_result"].fields if f.name == "ground")
    assert set(ground.choices) == {"agreement", "court_void", "winner_violation", "sanction_decision"}
    kind = next(f for f in wf.triggers["suspend"].fields if f.name == "kind")
    assert set(kind.choices) == {"postpone", "suspend"}
    assert wf.triggers["cancel_result"].roles == ("supervisor",)
    assert wf.triggers["extend_handover"].roles == ("supervisor",)
    assert [r.id for r in wf.regimes] == ["law2014", "decree2024", "law2025"]
    assert [r.effective for r in wf.regimes] == [dt.date(2015, 7, 1), dt.date(2025, 1, 1), dt.date(2026, 7, 1)]
    for s in wf.states.values():
        assert s.labels["vi"] and s.labels["en"]
    assert {s for s, st in wf.states.items() if st.final} == {"closed", "returned_to_debtor", "released"}


def test_one_machine_per_workflow_version_with_no_model_bound():
    wf = workflow_mod.get()
    assert wf.machine is wf.machine
    assert workflow_mod.get() is wf  # loaded once, not per call
    assert wf.machine.models == []


def _mutate(fn):
    doc = _doc()
    fn(doc)
    return doc


def _add_state(doc, name, **extra):
    doc["states"][name] = {"labels": {"vi": name, "en": name}, **extra}


def _add_trigger(doc, name, sources, dest):
    doc["triggers"][name] = {"labels": {"vi": name, "en": name}, "from": sources, "to": dest,
                             "roles": ["officer"]}


BAD = {
    "unknown state (to)": (lambda d: d["triggers"]["agree_price"].update(to="nowhere"),
                           "triggers.agree_price.to", "unknown state 'nowhere'"),
    "unknown state (from)": (lambda d: d["triggers"]["close"].update({"from": ["handed_over", "limbo"]}),
                             "triggers.close.from", "unknown state 'limbo'"),
    "unknown initial state": (lambda d: d.update(initial="nowhere"), "initial", "unknown state 'nowhere'"),
    "unreachable state": (lambda d: (_add_state(d, "orphan"), _add_trigger(d, "leave_orphan", ["orphan"], "closed")),
                          "states.orphan", "unreachable state"),
    "non-final state with no way out": (lambda d: (_add_state(d, "limbo"),
                                                   _add_trigger(d, "to_limbo", ["priced"], "limbo")),
                                        "states.limbo", "non-final state with no way out"),
    "a final state with a way out": (lambda d: d["triggers"]["reauction"].update({"from": ["auction_cancelled",
                                                                                          "closed"]}),
                                     "triggers.reauction.from", "final state 'closed'"),
    "duplicate trigger from one source": (lambda d: d["triggers"]["hand_over"].update(
        {"from": ["paid", "creditor_accepted", "paid"]}), "triggers.hand_over.from",
        "duplicate trigger from one source"),
    "unknown role": (lambda d: d["triggers"]["record_sale"].update(roles=["officer", "judge"]),
                     "triggers.record_sale.roles", "unknown role 'judge'"),
    "no role": (lambda d: d["triggers"]["record_sale"].update(roles=[]), "triggers.record_sale.roles", "no role"),
    "unknown initial role": (lambda d: d.update(initial_roles=["clerk"]), "initial_roles", "unknown role 'clerk'"),
    "clock of an unknown regime": (lambda d: d["states"]["priced"]["clock"].update(
        law2099={"days": 3, "unit": "calendar", "basis": "x"}), "states.priced.clock.law2099",
        "clock without a regime in force"),
    "clock starting after the first regime": (lambda d: d["states"]["priced"].update(
        clock={"decree2024": {"days": 10, "unit": "calendar", "basis": "x"}}), "states.priced.clock",
        "clock without a regime in force"),
    "unknown clock unit": (lambda d: d["states"]["priced"]["clock"]["law2014"].update(unit="fortnights"),
                           "states.priced.clock.law2014.unit", "fortnights"),
    "non-positive days": (lambda d: d["states"]["priced"]["clock"]["law2014"].update(days=0),
                          "states.priced.clock.law2014.days", "positive whole number"),
    "per-kind days missing a kind": (lambda d: d["states"]["auction_contracted"]["clock"]["law2014"].update(
        days={"movable": 30}), "states.auction_contracted.clock.law2014.days", "real_estate"),
    "missing legal basis": (lambda d: d["states"]["priced"]["clock"]["law2014"].pop("basis"),
                            "states.priced.clock.law2014.basis", "legal basis"),
    "unknown guard": (lambda d: d["triggers"]["record_sale"].update(guards=["sale_at_least_start", "magic"]),
                      "triggers.record_sale.guards", "unknown guard 'magic'"),
    "unknown effect": (lambda d: d["triggers"]["record_sale"].update(effects=["teleport"]),
                       "triggers.record_sale.effects", "unknown effect 'teleport'"),
    "bad field type": (lambda d: d["triggers"]["agree_price"].update(fields={"price": "number"}),
                       "triggers.agree_price.fields.price", "unknown field type 'number'"),
    "bad reason flag": (lambda d: d["triggers"]["release"].update(reason="sometimes"),
                        "triggers.release.reason", "sometimes"),
    "missing en label of a state": (lambda d: d["states"]["sold"].update(labels={"vi": "Đã bán"}),
                                    "states.sold.labels", "missing the en label"),
    "missing vi label of a trigger": (lambda d: d["triggers"]["close"].update(labels={"en": "Close"}),
                                      "triggers.close.labels", "missing the vi label"),
    "missing labels": (lambda d: d["triggers"]["close"].pop("labels"), "triggers.close.labels", "expected a mapping"),
    "regime without a date": (lambda d: d["regimes"]["law2025"].update(effective="soon"),
                              "regimes.law2025.effective", "expected a date"),
    "missing section": (lambda d: d.pop("triggers"), "triggers", "missing"),
    "floor above 100%": (lambda d: d["triggers"]["return_to_debtor"]["checks"][0].update(min=120),
                         "triggers.return_to_debtor.checks[0].min", "expected a percentage 0..100"),
    "bad version": (lambda d: d.update(version=0), "version", "positive whole number"),
}


@pytest.mark.parametrize("fault", sorted(BAD))
def test_a_bad_workflow_is_refused_naming_file_entry_and_fault(tmp_path, fault):
    mutate, entry, text = BAD[fault]
    path = _write(tmp_path, _mutate(mutate))
    with pytest.raises(WorkflowDefinitionError) as info:
        workflow_mod.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {entry}: "), message
    assert text in message, message
    assert "\n" not in message


def test_a_key_given_twice_is_refused(tmp_path):
    text = DEFAULT.read_text(encoding="utf-8")
    dup = text.replace("  close:\n    labels:", "  close:\n    labels: {vi: x, en: y}\n    from: [handed_over]\n"
                       "    to: closed\n    roles: [officer]\n  close:\n    labels:", 1)
    assert dup != text
    path = tmp_path / "dup.yaml"
    path.write_text(dup, encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match=r"dup\.yaml: document: line \d+: duplicate key 'close'"):
        workflow_mod.load(path)


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(WorkflowDefinitionError, match="missing.yaml: cannot read"):
        workflow_mod.load(tmp_path / "missing.yaml")
    bad = tmp_path / "broken.yaml"
    bad.write_text("states: [unclosed\n", encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match="broken.yaml: document: not valid YAML"):
        workflow_mod.load(bad)
    bad.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match="broken.yaml: document: expected a mapping"):
        workflow_mod.load(bad)


def test_a_yaml_safe_load_only(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("name: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match="evil.yaml: document"):
        workflow_mod.load(path)


# --- the CLI ----------------------------------------------------------------------------------

def _cli(*args):
    from cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_validate_the_default_workflow():
    for args in ([], [str(DEFAULT)]):
        r = _cli("workflow", "validate", *args)
        assert r.exit_code == 0, r.output
        assert "valid" in r.stdout and "asset_auction" in r.stdout and f"{len(STATES)} states" in r.stdout


@pytest.mark.parametrize("fault", ["unknown role", "unreachable state", "bad field type",
                                   "clock of an unknown regime"])
def test_validate_a_bad_file_exits_1_with_one_line(tmp_path, fault):
    mutate, entry, text = BAD[fault]
    path = _write(tmp_path, _mutate(mutate))
    r = _cli("workflow", "validate", path)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr == f"error: {path}: {entry}: " + r.stderr.split(f"{entry}: ", 1)[1]
    assert r.stderr.count("\n") == 1 and text in r.stderr and "Traceback" not in r.stderr


def test_validate_a_missing_file_exits_1(tmp_path):
    r = _cli("workflow", "validate", str(tmp_path / "nope.yaml"))
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "nope.yaml" in r.stderr


def test_show_json_lists_states_and_triggers():
    r = _cli("workflow", "show", "--json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert {s["name"] for s in data["states"]} == STATES
    assert {t["name"]: (set(t["from"]), t["to"]) for t in data["triggers"]} == TRIGGERS
    paid = next(s for s in data["states"] if s["name"] == "paid")
    assert [c["regime"] for c in paid["clock"]] == ["law2014", "decree2024", "law2025"]
    assert data["regimes"][1] == {"id": "decree2024", "effective": "2025-01-01", "label": "Decree 152/2024"}
    r = _cli("workflow", "show", "--lang", "vi")
    assert r.exit_code == 0 and "Đã kê biên" in r.stdout and "record_sale" in r.stdout


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_diagram(fmt):
    r = _cli("workflow", "diagram", "--format", fmt)
    assert r.exit_code == 0
    text = r.stdout
    assert text.startswith("stateDiagram-v2" if fmt == "mermaid" else 'digraph "asset_auction"')
    arrow = "-->" if fmt == "mermaid" else "->"
    for name, (sources, dest) in TRIGGERS.items():
        for s in sources:
            d = "previous" if dest == "$previous" else s if dest == "$same" else dest
            edge = f"{s} {arrow} {d} : {name}" if fmt == "mermaid" else f'{s} {arrow} {d} [label="{name}"];'
            assert edge in text, edge
    for s in STATES:
        assert s in text
    r = _cli("workflow", "diagram", "--format", "png")
    assert r.exit_code == 2


def test_a_non_workflow_yaml_in_the_folder_is_ignored(tmp_path, monkeypatch):
    import shutil

    shutil.copy(DEFAULT, tmp_path / "asset_auction.yaml")
    (tmp_path / "notes.yaml").write_text("acceptance: {days: 5}\n", encoding="utf-8")
    monkeypatch.setenv("AUCTION_FLOW_WORKFLOWS", str(tmp_path))
    assert workflow_mod.get().name == "asset_auction"
    doc = _doc()
    doc["version"] = 2
    doc["triggers"]["record_sale"]["roles"] = ["judge"]
    _write(tmp_path, doc, "asset_auction.v2.yaml")
    with pytest.raises(WorkflowDefinitionError, match=r"asset_auction\.v2\.yaml: triggers\.record_sale\.roles"):
        workflow_mod.get()


def test_bad_mutations_really_differ_from_default():
    # guard against a BAD entry that silently does nothing
    for fault, (mutate, _, _) in BAD.items():
        assert _mutate(mutate) != _doc(), fault
    assert copy.deepcopy(_doc()) == _doc()

"""One vocabulary: every word in vi and en, no key twice, and a Vietnamese label for every code
a person may read (states, triggers, alert rules and levels, signals, roles...)."""

from __future__ import annotations

import pytest

from auction_flow.common import words
from auction_flow.core import workflow
from auction_flow.core.workflow import alerts_section
from auction_flow.features.alerts.service import LEVELS, RULES
from auction_flow.features.supervision.signals import SIGNALS


def test_every_word_has_both_languages_and_no_key_is_defined_twice():
    seen = {}
    for area in words.AREAS:
        for key, texts in area.WORDS.items():
            assert key not in seen, f"{key} in {area.__name__} and {seen[key]}"
            seen[key] = area.__name__
            assert texts["vi"].strip() and texts["en"].strip(), key
    assert len(seen) == len(words.MESSAGES)


def test_the_merged_headers_read_the_same_everywhere():
    # the command line and the supervision tables used to disagree on these two
    assert words.message("h.by", "vi") == "NGƯỜI THỰC HIỆN"
    assert words.message("h.id", "vi") == "SỐ"


def _codes():
    wf = workflow.get()
    yield from (("state", s) for s in wf.states)
    yield from (("trigger", t) for t in wf.triggers)
    yield from (("rule", r) for r in RULES)
    yield from (("level", lv) for lv in LEVELS)
    yield from (("signal", s) for s in SIGNALS)
    yield from (("role", r) for r in wf.roles)
    yield from (("kind", k) for k in workflow.KINDS)
    yield from (("status", s) for s in ("open", "acknowledged", "snoozed", "resolved"))
    yield from (("level", lv) for levels in alerts_section.ESCALATIONS.values() for lv in levels)


@pytest.mark.parametrize("kind,code", list(_codes()), ids=lambda v: str(v))
def test_every_code_a_person_reads_has_a_vietnamese_label(kind, code):
    assert words.has_term(kind, code)
    vi = words.term(kind, code, "vi")
    assert vi and vi != code


def test_a_newer_workflow_version_labels_a_state_and_an_unknown_code_stays_itself():
    words.register_terms("state", {"test_only_state": {"vi": "cũ", "en": "old"}}, version=1)
    words.register_terms("state", {"test_only_state": {"vi": "mới", "en": "new"}}, version=2)
    words.register_terms("state", {"test_only_state": {"vi": "cũ hơn", "en": "older"}}, version=1)
    assert words.term("state", "test_only_state", "vi") == "mới"
    assert words.term("level", "no_such_level", "vi") == "no_such_level"
    with pytest.raises(ValueError):
        words.register_terms("level", {"overdue": {"vi": "x", "en": "y"}})

"""Steps with their case file: a seizure naming its debtors and creditors, a step naming its buyer,
each with the paper the workflow gives it. What the front ends call to seize and advance.

The engine does the step; this module only hands it, as its ``issue`` callable
(auction_flow.core.issue), the parties the step links and the paper it issues
(:class:`auction_flow.features.casefile.papers.Papers`), so that all of it is one transaction.
"""

from __future__ import annotations

from auction_flow.common.errors import InvalidInput
from auction_flow.core import engine as eng
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.fields import parse_sets
from auction_flow.features.casefile import parties as parties_mod
from auction_flow.features.casefile.papers import Papers
from auction_flow.storage import db


def seize(engine, actor, case_number, office, kind, description, officer=None, on=None, debtors=(),
          creditors=()) -> int:
    """Record a seizure (``asset seize``), its debtors and creditors linked, its paper issued; the id."""
    links = [(p, "debtor") for p in parties_mod.existing(engine, debtors)]
    links += [(p, "creditor") for p in parties_mod.existing(engine, creditors)]
    seen = set()
    for p, role in links:
        if (p["id"], role) in seen:
            raise InvalidInput("cf.already_linked", party=p["id"], asset="-", role=role)
        seen.add((p["id"], role))
    return eng.create(engine, actor, case_number, office, kind, description, officer, on, issue=Papers(links)).asset_id


def advance(engine, asset_id, trigger, actor, on=None, sets=(), reason=None, expected_version: int | None = None,
            buyer=None):
    """Fire ``trigger`` (``asset advance``) with its paper; ``buyer``: the id of the party who bought
    (for a step that records a buyer: its ``buyer`` field is that party's name)."""
    fields = parse_sets(sets)
    links = []
    if buyer is not None:
        with db.reading(engine) as conn:
            asset = eng.load_asset(conn, asset_id)
        wf = workflow_mod.get(asset["workflow"], asset["workflow_version"])
        trig = wf.triggers.get(trigger)
        if trig is None or "buyer" not in {f.name for f in trig.fields}:
            raise InvalidInput("cf.buyer_not_taken", trigger=trigger)
        [party] = parties_mod.existing(engine, [buyer])
        given = " ".join(str(fields.get("buyer") or "").split())
        if given and given != party["name"]:
            raise InvalidInput("cf.buyer_mismatch", given=given, party=party["id"], name=party["name"])
        fields["buyer"] = party["name"]
        links.append((party, "buyer"))
    return eng.fire(engine, asset_id, trigger, actor, on=on, fields=fields, reason=reason,
                    expected_version=expected_version, issue=Papers(links))

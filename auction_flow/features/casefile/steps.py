"""What a step hands the case file: the parties it links (a seizure's debtors and creditors, a sale's
buyer) and the paper the workflow gives it, as the engine's ``issue`` callable
(auction_flow.core.issue), so that all of it is one transaction with the step.

There is ONE way to seize and advance: ``features/assets/service.seize`` and ``advance``, which every
front end (the command line, the web desk's pages and API, the demo) calls. They ask this module for
the step's :class:`auction_flow.features.casefile.papers.Papers` (the one edge between the two
features that setup.cfg's contract names), so no step is ever recorded without its paper.
"""

from __future__ import annotations

from auction_flow.common.errors import InvalidInput
from auction_flow.core import engine as eng
from auction_flow.core import workflow as workflow_mod
from auction_flow.features.casefile import parties as parties_mod
from auction_flow.features.casefile.papers import Papers
from auction_flow.storage import db


def seizure_papers(engine, actor, debtors=(), creditors=()) -> Papers:
    """The ``issue`` callable of a seizure: its debtors and creditors (party ids the actor may see, or
    full identity numbers, ``parties.ByNumber``; none twice in one role) linked, its decision issued."""
    found = parties_mod.resolve(engine, actor, [*debtors, *creditors])
    links = [(p, "debtor") for p in found[:len(debtors)]] + [(p, "creditor") for p in found[len(debtors):]]
    seen = set()
    for p, role in links:
        if (p["id"], role) in seen:
            raise InvalidInput("cf.already_linked", party=p["id"], asset="-", role=role)
        seen.add((p["id"], role))
    return Papers(links)


def step_papers(engine, actor, asset_id, trigger: str, fields: dict, buyer=None) -> Papers:
    """The ``issue`` callable of a step: its paper, and with ``buyer`` (the id of the party who bought,
    one the actor may see, or its full identity number, ``parties.ByNumber``, for a step whose trigger
    takes a ``buyer`` field) that party linked as buyer, its name put in
    ``fields["buyer"]`` (a different name typed there is refused)."""
    links = []
    if buyer is not None:
        with db.reading(engine) as conn:
            asset = eng.load_asset(conn, asset_id)
        wf = workflow_mod.get(asset["workflow"], asset["workflow_version"])
        trig = wf.triggers.get(trigger)
        if trig is None or "buyer" not in {f.name for f in trig.fields}:
            raise InvalidInput("cf.buyer_not_taken", trigger=trigger)
        [party] = parties_mod.resolve(engine, actor, [buyer])
        given = " ".join(str(fields.get("buyer") or "").split())
        if given and given != party["name"]:
            raise InvalidInput("cf.buyer_mismatch", given=given, party=party["id"], name=party["name"])
        fields["buyer"] = party["name"]
        links.append((party, "buyer"))
    return Papers(links)

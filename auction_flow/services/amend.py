"""Reassigning an asset to another officer and correcting its descriptive fields (auction_flow.amend)."""

from __future__ import annotations

from dataclasses import asdict

from .. import amend


def reassign(engine, asset_id, actor, to_user, reason, on=None) -> dict:
    return asdict(amend.reassign(engine, asset_id, actor, to_user, reason, on))


def correct(engine, asset_id, actor, sets, reason, on=None) -> dict:
    return asdict(amend.correct(engine, asset_id, actor, sets, reason, on))

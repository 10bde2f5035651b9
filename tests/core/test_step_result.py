"""The step's result (``engine.AssetTransitioned``) is built by a hand-written ``__init__`` (the
frozen dataclass's own one costs a step 16,000 instructions); it must stay the frozen dataclass it was."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from auction_flow.core.engine import AssetTransitioned

D = dt.date(2026, 3, 2)
FIELDS = ("asset_id", "trigger", "from_state", "to_state", "on", "deadline", "version", "opened", "closed")


def test_fields_defaults_and_values_are_the_dataclass_ones():
    assert tuple(f.name for f in dataclasses.fields(AssetTransitioned)) == FIELDS
    r = AssetTransitioned(7, "suspend", "seized", "suspended", D, None, 3)
    assert (r.opened, r.closed) == ((), ())
    assert dataclasses.asdict(r) == dict(zip(FIELDS, (7, "suspend", "seized", "suspended", D, None, 3, (), ())))
    assert r == AssetTransitioned(asset_id=7, trigger="suspend", from_state="seized", to_state="suspended", on=D,
                                  deadline=None, version=3, opened=(), closed=())
    assert hash(r) == hash(AssetTransitioned(7, "suspend", "seized", "suspended", D, None, 3, (), ()))
    assert r != AssetTransitioned(7, "suspend", "seized", "suspended", D, None, 4)
    assert repr(r) == ("AssetTransitioned(asset_id=7, trigger='suspend', from_state='seized', to_state='suspended', "
                       "on=datetime.date(2026, 3, 2), deadline=None, version=3, opened=(), closed=())")
    assert dataclasses.replace(r, version=4).version == 4


def test_it_stays_frozen_and_refuses_unknown_arguments():
    r = AssetTransitioned(7, "suspend", "seized", "suspended", D, None, 3, (("x", D),), ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.version = 4
    with pytest.raises(dataclasses.FrozenInstanceError):
        del r.trigger
    with pytest.raises(TypeError):
        AssetTransitioned(7, "suspend", "seized", "suspended", D, None)  # version missing
    with pytest.raises(TypeError):
        AssetTransitioned(7, "suspend", "seized", "suspended", D, None, 3, state="x")

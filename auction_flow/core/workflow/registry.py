"""The workflows folder: every definition in it, each loaded and validated once.

``NAME.yaml`` is the current definition; older versions that live assets still follow are
``NAME.vN.yaml``. Other features' data files that share the folder (complaints.yaml) are not
workflow definitions.
"""

from __future__ import annotations

import functools
from pathlib import Path

from auction_flow.common.config import workflows_dir
from auction_flow.common.errors import NotFound
from auction_flow.common.words import register_terms
from auction_flow.core.workflow.loader import load
from auction_flow.core.workflow.model import Workflow


@functools.lru_cache(maxsize=None)
def load_cached(path: str, mtime: float) -> Workflow:
    """The workflow in ``path`` (as of ``mtime``), loaded once; its state and trigger labels join
    the vocabulary. Only NAME.yaml / NAME.vN.yaml are read (see :func:`get`), so other features'
    data files sharing the folder, such as complaints.yaml, are never taken for a workflow."""
    wf = load(path)
    register_terms("state", {s.name: s.labels for s in wf.states.values()}, wf.version)
    register_terms("trigger", {t.name: t.labels for t in wf.triggers.values()}, wf.version)
    register_terms("obligation", {o.name: o.labels for o in wf.sections["obligations"].by_name.values()}, wf.version)
    return wf


def get(name: str = "asset_auction", version: int | None = None) -> Workflow:
    """The workflow ``name`` (its given ``version``, else the newest) from the workflows folder."""
    # A workflow version, once loaded, is fixed (a change is a new version): the engine asks
    # for the asset's exact version on every step, so that answer is kept, not re-globbed.
    folder = str(workflows_dir())  # a str key: a Path hashes its parts again on every lookup
    known = _BY_VERSION.get((folder, name, version)) if version is not None else None
    if known is not None:
        return known
    found = []
    # "NAME.yaml" is the current definition; older versions kept for live assets are "NAME.vN.yaml".
    for p in sorted(workflows_dir().glob(f"{name}.yaml")) + sorted(workflows_dir().glob(f"{name}.v*.yaml")):
        wf = load_cached(str(p), p.stat().st_mtime)
        if wf.name == name and (version is None or wf.version == version):
            found.append(wf)
    if not found:
        raise NotFound("workflow_not_found", name=name, version=version or "", folder=workflows_dir())
    wf = max(found, key=lambda w: w.version)
    if version is not None:
        _BY_VERSION[folder, name, version] = wf
    return wf


_BY_VERSION: dict[tuple, Workflow] = {}

# Files of other features that share the workflows folder: data, not workflow definitions.
DATA_FILES = frozenset({"complaints.yaml",  # auction_flow.core.complaint_clocks
                        "procuracy.yaml"})  # auction_flow.core.workflow.procuracy_section


def definition_files() -> list[Path]:
    """Every workflow definition file in the folder (NAME.yaml and NAME.vN.yaml), data files excluded."""
    return [p for p in sorted(workflows_dir().glob("*.yaml")) if p.name not in DATA_FILES]

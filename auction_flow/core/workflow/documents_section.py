"""Which step of a workflow issues which paper, and the register of paper kinds
(``workflows/templates/documents.yaml``).

In the workflow file, one line per trigger that issues a paper, and one for the seizure:

    initial_document: seizure_decision
    triggers:
      reduce_price:
        ...
        document: price_reduction_decision

The register says, per kind: its labels, the series its number is drawn from (``QĐ``, ``TB``,
``BB``, ``HĐ``: one count per office, series and year, so no two papers of an office carry the same
number), who signs it (``officer`` or ``head``), the amount it states (an asset column, or none),
and its legal basis per regime (the regime in force on the step's day; a regime left out keeps the
previous one's). The paper itself is ``KIND.docx`` beside the register, filled by
auction_flow.features.casefile. Both are checked when the workflow is loaded: a trigger that is not
in the workflow, or a kind the register does not know, is refused with the entry named.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from auction_flow.common.config import shipped_workflows_dir, workflows_dir
from auction_flow.common.errors import WorkflowDefinitionError

SEIZE = "seize"
SIGNERS = ("officer", "head")
AMOUNTS = ("none", "price", "sale_price", "appraised_price")
REGISTER = "documents.yaml"


@dataclass(frozen=True)
class DocumentKind:
    name: str
    labels: dict[str, str]
    series: str
    signer: str
    amount: str
    basis: tuple[tuple[str, str], ...]  # (regime id, text), in the register's order

    def basis_for(self, regime: str | None, order: list[str]) -> str:
        """The basis under ``regime``: its own, else the latest earlier regime's, else the first."""
        own = dict(self.basis)
        if regime in own:
            return own[regime]
        if regime in order:
            for rid in reversed(order[:order.index(regime)]):
                if rid in own:
                    return own[rid]
        return self.basis[0][1]


def templates_dir(workflow_path: str | None = None) -> Path:
    """The templates folder beside a workflow file, else the workflows folder's, else the one this
    program came with (a workflow copied alone elsewhere still has its papers)."""
    candidates = [Path(workflow_path).parent / "templates"] if workflow_path else []
    candidates += [workflows_dir() / "templates", shipped_workflows_dir() / "templates"]
    for here in candidates:
        if (here / REGISTER).is_file():
            return here
    return candidates[-1]


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> dict[str, DocumentKind]:
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise WorkflowDefinitionError(f"{path}: cannot read ({str(exc).splitlines()[0]})") from None
    kinds = doc.get("kinds") if isinstance(doc, dict) else None
    if not isinstance(kinds, dict) or not kinds:
        raise WorkflowDefinitionError(f"{path}: kinds: expected a mapping of paper kinds")
    out = {}
    for name, spec in kinds.items():
        entry = f"{path}: kinds.{name}"
        if not isinstance(spec, dict):
            raise WorkflowDefinitionError(f"{entry}: expected a mapping")
        labels = spec.get("labels") or {}
        if not all(isinstance(labels.get(lang), str) and labels[lang].strip() for lang in ("vi", "en")):
            raise WorkflowDefinitionError(f"{entry}.labels: a vi and an en label are needed")
        if not isinstance(spec.get("series"), str) or not spec["series"].strip():
            raise WorkflowDefinitionError(f"{entry}.series: missing (QĐ, TB, BB, HĐ...)")
        if spec.get("signer") not in SIGNERS:
            raise WorkflowDefinitionError(f"{entry}.signer: expected one of {', '.join(SIGNERS)}")
        if spec.get("amount", "none") not in AMOUNTS:
            raise WorkflowDefinitionError(f"{entry}.amount: expected one of {', '.join(AMOUNTS)}")
        basis = spec.get("basis")
        if not isinstance(basis, dict) or not basis or not all(isinstance(v, str) and v.strip()
                                                              for v in basis.values()):
            raise WorkflowDefinitionError(f"{entry}.basis: the legal basis per regime is needed")
        out[name] = DocumentKind(name, {"vi": labels["vi"], "en": labels["en"]}, spec["series"].strip(),
                                 spec["signer"], spec.get("amount", "none"), tuple(basis.items()))
    return out


def kinds(folder: Path | None = None) -> dict[str, DocumentKind]:
    """The register of paper kinds in ``folder`` (default: the workflows folder's templates), loaded once."""
    path = (folder or templates_dir()) / REGISTER
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise WorkflowDefinitionError(f"{path}: missing (the register of paper kinds)") from None
    return _load(str(path), mtime)


def parse(checker, initial_document, triggers) -> dict[str, str]:
    """The workflow's trigger -> paper kind (``seize`` for ``initial_document``, the others from each
    trigger's ``document:``), every kind checked against the register; refuse a bad entry."""
    wanted = {SEIZE: ("initial_document", initial_document)} if initial_document is not None else {}
    wanted.update({name: (f"triggers.{name}.document", t.params["document"])
                   for name, t in triggers.items() if "document" in t.params})
    if not wanted:
        return {}
    try:
        known = kinds(templates_dir(checker.path))
    except WorkflowDefinitionError as exc:
        checker.fail("initial_document", str(exc))
    for entry, kind in wanted.values():
        if not isinstance(kind, str) or kind not in known:
            checker.fail(entry, f"unknown document kind {kind!r} (known: {', '.join(sorted(known))})")
    return {trigger: kind for trigger, (_, kind) in wanted.items()}


def for_workflow(wf) -> dict[str, str]:
    """The workflow's trigger -> paper kind (``seize``: the seizure); empty when it issues none."""
    return wf.sections.get("documents") or {}

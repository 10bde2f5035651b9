"""Workflow definitions for people: validate a file, show it, draw it."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from auction_flow.common.errors import InvalidInput, PermissionDenied
from auction_flow.common.words import Msg, term
from auction_flow.core import amend, authz, complaint_clocks
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.engine import load_actor
from auction_flow.core.workflow import PREVIOUS, SAME, Workflow, procuracy_section
from auction_flow.storage import db
from auction_flow.storage.schema import assets


def _get(path: str | None) -> Workflow:
    return workflow_mod.load(path) if path else workflow_mod.get()


def _is_complaint_clocks(path: str) -> bool:
    """A file of the complaint and denunciation clocks (acceptance: and resolution:, no states:)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False  # the workflow loader says what is wrong with it
    return isinstance(data, dict) and "states" not in data and "acceptance" in data


def _is_procuracy(path: str) -> bool:
    """The procuracy's file (send: and answer:, no states:)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "states" not in data and "send" in data and "answer" in data


def validate(path: str | None = None) -> dict:
    """Validate a definition of the workflows folder: a workflow, the complaint clocks or the
    procuracy's file."""
    if path and _is_procuracy(path):
        rules = procuracy_section.parse(Path(path).read_text(encoding="utf-8"), str(path))
        return {"file": str(path), "kind": "procuracy", "decisions": len(rules.decisions),
                "unconfirmed": len(rules.unconfirmed())}
    if path and _is_complaint_clocks(path):
        rules = complaint_clocks.parse(Path(path).read_text(encoding="utf-8"), str(path))
        return {"file": str(path), "kind": "complaint_clocks", "acceptance": len(rules.acceptance),
                "resolution": len(rules.resolution)}
    wf = _get(path)
    return {"file": wf.path, "kind": "workflow", "name": wf.name, "version": wf.version, "states": len(wf.states),
            "triggers": len(wf.triggers), "regimes": [r.id for r in wf.regimes]}


def _clock_text(rule, lang: str) -> str:
    parts = []
    for p in rule.periods:
        n = p.days if isinstance(p.days, int) else "/".join(f"{v} ({k})" for k, v in p.days.items())
        unit = term("unit", p.unit, lang)
        parts.append(f"{n} {unit}")
    text = " + ".join(parts)
    if rule.extension:
        text += f" (≤{rule.extension})"
    return text


def show(path: str | None = None, lang: str = "en") -> dict:
    wf = _get(path)
    return {
        "name": wf.name, "version": wf.version, "label": wf.labels[lang], "file": wf.path,
        "regimes": [{"id": r.id, "effective": r.effective, "label": r.labels[lang]} for r in wf.regimes],
        "states": [{"name": s.name, "label": s.labels[lang], "final": s.final,
                    "clock": [{"regime": c.regime, "time": _clock_text(c, lang), "basis": c.basis}
                              for c in s.clock]} for s in wf.states.values()],
        "triggers": [{"name": t.name, "label": t.labels[lang], "from": list(t.sources), "to": t.dest,
                      "roles": list(t.roles), "fields": {f.name: (list(f.choices) if f.choices else f.type)
                                                          for f in t.fields},
                      "reason": "required" if t.reason_required else "optional", "guards": list(t.guards)}
                     for t in wf.triggers.values()],
        "sources": sources(wf),
    }


def sources(wf: Workflow) -> list[dict]:
    """Every basis of the definition (state clocks, trigger checks, trigger windows, obligations) with whether its
    text was confirmed and, when not, why (``confirmed: false`` + ``why:`` in the YAML)."""
    out = []
    for st in wf.states.values():
        for c in st.clock:
            entry = f"states.{st.name}.clock.{c.regime}" + (f" (since {c.since})" if c.since else "")
            out.append({"entry": entry, "basis": c.basis, "confirmed": c.confirmed, "why": c.why})
    for t in wf.triggers.values():
        for n, c in enumerate(t.checks):
            for regime, src in (("", c.source),) + c.regime_sources:
                out.append({"entry": f"triggers.{t.name}.checks[{n}]" + (f".{regime}" if regime else ""),
                            "basis": src.basis, "confirmed": src.confirmed, "why": src.why})
        out += _param_sources(f"triggers.{t.name}", t.params)
    return out + wf.sections["obligations"].sources()  # the side clocks


def _param_sources(entry: str, params: dict) -> list[dict]:
    """The bases among a trigger's parameters, nested ones too (a window's 2026 entry, each ground of
    a re-appraisal)."""
    out = []
    for key, value in params.items():
        if not isinstance(value, dict):
            continue
        if "basis" in value:
            out.append({"entry": f"{entry}.{key}", "basis": value["basis"],
                        "confirmed": value.get("confirmed", True), "why": value.get("why", "")})
        out += _param_sources(f"{entry}.{key}", value)
    return out


def diagram(fmt: str = "mermaid", path: str | None = None, lang: str = "en") -> str:
    wf = _get(path)
    edges = []
    for t in wf.triggers.values():
        for s in t.sources:
            edges.append((s, "previous" if t.dest == PREVIOUS else s if t.dest == SAME else t.dest, t.name))
    if fmt == "mermaid":
        lines = ["stateDiagram-v2", f"    [*] --> {wf.initial}"]
        for s in wf.states.values():
            lines.append(f'    {s.name} : {s.labels[lang]}')
        if any(dest == "previous" for _, dest, _ in edges):
            lines.append("    state previous <<choice>>")
        lines += [f"    {a} --> {b} : {t}" for a, b, t in edges]
        lines += [f"    {s.name} --> [*]" for s in wf.states.values() if s.final]
        return "\n".join(lines) + "\n"
    lines = [f'digraph "{wf.name}" {{', "    rankdir=LR;", '    node [shape=box, style=rounded];']
    for s in wf.states.values():
        shape = ", peripheries=2" if s.final else ""
        lines.append(f'    {s.name} [label="{s.name}\\n{s.labels[lang]}"{shape}];')
    if any(dest == "previous" for _, dest, _ in edges):
        lines.append('    previous [shape=diamond, label="(state it left)"];')
    lines += [f'    {a} -> {b} [label="{t}"];' for a, b, t in edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


class _Problems(Msg):
    """The assets that cannot move, one a line, in the reader's language."""

    def __init__(self, problems: list):
        super().__init__("literal")
        self.problems = problems

    def render(self, lang: str = "en") -> str:
        return "\n".join("  " + p.render(lang) for p in self.problems)


def migrate(engine, actor: str | None, to_version: int, asset_ids=(), all_assets: bool = False,
            reason: str | None = None, on=None, dry_run: bool = False, name: str = "asset_auction") -> dict:
    """Move live assets to version ``to_version`` of their workflow (each audited on its chain).

    ``all_assets``: every asset of the workflow on an older version, not in a final state, in the
    actor's offices. Every asset is checked first (its state in the new version, the date); if
    any cannot move, nothing is changed and each is named. Then each moves in its own
    transaction, guarded by the version it was checked at: a conflict stops the run, and
    running it again moves the rest."""

    if not asset_ids and not all_assets:
        raise InvalidInput("migrate_what")
    reason = amend.require_reason(reason)
    target = workflow_mod.get(name, int(to_version))
    if all_assets:
        asset_ids = _older_assets(engine, actor, target)
    problems, plans = [], []
    for aid in asset_ids:
        try:
            plans.append(amend.plan_migration(engine, aid, actor, target.version, on))
        except InvalidInput as exc:
            problems.append(Msg(exc.key, **exc.params))
    if problems:
        raise InvalidInput("migrate_refused", count=len(problems), name=name, to=target.version,
                           errors=_Problems(problems))
    moved = [] if dry_run else [amend.apply_migration(engine, plan, reason).asset_id for plan in plans]
    return {"workflow": name, "to": target.version, "dry_run": dry_run,
            "assets": [plan.asset["id"] for plan in plans], "moved": moved}


def _older_assets(engine, actor, target: Workflow) -> list[int]:
    """The assets of ``target``'s workflow on an older version, not closed, in the actor's offices;
    an actor who may not migrate is refused (and logged) as for one asset."""

    finals = [s.name for s in target.states.values() if s.final]
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        try:
            authz.check(conn, user, "migrate_workflow", amend.MIGRATE_ROLES, user["office_id"],
                        user.get("office_code"))
        except PermissionDenied as exc:
            denied = exc
        else:
            denied = None
            return [r.id for r in conn.execute(
                select(assets.c.id).where(assets.c.workflow == target.name,
                                          assets.c.workflow_version < target.version, assets.c.state.not_in(finals),
                                          assets.c.office_id.in_(authz.offices_under(conn, user["office_id"])))
                .order_by(assets.c.id))]
    authz.record_denial(engine, user, "migrate_workflow", None, user.get("office_code"), str(denied))
    raise denied

"""Workflow definitions for people: validate a file, show it, draw it."""

from __future__ import annotations

from .. import workflow as workflow_mod
from ..workflow import PREVIOUS, Workflow


def _get(path: str | None) -> Workflow:
    return workflow_mod.load(path) if path else workflow_mod.get()


def validate(path: str | None = None) -> dict:
    wf = _get(path)
    return {"file": wf.path, "name": wf.name, "version": wf.version, "states": len(wf.states),
            "triggers": len(wf.triggers), "regimes": [r.id for r in wf.regimes]}


def _clock_text(rule, lang: str) -> str:
    parts = []
    for p in rule.periods:
        n = p.days if isinstance(p.days, int) else "/".join(f"{v} ({k})" for k, v in p.days.items())
        unit = {"working": {"vi": "ngày làm việc", "en": "working days"},
                "calendar": {"vi": "ngày", "en": "days"}}[p.unit][lang]
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
    }


def diagram(fmt: str = "mermaid", path: str | None = None, lang: str = "en") -> str:
    wf = _get(path)
    edges = []
    for t in wf.triggers.values():
        for s in t.sources:
            edges.append((s, "previous" if t.dest == PREVIOUS else t.dest, t.name))
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

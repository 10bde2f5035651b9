"""The stages chart: median days spent in each stage, one bar per office (matplotlib, Agg)."""

from __future__ import annotations

from auction_flow.common.render import output_file
from auction_flow.common.words import message
from auction_flow.core.workflow import get


def stages_chart(rows: list[dict], path: str, start, end, lang: str = "en") -> str:
    """Draw ``rows`` ({office, stage, median_days}) as grouped bars into ``path`` (.svg or .png)."""
    import matplotlib  # lazy on purpose: matplotlib takes about a second to import, and only a chart needs it

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    wf = get()
    order = list(wf.states)
    stages = sorted({r["stage"] for r in rows}, key=lambda s: order.index(s) if s in order else len(order))
    offices = sorted({r["office"] for r in rows})
    value = {(r["office"], r["stage"]): r["median_days"] for r in rows}
    fig, ax = plt.subplots(figsize=(max(7.0, 1.2 * len(stages) + 3), 4.8), dpi=110)
    width = 0.8 / max(1, len(offices))
    for i, office in enumerate(offices):
        xs = [j + (i - (len(offices) - 1) / 2) * width for j in range(len(stages))]
        ax.bar(xs, [value.get((office, s)) or 0 for s in stages], width, label=office)
    labels = [wf.states[s].labels[lang] if s in wf.states else s for s in stages]
    ax.set_xticks(range(len(stages)))
    ax.set_xticklabels(labels, rotation=25, ha="right", fontsize=8)
    ax.set_ylabel(message("report.chart_ylabel", lang))
    ax.set_title(message("report.chart_title", lang, start=start, end=end), fontsize=10)
    if offices:
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "—", ha="center", va="center", transform=ax.transAxes)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    try:
        with output_file(path):
            fig.savefig(path, format="svg" if str(path).lower().endswith(".svg") else "png")
    finally:
        plt.close(fig)
    return str(path)

"""Statistics charts, drawn on the server with matplotlib as SVG (a table stands beside each)."""

from __future__ import annotations

import io

import matplotlib as mpl

mpl.use("Agg")  # no screen: draw to files only
from matplotlib.figure import Figure

INK, BAR = "#1b1b1b", "#1d4f7a"


def bar_chart(title: str, items: list[tuple[str, int]]) -> str:
    """A horizontal bar chart of ``items`` (label, count), biggest at the top, as SVG text."""
    height = 1.2 + 0.35 * max(1, len(items))
    figure = Figure(figsize=(7, height))
    axes = figure.subplots()
    labels = [label[:48] for label, _ in reversed(items)]
    counts = [n for _, n in reversed(items)]
    axes.barh(labels, counts, color=BAR)
    axes.set_title(title, loc="left", color=INK, fontsize=11)
    axes.tick_params(colors=INK, labelsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for y, n in enumerate(counts):
        axes.text(n, y, f" {n}", va="center", color=INK, fontsize=9)
    if not items:
        axes.text(0.5, 0.5, "Nothing to show yet", ha="center", transform=axes.transAxes)
        axes.set_yticks([])
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})  # the same chart, the same bytes
    return out.getvalue()

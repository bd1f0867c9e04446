"""Charts drawn on the server by matplotlib as SVG: no script, nothing from outside, printable.

Each figure is built with matplotlib's object API (no pyplot, no global rcParams: a web process
draws for many requests at once). Chinese labels use the system's Noto CJK font, as the PDF does.
Cells of the coverage heatmap are links to the students behind them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

FONT_FAMILY = ["DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK JP"]
ACCENT = "#8a1538"
MUTED = "#5f6b7a"
MODE_COLOURS = {
    "philanthropic": "#8a1538",
    "volunteer": "#1d7a46",
    "experiential": "#2458a6",
    "communication": "#b46b00",
}
SHARE_MAP = LinearSegmentedColormap.from_list("alma_share", ["#fbf3f5", ACCENT])


def _svg(figure: Figure, title: str) -> str:
    for text in figure.findobj(Text):
        text.set_fontfamily(FONT_FAMILY)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    # The Content-Security-Policy allows no inline style: matplotlib's style attributes become
    # SVG presentation attributes (fill="…"), which the policy does not govern, and its one
    # <style> element (line joins) goes.
    svg = re.sub(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>", "", svg, flags=re.S)
    svg = re.sub(r'\sstyle="([^"]*)"', _presentation_attributes, svg)
    # Links open in the same tab (matplotlib asks for a new one), as SVG 2 links (href).
    svg = svg[svg.index("<svg") :].replace(' target="_blank"', "")
    svg = svg.replace("<a xlink:href=", "<a href=")
    # A name for screen readers; the table beside each chart carries the numbers.
    return re.sub(
        r"<svg ",
        f'<svg role="img" aria-label="{_escape(title)}" class="chart-svg" ',
        svg,
        count=1,
    )


def _presentation_attributes(match: re.Match[str]) -> str:
    pairs = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        if name.strip() and value.strip():
            pairs.append(f' {name.strip()}="{value.strip()}"')
    return "".join(pairs)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def coverage_heatmap(
    *,
    rows: list[tuple[str, str, str]],  # (row label, stage, aspect)
    columns: list[tuple[str, str]],  # (column label, provider)
    share: Callable[[str, str, str], float | None],
    link: Callable[[str, str, str], str],
    title: str,
    hidden_label: str,
) -> str:
    """Share served per stage and aspect (rows) and provider (columns); None means hidden."""
    figure = Figure(figsize=(1.2 + 1.05 * len(columns), 0.9 + 0.38 * len(rows)))
    axes = figure.add_subplot()
    for y, (_label, stage, aspect) in enumerate(rows):
        for x, (_column, provider) in enumerate(columns):
            value = share(stage, aspect, provider)
            colour = "#e6e8eb" if value is None else SHARE_MAP(min(value, 1.0))
            cell = Rectangle(
                (x, y),
                1,
                1,
                facecolor=colour,
                edgecolor="white",
                linewidth=1.5,
                hatch="//" if value is None else None,
            )
            cell.set_url(link(stage, aspect, provider))
            axes.add_patch(cell)
            text = hidden_label if value is None else f"{round(value * 100)}%"
            axes.text(
                x + 0.5,
                y + 0.5,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value is not None and value > 0.55 else "#1f2933",
            ).set_url(link(stage, aspect, provider))
    axes.set_xlim(0, len(columns))
    axes.set_ylim(len(rows), 0)
    axes.set_xticks([x + 0.5 for x in range(len(columns))])
    axes.set_xticklabels([c[0] for c in columns], rotation=30, ha="right", fontsize=8)
    axes.set_yticks([y + 0.5 for y in range(len(rows))])
    axes.set_yticklabels([r[0] for r in rows], fontsize=8)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_title(title, fontsize=10, loc="left", color="#1f2933")
    return _svg(figure, title)


def trend_lines(
    *,
    years: list[str],
    series: dict[str, list[float | None]],
    labels: dict[str, str],
    title: str,
    percent: bool = True,
) -> str:
    figure = Figure(figsize=(6.4, 3.0))
    axes = figure.add_subplot()
    for key, values in series.items():
        points = [(i, v) for i, v in enumerate(values) if v is not None]
        if not points:
            continue
        axes.plot(
            [p[0] for p in points],
            [p[1] * (100 if percent else 1) for p in points],
            marker="o",
            linewidth=2.4 if key == "overall" else 1.6,
            color=MODE_COLOURS.get(key, "#1f2933"),
            label=labels[key],
        )
    axes.set_xticks(range(len(years)))
    axes.set_xticklabels(years, fontsize=8)
    axes.tick_params(labelsize=8)
    if percent:
        axes.yaxis.set_major_formatter("{x:.0f}%")
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color="#d9dee5", linewidth=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.set_title(title, fontsize=10, loc="left")
    return _svg(figure, title)


def bars(*, labels: list[str], values: list[float | None], title: str, percent: bool = True) -> str:
    figure = Figure(figsize=(6.4, 0.6 + 0.32 * max(len(labels), 1)))
    axes = figure.add_subplot()
    shown = [(v or 0) * (100 if percent else 1) for v in values]
    axes.barh(range(len(labels)), shown, color=ACCENT)
    axes.set_yticks(range(len(labels)))
    axes.set_yticklabels(labels, fontsize=8)
    axes.invert_yaxis()
    if percent:
        axes.xaxis.set_major_formatter("{x:.0f}%")
    axes.tick_params(labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(title, fontsize=10, loc="left")
    return _svg(figure, title)


def forest(*, rows: list[dict[str, Any]], title: str, zero_label: str) -> str:
    """Differences with their confidence intervals, one row each (in percentage points)."""
    figure = Figure(figsize=(6.4, 0.9 + 0.42 * max(len(rows), 1)))
    axes = figure.add_subplot()
    for y, row in enumerate(rows):
        if row["difference"] is None:
            continue
        axes.plot([row["low"] * 100, row["high"] * 100], [y, y], color=MUTED, linewidth=2, zorder=1)
        axes.scatter([row["difference"] * 100], [y], color=ACCENT, s=36, zorder=2)
    axes.axvline(0, color="#1f2933", linewidth=0.8, linestyle="--")
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels([r["label"] for r in rows], fontsize=8)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter("{x:+.0f}")
    axes.set_xlabel(zero_label, fontsize=8)
    axes.tick_params(labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(title, fontsize=10, loc="left")
    return _svg(figure, title)
